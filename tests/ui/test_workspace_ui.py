"""The workspace in the editor: autosave, ?project=ID, conflicts between tabs, the library."""

import pytest
from streamlit.testing.v1 import AppTest

from editor.templates import load_template
from editor.store.workspace import Workspace, is_project_id
from tests.ui.helpers import APP, errors, graph, node_key, open_app, project, run, select, warnings


def open_project(project_id: str, **params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["project"] = project_id
    for name, value in params.items():
        at.query_params[name] = value
    return run(at)


def project_id(at: AppTest) -> str:
    return at.session_state["kgs.project_id"]


def delete_n4(at: AppTest) -> AppTest:
    select(at, "n4")
    at.button(key=node_key("n4", "delete")).click()
    return run(at)


def projects_select(at: AppTest):
    """The library's Projects select (its key changes with its labels)."""
    [found] = [s for s in at.sidebar.selectbox if s.label == "Projects"]
    return found


def sidebar_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.sidebar.warning]


def test_a_template_link_becomes_a_workspace_project_in_the_url(workspace_file):
    at = open_app("mlp")
    pid = project_id(at)
    assert is_project_id(pid)
    assert at.query_params["project"] == pid and "template" not in at.query_params
    with Workspace(workspace_file) as ws:
        assert [e.id for e in ws.list()] == [pid]
        assert ws.latest(pid).project == load_template("mlp")
    assert any("Saved · revision 1" in c.value for c in at.main.caption)


def test_no_link_creates_a_new_project_from_the_default_template(workspace_file):
    at = open_app(None)
    with Workspace(workspace_file) as ws:
        assert ws.latest(project_id(at)).project == load_template("mlp")


def test_no_link_reopens_the_project_saved_last(workspace_file):
    older = project_id(open_app("cnn"))
    edited = delete_n4(open_app("mlp"))
    again = open_app(None)  # a new tab on the plain address: back to the last edit, no new project
    assert project_id(again) == project_id(edited) != older
    assert project(again) == project(edited) and project(again).main.get("n4") is None
    assert again.query_params["project"] == project_id(edited)
    with Workspace(workspace_file) as ws:
        assert len(ws.list()) == 2


def test_every_edit_and_undo_redo_is_saved_as_a_revision(workspace_file):
    at = delete_n4(open_app("mlp"))
    pid = project_id(at)
    with Workspace(workspace_file) as ws:
        assert ws.latest(pid).project == project(at) and ws.latest(pid).project.main.get("n4") is None
        assert [r.number for r in ws.revisions(pid)] == [2, 1]
        assert ws.revisions(pid)[0].label.startswith("delete")
    at.button(key="toolbar.undo").click()
    run(at)
    with Workspace(workspace_file) as ws:
        latest = ws.latest(pid)
        assert latest.revision == 3 and latest.project == load_template("mlp")
        assert ws.revisions(pid)[0].label.startswith("undo delete")
    at.button(key="toolbar.redo").click()
    run(at)
    with Workspace(workspace_file) as ws:
        assert ws.latest(pid).revision == 4 and ws.latest(pid).project.main.get("n4") is None
    assert any("revision 4" in c.value for c in at.main.caption)


def test_a_fresh_session_with_the_project_id_comes_back_to_the_same_project():
    at = open_app("autoencoder")
    at.selectbox(key="toolbar.graph").select("encoder")
    run(at)
    assert at.query_params["graph"] == "encoder"
    select(at, "n4")
    at.button(key=node_key("n4", "delete", "encoder")).click()
    run(at)
    assert project(at).graph("encoder").get("n4") is None
    again = open_project(project_id(at), graph="encoder")  # a refresh, a new tab, a restarted server
    assert project(again) == project(at)
    assert again.session_state["kgs.graph"] == "encoder"
    assert again.session_state["kgs.revision"] == 2
    assert not [e for e in errors(again) if "cannot open" in e]


def test_an_unknown_project_id_says_so_in_one_line_and_starts_a_new_project(workspace_file):
    at = open_project("0123456789abcdef")
    [message] = errors(at)
    assert "0123456789abcdef" in message and "\n" not in message
    assert at.query_params["project"] != "0123456789abcdef"
    with Workspace(workspace_file) as ws:
        assert len(ws.list()) == 1


