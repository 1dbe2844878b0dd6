"""Published model code imports exactly or is refused in one line, never wrong (issue 24):
the reader's readings that published files got wrong, each checked against what Keras
itself builds from the same code."""

from __future__ import annotations

import pytest

from editor.code.code_import import CodeRefused, import_code


def _built_params(project) -> int:
    from editor.building.build import build_project

    result = build_project(project, weights=False)
    assert result.ok, result.problems
    return result.model.count_params()


def test_embedding_input_dim_is_its_vocabulary_not_an_input_shape():
    """Sequential([Embedding(input_dim=1000, output_dim=64, input_length=10), ...]): Keras 2
    read `input_dim` as an input shape only for layers whose constructor did not take it;
    Embedding's own input_dim is its vocabulary size, and its input is (input_length,)."""
    import keras

    code = """
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dense
model = Sequential()
model.add(Embedding(input_dim=1000, output_dim=64, input_length=10))
model.add(LSTM(32))
model.add(Dense(1, input_dim=7))
"""
    project = import_code(code).project
    nodes = {n.class_name or n.kind: n for n in project.main.nodes}
    assert nodes["Embedding"].config["input_dim"] == 1000
    assert nodes["input"].shape == (10,)
    real = keras.Sequential([keras.Input((10,)), keras.layers.Embedding(1000, 64), keras.layers.LSTM(32),
                             keras.layers.Dense(1)])
    assert _built_params(project) == real.count_params() == 64_000 + 12_416 + 33


def test_dense_input_dim_is_still_the_keras2_input_shape():
    code = """
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(8, input_dim=5))
model.add(Dense(1))
"""
    project = import_code(code).project
    assert [n.shape for n in project.main.nodes if n.kind == "input"] == [(5,)]
    assert _built_params(project) == 5 * 8 + 8 + 9


def test_embedding_without_input_length_takes_sequences_of_any_length():
    code = """
import keras
model = keras.Sequential([keras.layers.Embedding(input_dim=500, output_dim=16), keras.layers.GlobalAveragePooling1D(),
                          keras.layers.Dense(1)])
"""
    project = import_code(code).project
    assert [n.shape for n in project.main.nodes if n.kind == "input"] == [(None,)]
    assert _built_params(project) == 500 * 16 + 17


MODEL = """
import keras
x = keras.Input((4,))
model = keras.Model(x, keras.layers.Dense(2)(x))
"""


@pytest.mark.parametrize("code, called", [
    ('from keras.src.utils import file_utils\nfile_utils.get_file("a", "http://x")\n', "file_utils.get_file"),
    ('from keras.src.utils import file_utils\nfile_utils.makedirs("/tmp/x")\n', "file_utils.makedirs"),
    ('import keras\nkeras.src.utils.file_utils.rmtree("/tmp/x")\n', "file_utils.rmtree"),
    ('from keras.src.utils.file_utils import extract_archive\nextract_archive("a.zip")\n', "file_utils.extract_archive"),
    ('import tensorflow as tf\ntf.keras.src.utils.image_utils.load_img("a.png")\n', "image_utils.load_img"),
    ('from keras.src.utils import python_utils\npython_utils.func_load("x")\n', "python_utils.func_load"),
])
def test_keras_src_file_utils_are_refused_as_get_file_is(code, called):
    """keras.src.utils.file_utils.get_file(...) was left out with a note; it is refused in one
    line, as keras.utils.get_file is (the reader never downloads, writes or deletes files)."""
    with pytest.raises(CodeRefused) as err:
        import_code(code + MODEL)
    assert str(err.value) == f"line 2: keras.utils.{called}() reads files or the network: not model-building code"


