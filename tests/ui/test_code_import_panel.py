"""Importing Python code from the sidebar: pasted or uploaded, read without running it."""

from tests.ui.helpers import errors, open_app, project, run, shown, summary

FUNCTIONAL = '''import keras
from keras import layers

inputs = keras.Input(shape=(16,), name="features")
x = layers.Dense(8, activation="relu", name="hidden")(inputs)
outputs = layers.Dense(2, name="scores")(x)
model = keras.Model(inputs, outputs, name="small")
'''
TRAINED = FUNCTIONAL + '''model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=3)
'''
TWO_MODELS = FUNCTIONAL + '''encoder = keras.Model(inputs, x, name="encoder")
'''


def _paste(at, code, model=""):
    at.text_area(key="code.text").input(code)
    at.text_input(key="code.model").input(model)
    at.button(key="code.go").click()
    return run(at)


def _uploader(at):
    return next(u for u in at.get("file_uploader") if u.label == "Or a .py file")


def _markdown(at):
    return [shown(m.value) for m in at.markdown]


def test_pasted_code_opens_as_a_new_project():
    at = open_app("mlp")
    before = project(at)
    _paste(at, FUNCTIONAL)
    assert not errors(at), errors(at)
    imported = project(at)
    assert imported != before and imported.title == "small"
    assert [n.name for n in imported.main.nodes] == ["features", "hidden", "scores"]
    assert f"Total params: {16 * 8 + 8 + 8 * 2 + 2:,}" in summary(at)  # 154
    assert at.session_state["kgs.source"] == "imported pasted code"


def test_left_out_lines_are_listed_before_the_rest_opens():
    at = open_app("mlp")
    before = project(at)
    _paste(at, TRAINED)
    assert project(at) == before  # nothing opens yet
    assert [shown(w.value) for w in at.warning] == ["pasted code: 1 statement left out; the rest builds 'small'."]
    assert "- line 9: 'x_train' is not defined" in _markdown(at)
    at.button(key="code.rest").click()
    run(at)
    assert not errors(at), errors(at)
    imported = project(at)
    assert imported.title == "small" and len(imported.main.nodes) == 3
    assert imported.training.optimizer == "adam"
    assert at.text_area(key="code.text").value == TRAINED  # the pasted text stays
    assert not any("left out" in shown(w.value) for w in at.warning)


def test_cancel_keeps_the_project_and_the_text():
    at = open_app("mlp")
    before = project(at)
    _paste(at, TRAINED)
    at.button(key="code.cancel").click()
    run(at)
    assert project(at) == before
    assert not any("left out" in shown(w.value) for w in at.warning)
    assert at.text_area(key="code.text").value == TRAINED


def test_a_refusal_is_one_line_and_keeps_the_project_and_the_text():
    at = open_app("mlp")
    before = project(at)
    code = "log = open('/tmp/kgs-never-written', 'w')\n" + FUNCTIONAL
    _paste(at, code)
    assert errors(at) == ["code import refused: line 1: open() is not model-building code"]
    assert project(at) == before
    assert at.text_area(key="code.text").value == code


def test_a_file_that_builds_two_models_names_them_and_the_model_box_chooses():
    at = open_app("mlp")
    before = project(at)
    _paste(at, TWO_MODELS)
    assert errors(at) == ["code import refused: the code builds 2 models (model, encoder): choose one in the Model box"]
    assert project(at) == before
    _paste(at, TWO_MODELS, model="encoder")
    assert not errors(at), errors(at)
    assert project(at).title == "encoder"
    assert [n.name for n in project(at).main.nodes] == ["features", "hidden"]


def test_an_uploaded_py_file_with_a_bom_opens():
    at = open_app("mlp")
    _uploader(at).set_value(("small.py", b"\xef\xbb\xbf" + FUNCTIONAL.encode(), "text/x-python"))
    run(at)
    assert not errors(at), errors(at)
    assert project(at).title == "small"
    assert at.session_state["kgs.source"] == "imported small.py"


def test_an_uploaded_file_that_is_not_utf8_is_refused_in_one_line():
    at = open_app("mlp")
    before = project(at)
    _uploader(at).set_value(("latin.py", "# café\n".encode("latin-1") + FUNCTIONAL.encode(), "text/x-python"))
    run(at)
    assert errors(at) == ["code import refused: latin.py is not UTF-8 text (save it as UTF-8 and upload it again)"]
    assert project(at) == before