def two_tabs_in_conflict():
    first = open_app("mlp")
    second = open_project(project_id(first))
    delete_n4(first)  # saved as revision 2
    select(second, "n3")
    second.button(key=node_key("n3", "delete")).click()  # this tab still started from revision 1
    run(second)
    return first, second


def test_a_conflict_shows_one_line_and_overwrites_nothing(workspace_file):
    first, second = two_tabs_in_conflict()
    [notice] = [w for w in warnings(second) if "Another tab saved" in w]
    assert "revision 2" in notice and "\n" not in notice
    assert second.session_state["kgs.conflict"] == 2
    assert project(second).main.get("n3") is None  # the edit is kept in this tab
    with Workspace(workspace_file) as ws:
        latest = ws.latest(project_id(first))
        assert latest.revision == 2 and latest.project == project(first)
    assert not [w for w in warnings(first) if "Another tab" in w]


def test_after_a_conflict_save_mine_as_a_copy_keeps_both_versions(workspace_file):
    first, second = two_tabs_in_conflict()
    second.button(key="toolbar.conflict.copy").click()
    run(second)
    assert not [w for w in warnings(second) if "Another tab saved" in w]
    copy_id = project_id(second)
    assert copy_id != project_id(first) and second.query_params["project"] == copy_id
    with Workspace(workspace_file) as ws:
        assert ws.latest(project_id(first)).project == project(first)
        mine = ws.latest(copy_id).project
        assert mine == project(second) and mine.title.endswith("(copy)") and mine.main.get("n3") is None
    delete_n4(second)  # later edits go to the copy
    with Workspace(workspace_file) as ws:
        assert ws.latest(copy_id).revision == 2 and ws.latest(project_id(first)).revision == 2


def test_after_a_conflict_load_theirs_and_mine_is_one_undo_away(workspace_file):
    first, second = two_tabs_in_conflict()
    mine = project(second)
    second.button(key="toolbar.conflict.theirs").click()
    run(second)
    assert project(second) == project(first) and second.session_state["kgs.conflict"] is None
    second.button(key="toolbar.undo").click()  # a deliberate choice: now saved over theirs, as a new revision
    run(second)
    with Workspace(workspace_file) as ws:
        pid = project_id(first)
        assert ws.latest(pid).project == mine and ws.latest(pid).revision == 3
        assert ws.revision(pid, 2) == project(first)


def test_rename_duplicate_delete_and_restore_from_the_sidebar(workspace_file):
    at = open_app("mlp")
    pid = project_id(at)
    at.text_input(key=f"sidebar.library.title.{pid}").input("Digits").run()
    assert project(at).title == "Digits" and not at.exception
    with Workspace(workspace_file) as ws:
        assert ws.info(pid).title == "Digits" and ws.revisions(pid)[0].label == "rename to Digits"

    at.button(key="sidebar.library.duplicate").click()
    run(at)  # the copy is opened
    copy = project_id(at)
    assert copy != pid and project(at).title == "Digits (copy)" and at.query_params["project"] == copy
    assert any("Digits (copy)" in s.value for s in at.sidebar.success)
    assert projects_select(at).value == copy
    with Workspace(workspace_file) as ws:
        assert ws.latest(copy).project == project(at)

    projects_select(at).select(pid)
    run(at)  # choosing a project opens it
    assert project_id(at) == pid and project(at).title == "Digits"
    at.button(key="sidebar.library.delete").click()
    run(at)  # the most recently saved other project opens in its place
    assert project_id(at) == copy and any("now editing 'Digits (copy)'" in s.value for s in at.sidebar.success)
    with Workspace(workspace_file) as ws:
        assert [e.id for e in ws.list()] == [copy]
        assert [(e.id, e.title) for e in ws.list_deleted()] == [(pid, "Digits")]

    at.button(key="sidebar.library.undelete").click()
    run(at)  # restored and opened
    assert project_id(at) == pid and projects_select(at).value == pid
    with Workspace(workspace_file) as ws:
        assert {e.id for e in ws.list()} == {pid, copy} and ws.list_deleted() == []