@pytest.mark.parametrize("code, line, module", [
    ("def f():\n    from subprocess import run\n", 2, "subprocess reaches the system: it"),
    ("def f():\n    import keras\n    import matplotlib.pyplot as plt\n", 3, "matplotlib.pyplot"),
    ("if False:\n    import os, numpy\n", 2, "os reaches the system: it"),
    ("class A:\n    def g(self):\n        from . import helpers\n", 3, "."),
    ("def f():\n    import tensorflow_addons as tfa\n", 2, "tensorflow_addons"),
])
def test_strict_refuses_an_import_outside_keras_wherever_it_is(code, line, module):
    """`def f(): from subprocess import run`, never called, passed --strict: --strict refuses
    every import of a module outside keras, tensorflow and numpy before reading."""
    import_code(code + MODEL)  # the default mode reads past it (the function is never called)
    with pytest.raises(CodeRefused) as err:
        import_code(code + MODEL, strict=True)
    assert str(err.value) == (f"line {line}: import {module} is not model-building code (--strict refuses every "
                              "import outside keras, tensorflow and numpy, wherever it is)")


def test_strict_reads_keras_tensorflow_and_numpy_imports_in_functions():
    code = "def f():\n    import numpy as np\n    from tensorflow.keras import layers\n    import math\n" + MODEL
    assert import_code(code, strict=True).project.main.nodes


@pytest.mark.parametrize("call, message", [
    ('keras.layers.Dense(2, name="a\\u202eb")(x)',
     "line 4: node 'a\\u202eb': names may hold only letters A-Z, digits and _ . -"),
    ('keras.layers.Dense(2, **{"__class__": 1})(x)', "line 4: the keyword argument '__class__' is not model-building code"),
    ('keras.layers.Dense(2, **{"a b": 1})(x)', "line 4: the keyword argument 'a b' is not model-building code"),
])
@pytest.mark.parametrize("strict", [False, True])
def test_what_the_editor_refuses_is_refused_at_import(call, message, strict):
    """A layer name with a bidi override, `**{"__class__": 1}`: imported with exit 0 (also
    --strict) and then failed the editor's own checks; the import runs them and refuses."""
    code = f"import keras\nx = keras.Input((4,))\ny = x\ny = {call}\nmodel = keras.Model(x, y)\n"
    with pytest.raises(CodeRefused) as err:
        import_code(code, strict=strict)
    assert str(err.value) == message


def test_an_imported_project_passes_the_editors_checks():
    from editor.files.project_files import checked
    from editor.model.validate import check_project

    project = import_code("import keras\nx = keras.Input((4,))\nmodel = keras.Model(x, keras.layers.Dense(2)(x))\n").project
    assert check_project(project) == [] and checked(project)


SEQ2SEQ = """
import keras
num_encoder_tokens, num_decoder_tokens, latent_dim = 71, 93, 256
encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
encoder = keras.layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]
decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)
model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])

encoder_inputs = model.input[0]
encoder_outputs, state_h_enc, state_c_enc = model.layers[2].output
encoder_states = [state_h_enc, state_c_enc]
encoder_model = keras.Model(encoder_inputs, encoder_states)
decoder_inputs = model.input[1]
decoder_state_input_h = keras.Input(shape=(latent_dim,))
decoder_state_input_c = keras.Input(shape=(latent_dim,))
decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
decoder_lstm = model.layers[3]
decoder_outputs, state_h_dec, state_c_dec = decoder_lstm(decoder_inputs, initial_state=decoder_states_inputs)
decoder_states = [state_h_dec, state_c_dec]
decoder_dense = model.layers[4]
decoder_outputs = decoder_dense(decoder_outputs)
decoder_model = keras.Model([decoder_inputs] + decoder_states_inputs, [decoder_outputs] + decoder_states)
"""

