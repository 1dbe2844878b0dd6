"""Small constructs of published code (issue 24): Python's pure str methods on text the reader
computed, a Keras 3 Sequential built by fit() from data whose shape the code gives, and a
metric function in compile() left out with a note.

Each snippet that imports is also run for real with Keras (tests/code_corpus/run_corpus_file.py,
in one subprocess): the imported project must build to the parameter counts and input shapes
running it gives. Each refusal is one exact line.
"""

from __future__ import annotations

import pytest

from editor.code.code_import import CodeRefused, import_code
from tests.corpus_runs import run_snippets
from tests.test_code_import_hostile import assert_one_line

TEXT = '''
import keras
from keras import layers


def Net(name="netv2-b3", input_shape=(16,)):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    variant = name.split("-")[-1]
    if variant.startswith("b") and name.rsplit("-", 1)[0].endswith("v2"):
        x = layers.Dense(int(variant[1:]) + 1)(x)
    parts = "a, b ,c".replace(" ", "").upper().split(",")
    x = layers.Dense(len(parts) * 2, name="_".join(parts).lower())(x)
    width = "{}{}".format(1, 6)
    x = layers.Dense(int(width.strip().zfill(4)), name=" top ".strip())(x)
    if name.lower().count("b") == 1 and name.find("v2") == 3 and variant[1:].isdigit():
        x = layers.Dense(2)(x)
    return keras.Model(inputs, x, name=name.upper().replace("-", "_"))


model = Net()
'''



@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    """Each snippet run for real (our own code, in one subprocess): {file: what it built}."""
    return run_snippets(tmp_path_factory.mktemp("snippets"), SNIPPETS)


def built(project):
    from editor.building.build import build_project

    result = build_project(project, weights=False)
    assert result.ok, result.first_error
    return result.model


def refusal(source: str, **options) -> str:
    with pytest.raises(CodeRefused) as refused:
        import_code(source, **options)
    assert_one_line(str(refused.value))
    return str(refused.value)


# ----------------------------------------------------------------------------- str methods

def test_str_methods_on_text_the_reader_computed_are_pythons_own():
    project = import_code(TEXT, strict=True).project
    dense = [n for n in project.main.nodes if n.kind == "layer"]
    assert [n.config["units"] for n in dense] == [4, 6, 16, 2]
    assert [n.name for n in dense][1:3] == ["a_b_c", "top"]
    assert project.main.name == "NETV2_B3"


@pytest.mark.parametrize("call, why", [
    ('"a-b".split(layers.Dense(1))', "str.split() of a layer (Dense): the editor reads it on text and numbers only"),
    ('"-".join([1, 2])', "str.join() of a int: Python joins only text"),
    ('"abc".index("z")', "str.index(): substring not found"),
    ('"abc".encode()', "the attribute .encode of a str is not model-building code"),
    ('"abc".format_map({})', "the attribute .format_map of a str is not model-building code"),
])
def test_a_str_method_python_would_refuse_or_the_editor_does_not_read_refuses_in_one_line(call, why):
    code = f"import keras\nfrom keras import layers\nunits = len({call})\n" \
           "inputs = keras.Input(shape=(4,))\nmodel = keras.Model(inputs, layers.Dense(units)(inputs))\n"
    assert refusal(code) == f"line 3: {why}: this line was left out, and the model 'model' needs it"


def test_str_methods_that_grow_text_are_held_to_the_limit_before_python_makes_it():
    code = "import keras\nn = len('x'.center(10 ** 6))\ninputs = keras.Input(shape=(n,))\n"
    assert refusal(code).startswith("line 2: a format width too large (limit 10,000)")
    code = "import keras\nn = len('-'.join(['x' * 5000] * 3))\ninputs = keras.Input(shape=(n,))\n"
    assert refusal(code).startswith("line 2: a string of more than 10,000 characters")


# ----------------------------------------------------------------------------- fit() builds a Sequential

FIT_BUILT = '''
import keras
from keras import layers

x = keras.utils.pad_sequences([[1, 2, 3], [4, 5]], maxlen=12)
y = keras.utils.pad_sequences([[0], [1]], maxlen=1)
model = keras.Sequential()
model.add(layers.Embedding(100, 8))
model.add(layers.LSTM(4))
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(x, y, batch_size=32, epochs=1, verbose=0)
model.evaluate(x, y, batch_size=32, verbose=0)
'''

IMDB = '''
from keras.preprocessing import sequence
from keras.models import Sequential
from keras.layers import Dense, Embedding, LSTM
from keras.datasets import imdb

(x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=20000)
print(len(x_train), "train sequences")
x_train = sequence.pad_sequences(x_train, maxlen=80)
model = Sequential()
model.add(Embedding(20000, 128))
model.add(LSTM(128))
model.add(Dense(1, activation="sigmoid"))
model.fit(x_train, y_train, batch_size=32)
'''


