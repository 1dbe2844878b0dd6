"""Keras constructs that published model code uses (issue 24), read without running the code.

Shape queries answered by Keras's shape inference, Keras's settings, TensorFlow's spellings
of initializers and regularizers, positional layer arguments bound by Keras's constructor
signatures, a Sequential without an input shape built by its first call (the pix2pix
tutorial's), and custom layer classes refused naming the class.

Each snippet below is also run for real, with Keras, in one subprocess
(tests/code_corpus/run_corpus_file.py: our own trusted snippets): the imported project
must build to the same parameter counts, layer count and input and output shapes.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus_runs import run_snippets

from editor.code.code_import import CodeRefused, import_code
from editor.code.code_values import Skip

HERE = Path(__file__).parent
HEADER = re.compile(r"^#\s*model:\s*(\w+)\s*$", re.MULTILINE)

SNIPPETS = {
    # 4. positional arguments, as Python binds them to Keras's constructors
    "positional.py": '''\
import keras
from keras import layers

inputs = keras.Input((28, 28, 1))
x = layers.ZeroPadding2D(((0, 1), (0, 1)))(inputs)
x = layers.Conv2D(32, 3, 2, "same")(x)
x = layers.LeakyReLU(0.2)(x)
x = layers.BatchNormalization(-1, 0.9)(x)
x = layers.MaxPooling2D(2, 1, "valid")(x)
x = layers.Dropout(0.5)(x)
x = layers.Flatten()(x)
x = layers.Dense(7 * 7 * 4, "relu")(x)
x = layers.Reshape((7, 7, 4))(x)
x = layers.Conv2DTranspose(8, 3, 2, "same")(x)
x = layers.UpSampling2D(2)(x)
x = layers.Cropping2D(((1, 0), (0, 1)))(x)
x = layers.Permute((2, 1, 3))(x)
x = layers.Reshape((27 * 27, 8))(x)
x = layers.Conv1D(4, 5, 2, "causal")(x)
x = layers.LSTM(6, "tanh", "sigmoid", False)(x)
x = layers.RepeatVector(3)(x)
x = layers.GRU(5, "tanh")(x)
model = keras.Model(inputs, layers.Activation("softmax")(layers.Dense(10, "relu")(x)))
''',
    # 4. a Keras 2 Sequential (the DCGAN discriminator of the Keras 2 examples)
    "positional_sequential.py": '''\
from keras.models import Sequential
from keras.layers import Conv2D, Dense, Dropout, Flatten, LeakyReLU

cnn = Sequential()
cnn.add(Conv2D(32, 3, padding="same", strides=2, input_shape=(28, 28, 1)))
cnn.add(LeakyReLU(0.2))
cnn.add(Dropout(0.3))
cnn.add(Conv2D(64, 3, padding="same", strides=1))
cnn.add(LeakyReLU(0.2))
cnn.add(Dropout(0.3))
cnn.add(Flatten())
cnn.add(Dense(1, "sigmoid"))
''',
    # 2. Keras's settings, as the code reads them
    "settings.py": '''\
import keras
from keras import layers
from tensorflow.keras import backend as K

if K.image_data_format() == "channels_first":
    shape, axis = (3, 32, 32), 1
else:
    shape, axis = (32, 32, 3), -1
inputs = keras.Input(shape, dtype=keras.config.floatx())
x = layers.Conv2D(8, 3)(inputs)
x = layers.BatchNormalization(axis=axis, epsilon=K.epsilon())(x)
x = layers.LayerNormalization(epsilon=keras.config.epsilon() * 10)(x)
x = layers.GlobalAveragePooling2D(data_format=keras.backend.image_data_format())(x)
model = keras.Model(inputs, layers.Dense(2, dtype=K.floatx())(x))
''',
    # 3. initializers and regularizers spelled as TensorFlow code spells them
    "initializers.py": '''\
import tensorflow as tf
from tensorflow.keras import layers

initializer = tf.random_normal_initializer(0., 0.02)
inputs = tf.keras.Input((16,))
x = layers.Dense(32, kernel_initializer=initializer, use_bias=False)(inputs)
x = layers.Dense(32, kernel_initializer=tf.keras.initializers.TruncatedNormal(stddev=0.02),
                 kernel_regularizer=tf.keras.regularizers.l2(1e-4))(x)
x = layers.Dense(16, kernel_initializer=tf.keras.initializers.he_normal(),
                 bias_initializer=tf.initializers.zeros(),
                 kernel_regularizer=tf.keras.regularizers.L1L2(l1=1e-5, l2=1e-4),
                 kernel_constraint=tf.keras.constraints.max_norm(3))(x)
x = layers.Dense(4, kernel_initializer=tf.keras.initializers.RandomUniform(-0.1, 0.1),
                 bias_initializer=tf.constant_initializer(0.1))(x)
model = tf.keras.Model(inputs, x)
''',
    # 1. shape queries: residual blocks that ask the channel count, decoders that ask the shape
    "shapes.py": '''\
# model: model
import keras
from keras import layers
from tensorflow.keras import backend as K


def residual(x, filters):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1)(x)
    y = layers.Conv2D(filters, 3, 1, "same")(x)
    return layers.add([y, shortcut])


inputs = keras.Input((16, 16, 3))
x = residual(inputs, 8)
x = residual(x, 8)
x = residual(x + 1.0, 16)
shape = K.int_shape(x)
dims = list(x.shape)
y = layers.Flatten()(x)
y = layers.Dense(len(x.shape) + dims[-1] + keras.ops.shape(x)[1])(y)
y = layers.Dense(shape[1] * shape[2] * shape[3] // 8)(y)
y = layers.Reshape((shape[1], shape[2], -1))(y)
encoder = keras.Model(inputs, y)
z = layers.Dense(encoder.output_shape[-1] * 2 + len(encoder.input_shape))(y)
features = layers.Dense(3)
w = features(layers.GlobalAveragePooling2D()(z))
w = layers.Dense(features.output.shape[-1] + x.shape[1:][0])(w)
model = keras.Model(inputs, w)
''',
    # 1. a Sequential model's shapes, before the editor reads it as a graph
    "sequential_shapes.py": '''\
import keras
from keras import layers

encoder = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3, 2), layers.Flatten()], name="encoder")
decoder = keras.Sequential([keras.Input(encoder.output_shape[1:]), layers.Dense(encoder.input_shape[1] * 2)],
                           name="decoder")
inputs = keras.Input((28, 28, 1))
model = keras.Model(inputs, decoder(encoder(inputs)))
''',
    # 1. shapes of what a nested model gives (a keras.Model of the records read so far)
    "nested_shapes.py": '''\
# model: model
import keras
from keras import layers

i = keras.Input((8,))
h = layers.Dense(6)(layers.Dense(5)(i))
inner = keras.Model(i, [h, layers.Dense(3)(h)])
x_in = keras.Input((8,))
a, b = inner(x_in)
c = layers.Dense(a.shape[-1] + b.shape[-1])(layers.concatenate([a, b]))
model = keras.Model(x_in, c)
''',
    # 1. shapes after keyword tensors (initial_state), several outputs (return_state) and two-tensor calls
    "keyword_shapes.py": '''\
import keras
from keras import layers

enc_in = keras.Input((None, 10))
_, h, c = layers.LSTM(16, return_state=True)(enc_in)
dec_in = keras.Input((None, 12))
seq = layers.LSTM(16, return_sequences=True)(dec_in, initial_state=[h, c])
att = layers.MultiHeadAttention(2, 8)(seq, seq)
out = layers.Dense(att.shape[-1] + seq.shape[-1] + h.shape[-1])(att)
model = keras.Model([enc_in, dec_in], out)
''',
    # 5. the TensorFlow pix2pix tutorial's generator (smaller): Sequentials without an input shape
    "pix2pix.py": '''\
import tensorflow as tf

OUTPUT_CHANNELS = 3


def downsample(filters, size, apply_batchnorm=True):
    initializer = tf.random_normal_initializer(0., 0.02)
    result = tf.keras.Sequential()
    result.add(tf.keras.layers.Conv2D(filters, size, strides=2, padding="same",
                                      kernel_initializer=initializer, use_bias=False))
    if apply_batchnorm:
        result.add(tf.keras.layers.BatchNormalization())
    result.add(tf.keras.layers.LeakyReLU())
    return result


def upsample(filters, size, apply_dropout=False):
    initializer = tf.random_normal_initializer(0., 0.02)
    result = tf.keras.Sequential()
    result.add(tf.keras.layers.Conv2DTranspose(filters, size, strides=2, padding="same",
                                               kernel_initializer=initializer, use_bias=False))
    result.add(tf.keras.layers.BatchNormalization())
    if apply_dropout:
        result.add(tf.keras.layers.Dropout(0.5))
    result.add(tf.keras.layers.ReLU())
    return result


def Generator():
    inputs = tf.keras.layers.Input(shape=[64, 64, 3])
    down_stack = [downsample(16, 4, apply_batchnorm=False), downsample(32, 4), downsample(64, 4)]
    up_stack = [upsample(32, 4, apply_dropout=True), upsample(16, 4)]
    initializer = tf.random_normal_initializer(0., 0.02)
    last = tf.keras.layers.Conv2DTranspose(OUTPUT_CHANNELS, 4, strides=2, padding="same",
                                           kernel_initializer=initializer, activation="tanh")
    x = inputs
    skips = []
    for down in down_stack:
        x = down(x)
        skips.append(x)
    skips = reversed(skips[:-1])
    for up, skip in zip(up_stack, skips):
        x = up(x)
        x = tf.keras.layers.Concatenate()([x, skip])
    x = last(x)
    return tf.keras.Model(inputs=inputs, outputs=x)


generator = Generator()
''',
}


SEQUENTIAL = {"positional_sequential.py"}  # (the editor builds a Sequential as a functional model)


def wanted(name: str):
    found = HEADER.search(SNIPPETS[name])
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    """Every snippet run with Keras, in one subprocess: {file: what it built}."""
    results = run_snippets(tmp_path_factory.mktemp("snippets"), SNIPPETS)
    assert len(results) == len(SNIPPETS), sorted(results)
    return results


def built(code: str, model=None):
    from editor.building.build import build_project

    result = import_code(code, model=model, strict=True)
    building = build_project(result.project, weights=False)
    assert building.ok, building.first_error
    return result, building.model


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_snippet_imports_to_what_running_it_builds(name, ran):
    real = ran[name]
    assert "error" not in real, real.get("traceback")
    _, model = built(SNIPPETS[name], wanted(name))
    shape = lambda t: [d if d is None else int(d) for d in t.shape]  # noqa: E731
    assert model.count_params() == real["params"]
    assert sum(_size(w) for w in model.trainable_weights) == real["trainable_params"]
    input_layers = len(model.inputs) if name in SEQUENTIAL else 0  # Keras's Sequential does not list its InputLayer
    assert len(model.layers) - input_layers == real["layers"]
    assert [shape(t) for t in model.inputs] == real["inputs"]
    assert [shape(t) for t in model.outputs] == real["outputs"]


def _size(weight) -> int:
    size = 1
    for dim in weight.shape:
        size *= int(dim)
    return size


LEFT_OUT = ": this line was left out, and the model 'm' needs it"


def refusal(code: str, strict: bool = False) -> str:
    with pytest.raises(CodeRefused) as refused:
        import_code(code, strict=strict)
    return str(refused.value)


# ----------------------------------------------------------------------------- 1. shape queries

def test_shape_queries_read_keras_inferred_numbers():
    """The numbers the code computed from shapes are in the layers' configs (Keras's shapes:
    16x16 with 16 channels after the third block; 8 and 16 from the residual test)."""
    result = import_code(SNIPPETS["shapes.py"], model="model")
    units = [n.config["units"] for n in result.project.main.nodes if n.class_name == "Dense"]
    # len((None, 16, 16, 16)) + 16 + 16; 16 * 16 * 16 // 8; encoder output (16, 16, 2): 2 * 2 + len((None, 16, 16, 3));
    # 3; Dense(3).output.shape[-1] + x.shape[1:][0]
    assert units == [4 + 16 + 16, 512, 2 * 2 + 4, 3, 3 + 16]
    convs = [n.config["filters"] for n in result.project.main.nodes if n.class_name == "Conv2D"]
    assert convs == [8, 8, 8, 16, 16]  # a 1x1 shortcut only where the channels differ


@pytest.mark.parametrize("spelling", ["x.shape.as_list()", "x.get_shape().as_list()", "list(x.get_shape())"])
def test_as_list_reads_as_list_of_the_shape(spelling):
    """TensorFlow's TensorShape.as_list() and get_shape() (Keras 2 code; Keras 3's shape is a tuple)."""
    code = SNIPPETS["shapes.py"].replace("list(x.shape)", spelling)
    assert spelling in code
    assert import_code(code, model="model").project == import_code(SNIPPETS["shapes.py"], model="model").project


def test_keras_backend_int_shape_and_ops_shape_give_the_static_shape():
    code = ("import keras\nfrom keras import layers\n"
            "inputs = keras.Input((None, 12))\n"
            "x = layers.Conv1D(6, 3)(inputs)\n"
            "a = keras.backend.int_shape(x)\n"
            "b = keras.ops.shape(x)\n"
            "c = x.shape\n"
            "model = keras.Model(inputs, layers.Dense(a[-1] + b[-1] + c[-1] + (a[1] is None) + len(c[1:]))(x))\n")
    result = import_code(code, strict=True)
    assert [n.config.get("units") for n in result.project.main.nodes if n.class_name == "Dense"] == [6 + 6 + 6 + 1 + 2]


def test_a_none_dimension_where_a_number_is_needed_refuses_in_one_line():
    layer_argument = ("import keras\nfrom keras import layers\n"
                      "inputs = keras.Input((None, 8))\n"
                      "x = layers.Dense(inputs.shape[1])(inputs)\n"
                      "model = keras.Model(inputs, x)\n")
    assert refusal(layer_argument) == ("line 4: Dense(): 'units' is None where a number is needed (a tensor dimension "
                                       "that is None is known only when the model runs): this line was left out, "
                                       "and the model 'model' needs it")
    arithmetic = ("import keras\nfrom keras import layers\n"
                  "inputs = keras.Input((None, 8))\n"
                  "steps = inputs.shape[1] * 2\n"
                  "model = keras.Model(inputs, layers.Dense(steps)(inputs))\n")
    assert refusal(arithmetic, strict=True) == ("line 4: a None dimension (free until the model runs) "
                                                "where a number is needed: this line was left out, "
                                                "and the model 'model' needs it")


def test_tf_shape_is_a_tensor_of_the_running_model_not_a_static_shape():
    code = ("import tensorflow as tf\nfrom tensorflow.keras import layers\n"
            "inputs = tf.keras.Input((4, 8))\n"
            "n = tf.shape(inputs)[1]\n"
            "model = tf.keras.Model(inputs, layers.Dense(n)(inputs))\n")
    assert refusal(code).startswith("line 4: tensorflow.shape() is not model-building code")


def test_a_shape_keras_cannot_infer_refuses_naming_the_layer():
    code = ("import keras\nfrom keras import layers\n"
            "inputs = keras.Input((10,))\n"
            "x = layers.Reshape((3, -1))(inputs)\n"
            "model = keras.Model(inputs, layers.Dense(x.shape[-1])(x))\n")
    message = refusal(code, strict=True)
    assert message.startswith("line 5: the shape of 'reshape': Keras cannot build it: ")
    assert "\n" not in message


def test_shape_queries_call_keras_at_most_max_called_nodes():
    from editor.code.shape_queries import MAX_CALLED

    code = ("import keras\nfrom keras import layers\n"
            "x = inputs = keras.Input((4,))\n"
            f"for i in range({MAX_CALLED}):\n"
            "    x = layers.Activation('relu')(x)\n"
            "model = keras.Model(inputs, layers.Dense(x.shape[-1])(x))\n")
    assert refusal(code) == (f"line 6: a tensor's shape asked of more than {MAX_CALLED:,} nodes: "
                             "too many Keras calls to read")


def test_the_shape_of_a_loss_argument_is_not_read():
    code = ("import keras\nfrom keras import layers\n"
            "def loss(y_true, y_pred):\n"
            "    return keras.ops.mean(y_pred) * y_pred.shape[-1]\n"
            "inputs = keras.Input((3,))\n"
            "model = keras.Model(inputs, layers.Dense(2)(inputs))\n"
            "model.compile(optimizer='adam', loss=loss)\n")
    assert refusal(code) == ("line 4: the shape of a tensor that is known only when the model runs "
                             "(a loss's argument) (in the loss loss())")


# ----------------------------------------------------------------------------- 2. Keras settings

def test_keras_settings_are_keras_config_values():
    import keras

    result = import_code(SNIPPETS["settings.py"], strict=True)
    nodes = {n.class_name: n for n in result.project.main.nodes if n.kind == "layer"}
    assert result.project.main.inputs[0].shape == ((32, 32, 3) if keras.config.image_data_format() == "channels_last"
                                                   else (3, 32, 32))
    assert result.project.main.inputs[0].dtype == keras.config.floatx()
    assert nodes["BatchNormalization"].config["epsilon"] == keras.config.epsilon()
    assert nodes["LayerNormalization"].config["epsilon"] == keras.config.epsilon() * 10
    assert nodes["GlobalAveragePooling2D"].config["data_format"] == keras.config.image_data_format()
    assert nodes["Dense"].config["dtype"] == keras.config.floatx()


@pytest.mark.parametrize("call", ["keras.config.set_image_data_format('channels_first')",
                                  "K.set_floatx('float16')", "K.set_epsilon(1e-3)",
                                  "keras.mixed_precision.set_global_policy('mixed_float16')"])
def test_changing_a_keras_setting_refuses_the_file(call):
    code = f"import keras\nfrom keras import backend as K\n{call}\nmodel = keras.Sequential([keras.Input((2,))])\n"
    path = call.partition("(")[0].replace("K.", "keras.backend.")
    assert refusal(code) == (f"line 3: {path}() changes Keras's defaults for every layer after it: "
                             "the editor builds with Keras's own settings (remove the call)")


def test_setting_the_value_keras_already_has_changes_nothing():
    import keras

    code = ("import keras\nfrom keras import backend as K\n"
            f"K.set_image_data_format({keras.config.image_data_format()!r})\n"
            f"keras.config.set_floatx({keras.config.floatx()!r})\n"
            f"keras.mixed_precision.set_global_policy({keras.config.dtype_policy().name!r})\n"
            "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n")
    result = import_code(code, strict=True)
    assert [n.class_name for n in result.project.main.nodes if n.kind == "layer"] == ["Dense"]


# ----------------------------------------------------------------------------- 3. initializers, regularizers

def test_tensorflow_spellings_are_stored_as_keras_serializes_them():
    import keras

    result = import_code(SNIPPETS["initializers.py"], strict=True)
    dense = [n.config for n in result.project.main.nodes if n.class_name == "Dense"]
    ser = keras.saving.serialize_keras_object
    assert dense[0]["kernel_initializer"] == ser(keras.initializers.RandomNormal(0.0, 0.02))
    assert dense[1]["kernel_initializer"] == ser(keras.initializers.TruncatedNormal(stddev=0.02))
    assert dense[1]["kernel_regularizer"] == ser(keras.regularizers.L2(1e-4))
    assert dense[2]["kernel_initializer"] == ser(keras.initializers.HeNormal())
    assert dense[2]["bias_initializer"] == ser(keras.initializers.Zeros())
    assert dense[2]["kernel_regularizer"] == ser(keras.regularizers.L1L2(l1=1e-5, l2=1e-4))
    assert dense[2]["kernel_constraint"] == ser(keras.constraints.MaxNorm(3))
    assert dense[3]["kernel_initializer"] == ser(keras.initializers.RandomUniform(-0.1, 0.1))
    assert dense[3]["bias_initializer"] == ser(keras.initializers.Constant(0.1))
    assert dense[0]["kernel_initializer"]["class_name"] == "RandomNormal"
    assert dense[0]["kernel_initializer"]["config"]["stddev"] == 0.02


def test_keras_regularizer_classes_and_functions_are_one_object():
    one = import_code("import keras\nfrom keras import layers\ni = keras.Input((3,))\n"
                      "m = keras.Model(i, layers.Dense(2, kernel_regularizer=keras.regularizers.L2(1e-3))(i))\n")
    other = import_code("import keras\nfrom keras import layers\ni = keras.Input((3,))\n"
                        "m = keras.Model(i, layers.Dense(2, kernel_regularizer=keras.regularizers.l2(1e-3))(i))\n")
    assert one.project == other.project


def test_an_initializer_keras_refuses_is_one_line():
    code = ("import keras\nfrom keras import layers\ni = keras.Input((3,))\n"
            "init = keras.initializers.TruncatedNormal(0, 1, 2, 3)\n"
            "m = keras.Model(i, layers.Dense(2, kernel_initializer=init)(i))\n")
    assert refusal(code) == "line 4: keras.initializers.TruncatedNormal(): too many positional arguments" + LEFT_OUT
    code = ("import keras\nfrom keras import layers\ni = keras.Input((3,))\n"
            "m = keras.Model(i, layers.Dense(2, kernel_initializer=keras.initializers.get('zeros'))(i))\n")
    assert refusal(code) == "line 4: keras.initializers.get() is not a Keras initializer class" + LEFT_OUT


# ----------------------------------------------------------------------------- 4. positional arguments

def test_the_stored_signatures_are_the_installed_keras_constructors():
    from editor.code.layer_arguments import read_signatures, signatures

    assert signatures() == read_signatures(), "another Keras: run python -m editor.code.layer_arguments"


def test_every_palette_layer_binds_its_first_positional_argument_as_keras_does():
    import keras

    from editor.building import catalog
    from editor.code.layer_arguments import keyword_arguments

    palette = catalog.layers()
    assert len(palette) > 100
    for name in palette:
        params = list(inspect.signature(getattr(keras.layers, name).__init__).parameters.values())[1:]
        first = params[0] if params and params[0].kind is params[0].POSITIONAL_OR_KEYWORD else None
        if first is None:
            with pytest.raises(Skip) as skipped:
                keyword_arguments(name, [7], {}, 3)
            assert str(skipped.value) == f"line 3: {name}() takes at most 0 positional arguments (1 given)"
        else:
            assert keyword_arguments(name, [7], {}, 3) == {first.name: 7}, name
            bound = inspect.signature(getattr(keras.layers, name).__init__).bind_partial(None, 7).arguments
            assert list(bound)[1] == first.name


def test_positional_arguments_are_read_without_loading_keras():
    """The signatures come from layer_signatures.json: a file that asks Keras nothing else
    is read in a process where TensorFlow never loads."""
    script = ("import sys\nfrom editor.code.code_import import import_code\n"
              "import_code(sys.stdin.read(), strict=True)\n"
              "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    done = subprocess.run([sys.executable, "-c", script], input=SNIPPETS["positional.py"], capture_output=True,
                          text=True, timeout=120, cwd=str(HERE.parent), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_positional_arguments_python_would_refuse_are_refused():
    many = ("import keras\nfrom keras import layers\ni = keras.Input((3,))\n"
            "m = keras.Model(i, layers.Dropout(0.5, None, 1, 2)(i))\n")
    assert refusal(many, strict=True) == ("line 4: Dropout() takes at most 3 positional arguments (4 given)" + LEFT_OUT)
    twice = ("import keras\nfrom keras import layers\ni = keras.Input((3,))\n"
             "m = keras.Model(i, layers.Dense(10, units=5)(i))\n")
    assert refusal(twice, strict=True) == ("line 4: Dense() got two values for 'units'" + LEFT_OUT)


def test_positional_arguments_are_the_configs_keras_makes():
    result = import_code(SNIPPETS["positional.py"], strict=True)
    configs = [(n.class_name, n.config) for n in result.project.main.nodes if n.kind == "layer"]
    assert configs[:5] == [("ZeroPadding2D", {"padding": [[0, 1], [0, 1]]}),
                           ("Conv2D", {"filters": 32, "kernel_size": 3, "strides": 2, "padding": "same"}),
                           ("LeakyReLU", {"negative_slope": 0.2}),
                           ("BatchNormalization", {"axis": -1, "momentum": 0.9}),
                           ("MaxPooling2D", {"pool_size": 2, "strides": 1, "padding": "valid"})]
    assert ("LSTM", {"units": 6, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": False}) in configs


def test_leaky_relu_in_a_sequential_is_not_left_out():
    """Issue 24's first example: `cnn.add(LeakyReLU(0.2))` was left out and the model lost its activations."""
    result = import_code(SNIPPETS["positional_sequential.py"], strict=True)
    graph = next(g for g in result.project.graphs if g.nodes and any(n.class_name == "LeakyReLU" for n in g.nodes))
    assert [n.config for n in graph.nodes if n.class_name == "LeakyReLU"] == [{"negative_slope": 0.2}] * 2