BRANCHY = """
import keras
from keras import layers
a = keras.Input((8,), name="a")
b = keras.Input((8,), name="b")
unused = keras.Input((3,), name="unused")
shared = layers.Dense(8, name="shared")
inner_in = keras.Input((8,), name="inner_in")
inner = keras.Model(inner_in, layers.Dense(4, name="inner_dense")(inner_in), name="inner")
x = shared(a)
y = shared(b)
x = layers.Dense(8, name="deep1")(x)
x = layers.Dense(8, name="deep2")(x)
z = layers.Concatenate(name="cat")([y, x])
w = inner(layers.Dense(8, name="side")(b))
out1 = layers.Dense(1, name="out1")(z)
out2 = layers.Add(name="add")([inner(y), w])
model = keras.Model([a, b, unused], [out1, out2])
"""

SEQUENTIAL = """
import keras
from keras import layers
model = keras.Sequential(name="seq")
model.add(keras.Input((16,)))
model.add(layers.Dense(8, name="first"))
model.add(layers.Dropout(0.5, name="drop"))
model.add(layers.Dense(2, name="last"))
"""


def _keras_names(code: str, model: str = "model") -> list[str]:
    """What Keras gives: the test's own code, run (never user text)."""
    space: dict = {}
    exec(compile(code, "<test model>", "exec"), space)  # noqa: S102 (the test's own model code)
    return [layer.name for layer in space[model].layers], space


def _reader_names(code: str, model: str = "model") -> list[str]:
    from editor.code.reader import Reader

    reader = Reader(code + f"\n_names = [layer.name for layer in {model}.layers]\n").read()
    assert not reader.skipped, reader.skipped
    return reader.globals.vars["_names"]


@pytest.mark.parametrize("code", [BRANCHY, SEQUENTIAL], ids=["branchy", "sequential"])
def test_model_layers_are_in_keras_order(code):
    """model.layers[i] is the layer Keras gives at i: a functional model's layers by Keras's
    walk of its graph (depth from the outputs, then the walk's order; InputLayers included,
    an unused input among the outputs), a Sequential's without its InputLayer."""
    names, _ = _keras_names(code)
    assert _reader_names(code) == names
    if code is BRANCHY:
        assert names == ["b", "a", "shared", "deep1", "deep2", "side", "cat", "inner", "unused", "out1", "add"]


def test_seq2seq_inference_decoder_takes_the_layers_keras_gives():
    """keras-io's seq2seq inference: decoder_lstm = model.layers[3], decoder_dense = model.layers[4]
    (the trained model's decoder LSTM and Dense): 382,301 parameters, as Keras counts them."""
    names, space = _keras_names(SEQ2SEQ)
    assert space["decoder_model"].count_params() == 382_301
    result = import_code(SEQ2SEQ, model="decoder_model", strict=True)
    assert _built_params(result.project) == 382_301
    assert [n.class_name for n in result.project.main.nodes if n.kind == "layer"] == ["LSTM", "Dense"]
    encoder = import_code(SEQ2SEQ, model="encoder_model", strict=True).project
    assert _built_params(encoder) == space["encoder_model"].count_params()


def test_model_layers_of_a_model_with_tensor_operations_is_left_out():
    """Keras's order counts each tensor operation of `x * 2 + y` apart: the editor does not
    guess it; the line is left out (and --strict refuses)."""
    code = """
import keras
a = keras.Input((4,), name="a")
x = keras.layers.Dense(4, name="d")(a)
model = keras.Model(a, keras.layers.Dense(1, name="o")(x * 2 + a))
first = model.layers[1]
"""
    assert import_code(code).skipped == ("line 6: the layers of model 'functional': its tensor operations (line 5) "
                                         "make Keras's order of them unknown to the editor",)


def test_model_layers_after_a_lambda_that_gives_back_its_input_is_left_out():
    """Lambda(lambda x: x) is a layer of Keras's model that the graph has no node of."""
    code = """
import keras
a = keras.Input((4,), name="a")
x = keras.layers.Lambda(lambda t: t, name="same")(a)
model = keras.Model(a, keras.layers.Dense(1, name="o")(x))
last = model.layers[1]
"""
    assert import_code(code).skipped == ("line 6: model.layers in a file whose Lambda layer gives back its input: "
                                         "Keras's order of the layers is unknown to the editor",)