def test_an_empty_title_is_refused_next_to_the_field():
    at = open_app("mlp")
    key = f"sidebar.library.title.{project_id(at)}"
    at.text_input(key=key).input("   ").run()
    assert any("cannot be empty" in e for e in errors(at))
    assert project(at).title == load_template("mlp").title


def test_deleting_the_last_project_opens_a_new_one_and_says_so(workspace_file):
    at = open_app("mlp")
    old = project_id(at)
    at.button(key="sidebar.library.delete").click()
    run(at)
    assert project_id(at) != old and [n.class_name for n in graph(at).nodes] == [None, "Dense"]
    [line] = [s.value for s in at.sidebar.success]
    assert "Deleted 'Multilayer perceptron (MLP)'" in line and "a new one was started" in line
    with Workspace(workspace_file) as ws:
        assert [e.id for e in ws.list_deleted()] == [old]
        assert ws.latest(old).project == load_template("mlp")


def test_browse_revisions_and_restore_one(workspace_file):
    at = delete_n4(open_app("mlp"))
    pid = project_id(at)
    revision = f"project.revision.{pid}.2"
    assert at.selectbox(key=revision).options[0].startswith("2 ·")
    at.selectbox(key=revision).select(1)
    run(at)
    at.button(key="project.restore_revision").click()
    run(at)
    assert project(at) == load_template("mlp")
    with Workspace(workspace_file) as ws:
        assert [(r.number, r.label) for r in ws.revisions(pid)][:1] == [(3, "restore revision 1")]
        assert ws.revision(pid, 2).main.get("n4") is None  # nothing in between is lost


def test_opening_a_template_makes_a_new_project_and_keeps_the_old_one(workspace_file):
    at = delete_n4(open_app("mlp"))
    old = project_id(at)
    at.selectbox(key="sidebar.template").select("cnn")
    run(at)
    at.button(key="sidebar.open").click()
    run(at)
    assert project_id(at) != old and graph(at) == load_template("cnn").main
    with Workspace(workspace_file) as ws:
        assert ws.latest(old).project.main.get("n4") is None and len(ws.list()) == 2


