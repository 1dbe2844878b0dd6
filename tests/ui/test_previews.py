"""Previews: summary, diagram, code, problems; out of date when the graph has errors."""

from tests.ui.helpers import (
    MLP_TOTAL, cfg_key, errors, node_key, open_app, python_code, run, select, summary, warnings,
)


def test_diagram_and_code_follow_edits():
    at = select(open_app("mlp"), "n2")
    assert len(at.get("graphviz_chart")) == 1
    at.number_input(key=cfg_key("n2", "units")).set_value(300)
    run(at)
    assert "layers.Dense(300" in python_code(at)
    assert "(None, 300)" in summary(at)


def test_problems_tab_lists_problems_and_selects_their_node():
    at = select(open_app("mlp"), "n3")
    at.button(key=node_key("n3", "in0.remove")).click()
    run(at)
    assert any("hidden2" in e and "has no inputs" in e for e in errors(at))
    assert any("Out of date" in w for w in warnings(at))
    assert MLP_TOTAL in summary(at)  # the last summary that built stays
    select(at, "n1")
    buttons = [b for b in at.button if b.key and b.key.startswith("previews.problem")]
    assert buttons
    buttons[0].click()
    run(at)
    assert at.session_state["kgs.canvas"].selection == "n3"


def test_shape_error_lands_on_the_node():
    at = select(open_app("unet"), "n19")  # up6 feeds merge6 with drop4
    at.number_input(key=cfg_key("n19", "filters")).set_value(256)
    run(at)
    assert not errors(at)
    last_good = summary(at)
    assert "31,031,685" not in last_good
    at.text_input(key=cfg_key("n19", "strides")).set_value("2, 2")
    run(at)
    messages = errors(at)
    assert any("merge6" in m for m in messages), messages
    assert all("\n" not in m for m in messages)
    assert any("Out of date" in w for w in warnings(at))
    assert summary(at) == last_good


def test_no_traceback_when_the_code_cannot_be_written(monkeypatch):
    from editor.ui import preview_cache

    def broken(project, **options):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("editor.code.codegen.generate", broken)
    preview_cache.clear_caches()
    try:
        at = open_app("mlp")
        assert any("cannot be generated" in e and "boom" in e and "\n" not in e for e in errors(at))
        assert not at.exception
    finally:
        preview_cache.clear_caches()  # the cached failure must not reach the next tests


def test_another_projects_last_good_output_is_never_shown_as_this_ones():
    """Open mlp (it builds), then a library project that has never built: its Summary tab
    must not show mlp's summary as "the last version that built" (both graphs are 'main')."""
    from editor.model import edits
    from editor.templates import new_project
    from editor.store.workspace import Workspace, default_path

    broken = new_project()
    broken = broken.replace_graph(edits.set_inputs(broken.main, "n2", ()))
    with Workspace(default_path()) as workspace:
        broken_id = workspace.create(broken.model_copy(update={"title": "Broken"}), label="test")
    at = open_app("mlp")
    assert MLP_TOTAL in summary(at)
    [projects] = [s for s in at.sidebar.selectbox if s.label == "Projects"]  # choosing one opens it
    projects.set_value(broken_id)
    run(at)
    assert at.session_state["kgs.project_id"] == broken_id
    assert any("has no inputs" in e for e in errors(at))
    assert MLP_TOTAL not in summary(at)
    assert not any("Out of date" in w for w in warnings(at))


def test_a_long_text_shows_its_head_and_keeps_the_totals():
    from editor.ui.previews import SHOWN_LINES, _head

    short = "\n".join(f"row {i}" for i in range(SHOWN_LINES + 4))
    assert _head(short, tail=4) == (short, 0)
    long = "\n".join(f"row {i}" for i in range(SHOWN_LINES + 104)) + "\n Total params: 9"
    text, cut = _head(long, tail=1)
    lines = text.splitlines()
    assert cut == 104 and lines[SHOWN_LINES - 1] == f"row {SHOWN_LINES - 1}"
    assert lines[SHOWN_LINES] == "… 104 more lines (download them all)" and lines[-1] == " Total params: 9"