# ----------------------------------------------------------------------------- readings the published corpus needed

MNIST_MLP = """
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(x_train.shape[0], -1).astype("float32") / 255

inputs = keras.Input(shape=x_train.shape[1:])
x = layers.Dense(512, activation="relu")(inputs)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="mnist_mlp")
model.fit(x_train, y_train, epochs=1)
"""


def test_an_image_dataset_is_read_as_arrays_of_the_shapes_keras_documents():
    """Keras 2's examples size the model from the data: `x_train.shape[1:]` after a reshape. The
    shapes come from Keras's own docstring of load_data; nothing is loaded or downloaded."""
    from editor.code.data_arrays import documented_shapes

    assert documented_shapes("mnist") == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert documented_shapes("cifar10") == ((50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3), (10000, 1))
    imported = import_code(MNIST_MLP)
    assert [n.shape for n in imported.project.main.nodes if n.kind == "input"] == [(784,)]
    assert _built_params(imported.project) == 784 * 512 + 512 + 512 * 10 + 10
    assert "line 5: keras.datasets.mnist.load_data() read as arrays of the shapes Keras documents " \
           "(nothing is loaded)" in imported.notes


@pytest.mark.parametrize("line, shape", [
    ("x = x_train.reshape(60000, 28, 28, 1)", (28, 28, 1)),
    ("x = np.expand_dims(x_train, -1)[:1000]", (28, 28, 1)),
    ("x = np.reshape(x_train, [-1, 28 * 28]) - np.mean(x_train.reshape(-1, 784), axis=0)", (784,)),
    ("x = keras.utils.to_categorical(y_train, 10)", (10,)),
])
def test_what_numpy_does_to_the_shape_is_followed(line, shape):
    code = ("import numpy as np\nimport keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
            f"{line}\ninputs = keras.Input(shape=x.shape[1:])\n"
            "model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(inputs)))\n")
    assert [n.shape for n in import_code(code).project.main.nodes if n.kind == "input"] == [shape]


@pytest.mark.parametrize("line, why", [
    ("classes = np.max(y_train) + 1", "numpy.max() of the data is not read (its values are never loaded)"),
    ("classes = int(y_train[0])", "int() of"),
    ("classes = x_train.reshape(11, -1).shape[1]", "reshape() of the data: cannot reshape an array of size"),
])
def test_a_model_that_needs_the_datas_values_is_refused_naming_the_line(line, why):
    code = ("import numpy as np\nimport keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
            f"{line}\ninputs = keras.Input(shape=(4,))\n"
            "model = keras.Model(inputs, keras.layers.Dense(classes)(inputs))\n")
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value).startswith("line 4: ") and why in str(refused.value), str(refused.value)


def test_a_sequence_dataset_is_read_without_its_values_and_a_model_that_needs_them_refuses():
    """imdb and reuters give lists of word indices whose count and lengths Keras does not document:
    only pad_sequences(..., maxlen=n) reads them (editor.code.data_builds)."""
    code = MNIST_MLP.replace("mnist", "imdb")
    why = ("line 6: the attribute .reshape of imdb x_train is not read (how many sequences, and how long, is in the "
           "data, never loaded)")
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value) == f"{why}: this line was left out, and the model 'model' needs it"
    imported = import_code(code.replace("shape=x_train.shape[1:]", "shape=(784,)"))
    assert imported.skipped[0] == why
    with pytest.raises(CodeRefused, match=r"^line 6: the attribute \.reshape of imdb x_train is not read"):
        import_code(code.replace("shape=x_train.shape[1:]", "shape=(784,)"), strict=True)