def test_fit_builds_an_unbuilt_sequential_from_the_shape_of_padded_sequences_as_keras_does():
    result = import_code(IMDB)
    first = result.project.main.nodes[0]
    assert (first.kind, first.shape, first.dtype) == ("input", (80,), "float32")  # the Embedding's compute dtype
    assert "line 14: fit() builds the Sequential 'sequential' from the data's shape, as Keras does: input shape " \
           "(80,) (its batch size left free)" in result.notes
    assert built(result.project).count_params() == 20000 * 128 + 4 * (128 * 128 + 128 * 128 + 128) + 129
    assert [s.split(":")[0] for s in result.skipped] == ["line 8", "line 14"]  # the print, the training


def test_fit_builds_a_sequential_without_input_shape_from_the_arrays_keras_documents():
    code = '''
import keras
from keras import layers
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
model = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(10)])
model.fit(x_train, y_train)
'''
    project = import_code(code).project
    assert project.main.nodes[0].shape == (784,)
    assert built(project).count_params() == 784 * 32 + 32 + 330


@pytest.mark.parametrize("change, why", [
    ("maxlen=80)", "line 9: pad_sequences() without a maxlen pads to the longest sequence, which is in the data"),
])
def test_data_whose_shape_the_code_does_not_give_keeps_the_refusal(change, why):
    code = IMDB.replace(change, ")")
    assert refusal(code) == ("line 14: model.fit() builds the Sequential model 'sequential' from the data's shape, "
                             "which is not in the code: give its Embedding an input shape "
                             "(keras.Input(shape=(length,)) first)")
    assert why in import_code(code.replace("model.fit(x_train, y_train, batch_size=32)\n", "")).skipped


def test_a_data_call_left_out_before_the_one_read_refuses_it_may_have_built_the_model():
    code = IMDB.replace("model.fit(", "model.predict(x_test)\nmodel.fit(")
    assert refusal(code) == ("line 14: model.predict() may build the Sequential model 'sequential' from data whose "
                             "shape the editor does not know (it built it at line 15): give it an input shape "
                             "(keras.Input(shape=...) first)")


def test_a_first_layer_of_another_dtype_refuses_fit_building_in_it():
    code = IMDB.replace("Embedding(20000, 128)", "Embedding(20000, 128, dtype='float64')")
    assert refusal(code).startswith("line 14: model.fit() builds the Sequential model 'sequential' from the data's "
                                    "shape, which is not in the code")


def test_a_sequential_with_an_input_shape_is_not_rebuilt_by_fit():
    code = IMDB.replace("Embedding(20000, 128)", "Embedding(20000, 128, input_length=60)")
    result = import_code(code)
    assert result.project.main.nodes[0].shape == (60,)
    assert not any("builds the Sequential" in n for n in result.notes)


# ----------------------------------------------------------------------------- metric functions

METRIC = '''
import keras
from keras import layers, ops


def accuracy(y_true, y_pred):
    return ops.mean(ops.equal(y_true, ops.cast(y_pred > 0.5, y_true.dtype)))


inputs = keras.Input(shape=(4,))
model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(inputs))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=[accuracy, "mae"])
'''


def test_a_metric_function_is_left_out_with_a_note_and_the_model_is_unchanged():
    result = import_code(METRIC)
    assert result.project.main.outputs[0].metrics == ("mae",)
    assert "line 12: compile(metrics=[accuracy]): the function 'accuracy' is left out; the editor's metrics are " \
           "Keras's by name" in result.notes
    assert result.skipped == ()
    assert built(result.project).count_params() == 5


def test_a_metric_function_still_refuses_under_strict():
    assert refusal(METRIC, strict=True) == ("line 12: compile(metrics=...) with a function, which the editor cannot "
                                            "express")


# ----------------------------------------------------------------------------- run for real

SNIPPETS = {"text.py": TEXT, "fit_built.py": FIT_BUILT}
TRAINING = {"text.py": [], "fit_built.py": [f"model.{m}() is not part of the model (training and data are set in the "
                                            "Train tab)" for m in ("fit", "evaluate")]}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_imports_to_what_running_it_builds(name, ran):
    real = ran[name]
    assert "error" not in real, real.get("traceback")
    result = import_code(SNIPPETS[name], filename=name)
    assert [s.split(": ", 1)[1] for s in result.skipped] == TRAINING[name]  # what the editor sets in its Train tab
    model = built(result.project)
    assert model.count_params() == real["params"]
    assert [[d if d is None else int(d) for d in t.shape] for t in model.inputs] == real["inputs"]