# ----------------------------------------------------------------------------- 5. Sequential built by its call

def test_a_sequential_without_input_shape_takes_the_shape_it_is_called_on():
    result = import_code(SNIPPETS["pix2pix.py"], strict=True)
    main = result.project.main
    assert [n.kind for n in main.nodes].count("model") == 5
    inputs = [result.project.graph(n.graph).inputs[0].shape for n in main.nodes if n.kind == "model"]
    # 64x64x3 -> 32x32x16 -> 16x16x32 -> 8x8x64 -> (up) 16x16x(32+32) -> 32x32x(16+16)
    assert inputs == [(64, 64, 3), (32, 32, 16), (16, 16, 32), (8, 8, 64), (16, 16, 64)]


# ----------------------------------------------------------------------------- 6. custom classes

CUSTOM = '''\
import keras
from keras import layers


class AttentionBlock({base}):
    def call(self, x):
        return x


inputs = keras.Input((8,))
model = keras.Model(inputs, AttentionBlock()(inputs))
'''


@pytest.mark.parametrize("base,kind", [("keras.layers.Layer", "layer"), ("layers.Layer", "layer"),
                                       ("keras.Model", "model"), ("keras.models.Model", "model")])
def test_a_custom_layer_or_model_class_refuses_naming_the_class(base, kind):
    code = CUSTOM.format(base=base)
    expected = f"line 5: class AttentionBlock({base}): custom {kind} classes are not read"
    assert refusal(code) == expected
    assert refusal(code, strict=True) == expected


def test_a_class_that_is_not_keras_is_left_out_when_the_model_does_not_need_it():
    code = ("import keras\n"
            "class Settings:\n"
            "    width = 4\n"
            "inputs = keras.Input((8,))\n"
            "model = keras.Model(inputs, keras.layers.Dense(4)(inputs))\n")
    result = import_code(code)
    assert result.skipped == ("line 2: class Settings: a class is Python code the editor does not run",)
