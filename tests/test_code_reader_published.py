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