def test_an_embedding_without_input_length_in_a_model_fitted_on_data_is_refused():
    """Keras 2 gave such an Embedding sequences of any length; Keras 3 builds the Sequential at
    its first fit() from the data's shape, which the editor leaves out: refuse, naming the call."""
    code = """
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dense
model = Sequential()
model.add(Embedding(20000, 128))
model.add(LSTM(128))
model.add(Dense(1, activation="sigmoid"))
model.fit(x_train, y_train)
"""
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value).startswith("line 8: model.fit() builds the Sequential model 'sequential' from the data's "
                                         "shape, which is not in the code")
    assert _built_params(import_code(code.replace("model.fit(x_train, y_train)", "")).project) == \
        20000 * 128 + 4 * (128 * 128 + 128 * 128 + 128) + 129


KERAS_APPLICATIONS_FILE = """
from . import get_submodules_from_kwargs
from .imagenet_utils import _obtain_input_shape

backend = None
layers = None
models = None


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same")(x)
    return layers.Activation("relu")(x)


def TinyNet(include_top=True, input_shape=None, classes=10, **kwargs):
    global backend, layers, models
    backend, layers, models, keras_utils = get_submodules_from_kwargs(kwargs)
    input_shape = _obtain_input_shape(input_shape, default_size=32, min_size=32,
                                      data_format=backend.image_data_format(), require_flatten=include_top)
    img_input = layers.Input(shape=input_shape)
    x = conv_block(img_input, 8)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(classes, activation="softmax")(x)
    return models.Model(img_input, x, name="tinynet")

import keras
model = TinyNet(backend=keras.backend, layers=keras.layers, models=keras.models, utils=keras.utils)
"""


def test_a_keras_applications_package_file_reads_its_modules_from_the_keyword_arguments():
    """keras-applications (Keras 2) files: `get_submodules_from_kwargs(kwargs)` gives back the
    modules passed, `global` assigns the file's module names, and `_obtain_input_shape` is
    Keras's `obtain_input_shape` (input (32, 32, 3) by default, as Keras answers)."""
    project = import_code(KERAS_APPLICATIONS_FILE).project
    assert [n.shape for n in project.main.nodes if n.kind == "input"] == [(32, 32, 3)]
    assert _built_params(project) == (3 * 9 * 8 + 8) + (8 * 10 + 10)


def test_relative_imports_elsewhere_stay_left_out():
    code = KERAS_APPLICATIONS_FILE.replace("from . import get_submodules_from_kwargs",
                                           "from .util import get_submodules_from_kwargs")
    with pytest.raises(CodeRefused, match=r"^line \d+: a relative import reads a module of the file's own package, "
                                          r".*\(python -m editor import FILE.py\) to have it read: this line was left out"):
        import_code(code)


def test_get_submodules_from_kwargs_refuses_what_keras_applications_refuses():
    code = KERAS_APPLICATIONS_FILE.replace("utils=keras.utils)", "utils=keras.utils, weights_dir='w')")
    with pytest.raises(CodeRefused, match=r"get_submodules_from_kwargs\(\): invalid keyword argument weights_dir"):
        import_code(code)


@pytest.mark.parametrize("first, second, read", [
    ("from keras.layers import Dense", "from tensorflow.keras.layers import Dense", True),
    ("import keras", "from tensorflow import keras", True),
    ("from keras.layers import Dense", "from keras.layers import Dense as Dense2\n    Dense = Dense2", False),
    ("from keras.layers import Dense", "from keras.layers import Conv1D as Dense", False),
])
def test_an_if_on_an_unknown_value_whose_branches_import_the_same_keras_names(first, second, read):
    """deepface: `if tf_version == 1: from keras.models import Model else: from tensorflow.keras...`,
    tf_version from a package the reader has not got. Either branch binds the same objects."""
    code = f"""
from somewhere import version
if version == 1:
    {first}
else:
    {second}
import keras
inputs = keras.Input(shape=(4,))
model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
"""
    imported = import_code(code)
    assert any("both branches of this if import the same Keras names" in n for n in imported.notes) == read


