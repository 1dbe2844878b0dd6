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
from tests.corpus_runs import run_for_real
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

SNIPPETS = {"text.py": TEXT}


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    """Each snippet run for real (our own code, in one subprocess): {file: what it built}."""
    folder = tmp_path_factory.mktemp("snippets")
    for name, text in SNIPPETS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return run_for_real([str(folder / n) for n in SNIPPETS])


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


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_imports_to_what_running_it_builds(name, ran):
    real = ran[name]
    assert "error" not in real, real.get("traceback")
    result = import_code(SNIPPETS[name], filename=name, strict=True)
    assert result.skipped == ()
    model = built(result.project)
    assert model.count_params() == real["params"]
    assert [[d if d is None else int(d) for d in t.shape] for t in model.inputs] == real["inputs"]


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
