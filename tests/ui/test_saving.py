"""Saving and the address bar in the editor."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from editor.templates import load_template
from editor.store.workspace import Workspace, WorkspaceError
from tests.ui.helpers import APP, cfg_key, errors, graph, node_key, open_app, project, run, select, warnings


def test_a_run_started_from_a_stale_address_puts_the_open_project_back_in_it():
    """Streamlit drops a query-parameter write that meets a rerun the browser asked for
    meanwhile, and that rerun starts from the browser's old address (?project=<the
    previous project>): a reload then opened the wrong project. Every run now writes
    the address from what the tab holds."""
    at = open_app("mlp")
    open_id = at.session_state["kgs.project_id"]
    at.query_params["project"] = "0123456789abcdef"  # the previous project's id, left by a dropped write
    at.query_params["template"] = "cnn"
    run(at)
    assert at.session_state["kgs.project_id"] == open_id
    assert dict(at.query_params) == {"project": open_id}


# ----------------------------------------------------------------------------- item 1: nothing a save refuses is applied


def test_the_inspector_refuses_a_name_the_project_file_cannot_hold_in_one_line(workspace_file):
    at = select(open_app("mlp"), "n3")
    before = project(at)
    at.text_input(key=node_key("n3", "name")).set_value("a" * 200)
    run(at)
    assert errors(at) == ["node 'hidden2': name is too long (200 characters; at most 128)"]
    assert project(at) == before and at.session_state["kgs.revision"] == 1
    assert not [c.value for c in at.main.caption if "not saved" in c.value.lower()]
    at.text_input(key=node_key("n3", "name")).set_value("b" * 128)  # at the limit: applied and saved
    run(at)
    assert graph(at).node("n3").name == "b" * 128 and at.session_state["kgs.revision"] == 2
    with Workspace(workspace_file) as ws:
        assert ws.latest(at.session_state["kgs.project_id"]).project == project(at)


def test_a_failed_save_keeps_a_draft_that_a_reload_offers_back(monkeypatch, workspace_file):
    at = open_app("mlp")
    pid = at.session_state["kgs.project_id"]

    def refuse(*args, **kwargs):
        raise WorkspaceError("workspace /x: disk I/O error")

    with monkeypatch.context() as patched:
        patched.setattr(Workspace, "save", refuse)
        select(at, "n4")
        at.button(key=node_key("n4", "delete")).click()
        run(at)
    mine = project(at)
    assert mine.main.get("n4") is None
    [line] = [c.value for c in at.main.caption if "not saved" in c.value.lower()]
    assert line == "not saved: workspace /x: disk I/O error. Your work is still here in this tab."
    draft_id = at.query_params["draft"]

    again = AppTest.from_file(str(APP), default_timeout=120)  # the tab reloaded, with its URL
    again.query_params["project"], again.query_params["draft"] = pid, draft_id
    run(again)
    assert project(again) == load_template("mlp")  # the saved version opens...
    [offer] = [w for w in warnings(again) if "edits that were not saved" in w]
    assert offer.startswith("This tab was reloaded with edits that were not saved (yours started from revision 1;")
    again.button(key="toolbar.draft.restore").click()  # ...and the edits come back, as a copy
    run(again)
    assert project(again) == mine.model_copy(update={"title": f"{mine.title} (copy)"})


# ----------------------------------------------------------------------------- item 9


def test_a_field_set_back_to_its_value_before_its_last_change_is_an_undo(workspace_file):
    """What Ctrl+Z in a focused number field commits (the browser's own undo of the text)."""
    at = select(open_app("mlp"), "n2")
    at.number_input(key=cfg_key("n2", "units")).set_value(256)
    run(at)
    at.number_input(key=cfg_key("n2", "units")).set_value(512)
    run(at)
    history = at.session_state["kgs.history"]
    assert project(at) == load_template("mlp") and not history.can_undo
    assert history.redo_label == "set units of hidden1"
    with Workspace(workspace_file) as ws:
        labels = [r.label for r in ws.revisions(at.session_state["kgs.project_id"])]
    assert labels == ["undo set units of hidden1", "set units of hidden1", "open template mlp"]


def test_a_link_to_a_missing_project_says_what_it_opened_instead(workspace_file):
    edited = open_app("cnn")
    title = project(edited).title
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["project"] = "doesnotexist"
    run(at)
    assert errors(at) == [f"cannot open project 'doesnotexist': no project 'doesnotexist' in this workspace; "
                          f"opened '{title}' (the project saved last) instead"]
    assert at.session_state["kgs.project_id"] == edited.session_state["kgs.project_id"]
    with Workspace(workspace_file) as ws:
        assert len(ws.list()) == 1  # nothing new was made


def test_a_link_to_a_missing_project_in_an_empty_library_opens_the_default_template():
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["project"] = "doesnotexist"
    run(at)
    assert errors(at) == ["cannot open project 'doesnotexist': no project 'doesnotexist' in this workspace; "
                          "opened 'Multilayer perceptron (MLP)' (template mlp) instead"]
    assert project(at) == load_template("mlp")
