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
