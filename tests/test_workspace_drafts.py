"""Drafts: a tab's version that could not be saved (another tab saved first) is kept apart
from the revisions, overwrites nobody's saved work, and comes back as a copy."""

import sqlite3

import pytest

from editor.store.workspace import KEEP_DRAFTS, Conflict, NotFound, Workspace, is_project_id
from tests.test_workspace import mlp, path, ws  # noqa: F401 - the workspace tests' fixtures


def in_conflict(ws):
    """Tab A saved revision 2; tab B, still at revision 1, cannot save its version."""
    project_id = ws.create(mlp(title="shared"))
    ws.save(project_id, mlp(title="tab A"), 1, "rename to tab A")
    with pytest.raises(Conflict):
        ws.save(project_id, mlp(title="tab B"), 1, "rename to tab B")
    return project_id


def test_a_draft_keeps_the_unsaved_version_and_touches_no_revision(ws):
    project_id = in_conflict(ws)
    draft_id = ws.save_draft(project_id, mlp(title="tab B"), 1)
    assert is_project_id(draft_id)
    found = ws.draft(draft_id)
    assert (found.id, found.project_id, found.base, found.project) == (draft_id, project_id, 1, mlp(title="tab B"))
    latest = ws.latest(project_id)
    assert (latest.revision, latest.project.title) == (2, "tab A")
    assert [r.number for r in ws.revisions(project_id)] == [2, 1]


def test_the_same_tab_updates_its_draft_and_other_tabs_get_their_own(ws):
    project_id = in_conflict(ws)
    mine = ws.save_draft(project_id, mlp(title="B, first edit"), 1)
    assert ws.save_draft(project_id, mlp(title="B, second edit"), 1, mine) == mine
    assert ws.draft(mine).project.title == "B, second edit"
    theirs = ws.save_draft(project_id, mlp(title="C"), 1)
    assert theirs != mine and ws.draft(mine).project.title == "B, second edit"
    other_project = ws.create(mlp(title="other"))
    moved = ws.save_draft(other_project, mlp(title="X"), 1, mine)  # another project's id: a new draft
    assert moved != mine and ws.draft(mine).project_id == project_id


def test_restoring_a_draft_makes_a_copy_and_forgets_the_draft(ws):
    project_id = in_conflict(ws)
    draft_id = ws.save_draft(project_id, mlp(title="tab B"), 1)
    copy_id = ws.restore_draft(draft_id)
    assert copy_id != project_id
    copy = ws.latest(copy_id)
    assert (copy.revision, copy.project) == (1, mlp(title="tab B (copy)"))
    assert ws.revisions(copy_id)[0].label == "unsaved edits of tab B (revision 1)"
    assert ws.latest(project_id).project.title == "tab A"  # the other tab's saved work stays
    with pytest.raises(NotFound):
        ws.draft(draft_id)
    with pytest.raises(NotFound):
        ws.restore_draft(draft_id)  # twice (two clicks): one copy only
    assert len(ws.list()) == 2


def test_discarding_a_draft_forgets_it_and_nothing_else(ws):
    project_id = in_conflict(ws)
    draft_id = ws.save_draft(project_id, mlp(title="tab B"), 1)
    ws.discard_draft(draft_id)
    ws.discard_draft(draft_id)  # gone already: nothing happens
    ws.discard_draft("not an id")
    with pytest.raises(NotFound) as err:
        ws.draft(draft_id)
    assert draft_id in str(err.value)
    assert ws.latest(project_id).revision == 2 and len(ws.list()) == 1


def test_only_the_newest_drafts_of_a_project_are_kept(ws):
    project_id = ws.create(mlp())
    ids = [ws.save_draft(project_id, mlp(title=f"d{k}"), 1) for k in range(KEEP_DRAFTS + 5)]
    with pytest.raises(NotFound):
        ws.draft(ids[0])
    assert ws.draft(ids[-1]).project.title == f"d{KEEP_DRAFTS + 4}"
    kept = [i for i in ids if _exists(ws, i)]
    assert kept == ids[5:]


def _exists(ws, draft_id):
    try:
        ws.draft(draft_id)
    except NotFound:
        return False
    return True


def test_drafts_survive_reopening_and_unknown_ids_are_not_found(ws, path):
    project_id = in_conflict(ws)
    draft_id = ws.save_draft(project_id, mlp(title="tab B"), 1)
    with Workspace(path) as again:
        assert again.draft(draft_id).project.title == "tab B"
    for bad in ("0123456789abcdef", "'; DROP TABLE drafts; --", None):
        with pytest.raises(NotFound):
            ws.draft(bad)
    with pytest.raises(NotFound):
        ws.save_draft("0123456789abcdef", mlp(), 1)


def test_a_file_of_an_older_editor_gets_the_drafts_table(path):
    with Workspace(path) as ws:
        project_id = ws.create(mlp())
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE drafts")  # as a file written before drafts existed
    db.close()
    with Workspace(path) as ws:
        assert ws.draft(ws.save_draft(project_id, mlp(title="B"), 1)).project.title == "B"