def test_a_class_whose_method_calls_the_builder_does_not_stop_the_import():
    """A client class (deepface) calls the file's builder in its __init__, which runs only when
    the class is instantiated; the model the file builds is read."""
    code = """
from somewhere import Base
import keras

class Client(Base):
    def __init__(self):
        self.model = build()

def build():
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))

model = build()
"""
    assert _built_params(import_code(code).project) == 10
    with pytest.raises(CodeRefused, match=r"^line 5: class Client\(Base\)"):
        import_code(code.replace("model = build()", "model = Client().model"))


def test_a_custom_layer_class_is_refused_naming_the_class():
    code = """
import keras

class Scale(keras.layers.Layer):
    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
"""
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value) == ("line 6: class Scale(keras.layers.Layer): custom classes are not read "
                                  "(the attribute __init__ is not model-building code)")


def test_a_lambda_with_arguments_passes_them_to_the_function():
    """deepface's FaceNet: `Lambda(scaling, output_shape=..., arguments={"scale": 0.17})`."""
    code = """
import keras
from keras.layers import Lambda

def scaling(x, scale):
    return x * scale

inputs = keras.Input(shape=(4,))
x = keras.layers.Dense(3)(inputs)
up = Lambda(scaling, output_shape=(3,), arguments={"scale": 0.17})(x)
model = keras.Model(inputs, up)
"""
    project = import_code(code).project
    [op] = [n for n in project.main.nodes if n.kind == "op"]
    assert "0.17" in op.expression
    assert _built_params(project) == 15
    with pytest.raises(CodeRefused, match=r"Lambda\(arguments=\.\.\.\) of something other than numbers"):
        import_code(code.replace('{"scale": 0.17}', '{"scale": x}'))


def test_a_sequential_that_lost_its_first_layer_to_a_left_out_line_names_that_line():
    """Keras 2's cifar10_cnn: `model.add(Conv2D(..., input_shape=x_train.shape[1:]))` is left out
    with the data; the refusal names the data's line, never "no input shape" of a shorter model."""
    code = """
import keras
from keras.layers import Conv2D, Flatten, Dense
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data()
model = keras.Sequential()
model.add(Conv2D(32, (3, 3), input_shape=x_train.shape[1:]))
model.add(Flatten())
model.add(Dense(10))
"""
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value) == ("line 6: the attribute .shape of imdb x_train is not read (how many sequences, and "
                                  "how long, is in the data, never loaded): this line was left out, and the model "
                                  "'model' needs it")


def test_a_helper_class_deriving_from_object_is_left_out_like_any_class():
    code = """
import keras

class CharacterTable(object):
    def __init__(self, chars):
        self.chars = sorted(set(chars))

ctable = CharacterTable("0123456789+ ")
model = keras.Sequential([keras.Input((7, 12)), keras.layers.SimpleRNN(8), keras.layers.Dense(3)])
"""
    imported = import_code(code)
    assert imported.skipped[0].startswith("line 4: class CharacterTable(object): a class is Python code")
    assert _built_params(imported.project) == (12 * 8 + 8 * 8 + 8) + (8 * 3 + 3)


PREPROCESS = """
import keras
inputs = keras.Input(shape=(8, 8, 3))
x = keras.applications.{module}.preprocess_input(inputs)
model = keras.Model(inputs, x)
"""


@pytest.mark.parametrize("module, expression", [
    ("mobilenet_v2", "input_layer / 127.5 - 1.0"), ("inception_v3", "input_layer / 127.5 - 1.0"),
    ("efficientnet", None), ("convnext", None)])