def test_an_unwritable_workspace_still_edits_in_memory_and_says_so_once(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("KGS_WORKSPACE", str(blocker / "ws.sqlite3"))
    at = open_app("mlp")
    assert not errors(at)
    delete_n4(at)
    [line] = sidebar_warnings(at)
    assert "this tab only" in line and "cannot create the folder" in line and "\n" not in line
    assert project(at).main.get("n4") is None
    assert any("Not saved to disk: kept in memory only (see the Library) · revision 2" in c.value
               for c in at.main.caption)
    assert not [c.value for c in at.main.caption if c.value.startswith("Saved")]


def test_a_corrupt_workspace_file_is_set_aside_and_the_editor_works(workspace_file):
    garbage = b"definitely not sqlite\n" * 100
    workspace_file.write_bytes(garbage)
    at = delete_n4(open_app("mlp"))
    [line] = sidebar_warnings(at)
    [kept] = [p for p in workspace_file.parent.iterdir() if p.name.startswith("workspace.sqlite3.damaged-")]
    assert kept.read_bytes() == garbage  # moved aside, never deleted or "repaired"
    assert "not a database" in line and f"kept as {kept.name}" in line and "\n" not in line
    assert str(workspace_file.parent) not in line
    assert project(at).main.get("n4") is None
    with Workspace(workspace_file) as ws:  # a new workspace in its place, saving again
        assert ws.latest(project_id(at)).project == project(at)
    assert any("Saved · revision 2" in c.value for c in at.main.caption)


def test_a_truncated_workspace_file_never_starts_silently_empty(workspace_file):
    with Workspace(workspace_file) as ws:
        for title in ("one", "two"):
            ws.create(load_template("mlp").model_copy(update={"title": title}))
    with open(workspace_file, "wb"):
        pass  # truncated while the editor was stopped
    at = open_app(None)
    [line] = sidebar_warnings(at)
    assert "workspace.sqlite3 is damaged: it is empty (it was truncated)" in line
    assert "kept as workspace.sqlite3.damaged-" in line and "a new, empty workspace was started" in line


def damage_file(path, how: str) -> None:
    if how == "truncated":
        with open(path, "wb"):
            pass
    elif how == "garbage":
        path.write_bytes(b"\x00garbage" * 2000)
    else:  # another SQLite database copied over it
        import sqlite3

        other = path.with_name("other.db")
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE notes (text TEXT)")
        db.commit()
        db.close()
        path.write_bytes(other.read_bytes())


def kept_files(path) -> list:
    return [p for p in path.parent.iterdir() if p.name.startswith(f"{path.name}.damaged-") and "-wal" not in p.name
            and "-shm" not in p.name]


@pytest.mark.parametrize("how", ["truncated", "garbage", "another database"])
def test_a_file_damaged_while_running_is_said_on_the_next_run_instead_of_saved(workspace_file, how):
    at = delete_n4(open_app("mlp"))
    pid = project_id(at)
    assert any("Saved · revision 2" in c.value for c in at.main.caption)
    damage_file(workspace_file, how)
    run(at)  # any rerun: the page looks at the file again
    [line] = sidebar_warnings(at)
    [kept] = kept_files(workspace_file)
    assert "workspace.sqlite3 is damaged" in line and f"kept as {kept.name}" in line and "\n" not in line
    captions = [c.value for c in at.main.caption]
    assert not [c for c in captions if c.startswith("Saved")], captions
    assert any(c.startswith("Not saved to disk") for c in captions)
    assert project(at).main.get("n4") is None and project_id(at) == pid
    select(at, "n3")
    at.button(key=node_key("n3", "delete")).click()
    run(at)  # editing goes on, in memory
    assert project(at).main.get("n3") is None
    again = open_project(pid)  # a reload in this server: the project was carried over by its id
    assert project(again) == project(at)
    assert [w for w in sidebar_warnings(again) if f"kept as {kept.name}" in w]


def test_a_write_that_finds_the_file_damaged_keeps_the_edit_and_does_not_say_saved(workspace_file, monkeypatch):
    at = open_app("mlp")
    pid = project_id(at)
    select(at, "n4")
    monkeypatch.setattr(Workspace, "check", lambda self: None)  # found by the save itself, not before
    damage_file(workspace_file, "garbage")
    at.button(key=node_key("n4", "delete")).click()
    run(at)
    assert project(at).main.get("n4") is None and project_id(at) == pid
    [line] = sidebar_warnings(at)
    assert "workspace.sqlite3 is damaged" in line and "kept as workspace.sqlite3.damaged-" in line
    captions = [c.value for c in at.main.caption]
    assert not [c for c in captions if c.startswith("Saved")], captions
    assert at.session_state["kgs.workspace"].latest(pid).project == project(at)  # kept, in memory


def test_a_project_deleted_elsewhere_says_so_and_keeps_saving(workspace_file):
    at = open_app("mlp")
    pid = project_id(at)
    with Workspace(workspace_file) as ws:
        ws.delete(pid)  # from another tab
    delete_n4(at)
    assert any("Recently deleted" in c.value for c in at.sidebar.caption)
    with Workspace(workspace_file) as ws:
        assert ws.latest(pid).project == project(at)
    at.button(key="sidebar.library.undelete_current").click()
    run(at)
    with Workspace(workspace_file) as ws:
        assert [e.id for e in ws.list()] == [pid]


def test_a_failed_save_says_why_in_one_line_and_keeps_the_edit(monkeypatch):
    from editor.store.workspace import WorkspaceError

    at = open_app("mlp")

    def refuse(*args, **kwargs):
        raise WorkspaceError("workspace /x: disk I/O error")

    monkeypatch.setattr(Workspace, "save", refuse)
    delete_n4(at)
    assert project(at).main.get("n4") is None
    [line] = [c.value for c in at.main.caption if "not saved" in c.value]
    assert "disk I/O error" in line and "still here" in line and "\n" not in line
    monkeypatch.undo()
    at.button(key="toolbar.undo").click()  # the next save that works clears the line
    run(at)
    assert not [c.value for c in at.main.caption if "not saved" in c.value]
    assert at.session_state["kgs.revision"] == 1  # back to what revision 1 holds: nothing new to store
    at.button(key="toolbar.redo").click()
    run(at)
    assert at.session_state["kgs.revision"] == 2 and project(at).main.get("n4") is None


def test_a_template_opened_again_goes_back_to_its_untouched_copy(workspace_file):
    first = project_id(open_app("cnn"))
    assert project_id(open_app("cnn")) == first
    edited = delete_n4(open_app("cnn"))
    assert project_id(edited) == first
    fresh = project_id(open_app("cnn"))  # the copy was edited: a new one
    assert fresh != first
    with Workspace(workspace_file) as ws:
        assert len(ws.list()) == 2


def test_undo_and_redo_come_back_in_a_fresh_session(workspace_file):
    at = delete_n4(open_app("mlp"))
    at.button(key="toolbar.undo").click()
    run(at)
    again = open_project(project_id(at))  # a reload
    history = again.session_state["kgs.history"]
    assert not history.can_undo and history.can_redo and history.redo_label.startswith("delete")
    again.button(key="toolbar.redo").click()
    run(again)
    assert project(again).main.get("n4") is None
    with Workspace(workspace_file) as ws:
        assert ws.latest(project_id(at)).revision == 4 and ws.revisions(project_id(at))[0].label.startswith("redo")


# ----------------------------------------------------------------------------- a reload during a conflict


def test_a_conflict_keeps_this_tabs_version_as_a_draft_named_in_the_url(workspace_file):
    first, second = two_tabs_in_conflict()
    draft_id = second.query_params["draft"]
    with Workspace(workspace_file) as ws:
        draft = ws.draft(draft_id)
        assert draft.project == project(second) and draft.base == 1
        assert ws.latest(project_id(first)).project == project(first)  # nobody's saved work is touched
    assert "draft" not in first.query_params


def reloaded(second: AppTest) -> AppTest:
    """The tab `second` reloaded: a new session with the same URL."""
    return open_project(second.query_params["project"], draft=second.query_params["draft"])


def test_a_reloaded_tab_offers_its_unsaved_edits_and_restores_them_as_a_copy(workspace_file):
    first, second = two_tabs_in_conflict()
    mine = project(second)
    again = reloaded(second)
    assert project(again) == project(first)  # the saved version opens, as before
    [offer] = [w for w in warnings(again) if "edits that were not saved" in w]
    assert "\n" not in offer and "revision 1" in offer
    assert again.query_params["draft"] == second.query_params["draft"]  # a second reload offers it again
    again.button(key="toolbar.draft.restore").click()
    run(again)
    copy_id = project_id(again)
    assert copy_id != project_id(first) and again.query_params["project"] == copy_id
    assert "draft" not in again.query_params
    assert project(again) == mine.model_copy(update={"title": f"{mine.title} (copy)"})
    assert project(again).main.get("n3") is None  # the edit made in the conflict is there
    assert not [w for w in warnings(again) if "edits that were not saved" in w]
    assert any("restored as" in s.value for s in again.sidebar.success)
    with Workspace(workspace_file) as ws:
        assert ws.latest(project_id(first)).project == project(first)
        assert ws.latest(copy_id).project == project(again)
        assert len(ws.list()) == 2


def test_a_reloaded_tab_can_discard_its_unsaved_edits(workspace_file):
    first, second = two_tabs_in_conflict()
    draft_id = second.query_params["draft"]
    again = reloaded(second)
    again.button(key="toolbar.draft.discard").click()
    run(again)
    assert not [w for w in warnings(again) if "edits that were not saved" in w]
    assert "draft" not in again.query_params and project(again) == project(first)
    with Workspace(workspace_file) as ws:
        with pytest.raises(Exception, match="no draft"):
            ws.draft(draft_id)
        assert len(ws.list()) == 1


def test_resolving_the_conflict_in_the_tab_forgets_the_draft(workspace_file):
    first, second = two_tabs_in_conflict()
    draft_id = second.query_params["draft"]
    second.button(key="toolbar.conflict.copy").click()
    run(second)
    assert "draft" not in second.query_params
    with Workspace(workspace_file) as ws:
        with pytest.raises(Exception, match="no draft"):
            ws.draft(draft_id)
    again = open_project(project_id(first), draft=draft_id)  # an old URL: nothing to offer
    assert not [w for w in warnings(again) if "edits that were not saved" in w]
