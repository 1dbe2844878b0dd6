"""Opening the editor: ?template=ID, the previews, the fallbacks."""

from tests.ui.helpers import MLP_TOTAL, errors, graph, open_app, python_code, summary


def test_template_link_opens_mlp_with_its_summary():
    at = open_app("mlp")
    assert MLP_TOTAL in summary(at)
    assert 'Model: "mlp"' in summary(at)
    assert graph(at).name == "mlp"
    assert at.session_state["kgs.source"] == "template mlp"
    assert not errors(at)


def test_summary_is_exactly_what_keras_prints():
    from editor.building.build import build_project, summary_text
    from editor.templates import load_template

    at = open_app("mlp")
    assert summary(at).rstrip() == summary_text(build_project(load_template("mlp")).model).rstrip()


def test_unknown_template_says_so_in_one_line_and_opens_a_new_project():
    at = open_app("no_such_template")
    messages = errors(at)
    assert len(messages) == 1 and "no_such_template" in messages[0] and "\n" not in messages[0]
    assert at.session_state["kgs.source"] == "new project"
    assert "Total params" in summary(at)


def test_without_a_link_the_mlp_opens():
    at = open_app(None)
    assert MLP_TOTAL in summary(at)


def test_code_preview_and_download_are_there():
    at = open_app("mlp")
    code = python_code(at)
    assert "def build_model" in code and "layers.Dense(512" in code
    keys = [b.key for b in at.get("download_button")]
    assert "previews.code_download" in keys and "previews.dot" in keys and "project.download" in keys


def test_unet_opens():
    at = open_app("unet")
    assert "31,031,685" in summary(at)
    assert len(graph(at).nodes) == 39