def test_preprocess_input_of_one_scale_for_every_channel_is_that_arithmetic(module, expression):
    """The TensorFlow transfer-learning tutorial: `x = preprocess_input(inputs)` in the model.
    Keras's own function, asked on probes, says what it computes; the built model computes
    what Keras's preprocess_input does (a pass-through adds no node)."""
    import keras
    import numpy as np
    from editor.building.build import build_project

    project = import_code(PREPROCESS.format(module=module)).project
    assert [n.expression for n in project.main.nodes if n.kind == "op"] == ([expression] if expression else [])
    built = build_project(project, weights=False)
    assert built.ok, built.problems
    images = np.random.default_rng(1).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    wanted = getattr(keras.applications, module).preprocess_input(images.copy())
    assert np.allclose(built.model.predict(images, verbose=0), wanted, atol=1e-5)


@pytest.mark.parametrize("module", ["resnet50", "vgg16", "densenet", "imagenet_utils"])
def test_preprocess_input_per_channel_is_refused_naming_it(module):
    with pytest.raises(CodeRefused) as refused:
        import_code(PREPROCESS.format(module=module))
    assert str(refused.value) == (f"line 4: keras.applications.{module}.preprocess_input() scales or flips each "
                                  "colour channel on its own, which the editor cannot express: this line was left "
                                  "out, and the model 'model' needs it")


def test_preprocess_input_in_tf_mode_by_name():
    code = PREPROCESS.format(module="imagenet_utils").replace("(inputs)", '(inputs, mode="tf")')
    project = import_code(code).project
    assert [n.expression for n in project.main.nodes if n.kind == "op"] == ["input_layer / 127.5 - 1.0"]


TRAINING_LOOP = """
import numpy as np
import keras
from keras import layers

model = keras.Sequential([keras.Input((7, 12)), layers.SimpleRNN(8), layers.Dense(3)])
for iteration in range(1, 200):
    print('Iteration', iteration)
    model.fit(x_train, y_train, epochs=1)
    for i in range(10):
        ind = np.random.randint(0, len(x_val))
        preds = model.predict_classes(x_val[np.array([ind])], verbose=0)
        print('T', preds[0], end=' ')
"""


def test_a_training_loop_whose_first_pass_leaves_every_line_out_is_read_once():
    """Keras 2's addition_rnn: 199 epochs of fit and printed predictions after the model. A pass
    that reads nothing (every line left out or printed, none reading the loop's variable)
    leaves the next pass the same values, so the other passes are not read (it used to spend
    the 50,000-step budget and refuse)."""
    imported = import_code(TRAINING_LOOP)
    assert _built_params(imported.project) == (12 * 8 + 8 * 8 + 8) + (8 * 3 + 3)
    assert "line 7: a pass of this loop left out every line of it: its other 198 passes were not read" \
        in imported.notes
    assert imported.steps < 2_000


@pytest.mark.parametrize("body, dense", [
    ("    if iteration == 3:\n        model.add(layers.Dense(2))\n", 1),  # the if is read in every pass
    ("    model.add(layers.Dense(2)) if iteration == 3 else unknown(iteration)\n", 0),  # reads the variable
    ("    sizes[iteration] = 2\n", 0),
    ("    print(extra.pop())\n", 0),  # a print whose argument changes a list counts as read
    ("    for size in [extra.pop()]:\n        pass\n", 0),  # so does a loop over a call that changes one
    ("    for j in range(iteration):\n        model.add(layers.Dense(2))\n", 10),  # pass 1 has no inner pass
])
def test_a_loop_pass_that_reads_its_variable_or_changes_anything_is_not_cut_short(body, dense):
    code = ("import keras\nfrom keras import layers\nsizes = {}\nextra = [1, 2, 3, 4, 5]\n"
            "model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])\n"
            f"for iteration in range(5):\n{body}")
    try:
        imported = import_code(code)
    except CodeRefused as refused:
        assert dense == 0 and "this line was left out" in str(refused)
        return
    assert not any("passes were not read" in n for n in imported.notes)
    assert sum(n.class_name == "Dense" for n in imported.project.main.nodes) == 1 + dense
