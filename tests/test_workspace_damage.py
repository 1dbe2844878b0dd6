"""A workspace file damaged from outside (truncated, overwritten with garbage or with another
SQLite database, replaced, removed): found at start-up and between the writes of a live
Workspace, said in one line, set aside (never deleted), and never an empty start in silence."""

import os
import shutil
import sqlite3

import pytest

from editor.store import workspace_file
from editor.templates import load_template
from editor.store.workspace import (
    APPLICATION_ID, MEMORY, Damaged, Unavailable, Workspace, WorkspaceError, open_workspace,
)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "ws.sqlite3"


def mlp(**changes):
    return load_template("mlp").model_copy(update=changes)


def one_line(err) -> str:
    text = str(err.value if hasattr(err, "value") else err)
    assert "\n" not in text and text
    return text


def with_projects(path, count=30) -> list[str]:
    """A workspace file with projects in it, closed (so everything is in the file itself)."""
    with Workspace(path) as ws:
        return [ws.create(mlp(title=f"p{k}")) for k in range(count)]


def truncate(path):
    with open(path, "wb"):
        pass


def garbage(path):
    path.write_bytes(b"this is not SQLite at all\n" * 300)


def another_database(path):
    other = path.with_name("notes.db")
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.executemany("INSERT INTO notes VALUES (?)", [("keep me " * 50,)] * 100)
    db.close()
    path.write_bytes(other.read_bytes())  # in place, as `cp notes.db ws.sqlite3` does


def replaced(path):
    other = path.with_name("fresh.sqlite3")
    with Workspace(other):
        pass
    os.replace(other, path)  # another file under the same name (as `mv` does)


def removed(path):
    os.remove(path)


DAMAGE = {"truncated": truncate, "garbage": garbage, "another database": another_database}


# ----------------------------------------------------------------------------- a new file


def test_a_new_workspace_file_is_whole_from_the_start(path):
    with Workspace(path) as ws:
        assert path.stat().st_size > 0  # never an empty file, so an empty one means truncated
        assert workspace_file.header_app_id(str(path)) == APPLICATION_ID
        assert ws.list() == []
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_two_workspaces_made_at_once_share_one_file(path):
    first, second = Workspace(path), Workspace(path)
    project_id = first.create(mlp())
    assert second.latest(project_id).project == mlp()
    first.close()
    second.close()


# ----------------------------------------------------------------------------- at start-up


def test_a_truncated_file_is_not_taken_for_a_new_one(path):
    with_projects(path)
    truncate(path)
    with pytest.raises(Damaged) as err:
        Workspace(path)
    assert one_line(err) == "ws.sqlite3 is damaged: it is empty (it was truncated)"
    assert path.exists() and path.stat().st_size == 0  # Workspace itself moves nothing


@pytest.mark.parametrize("damage", [truncate, garbage], ids=["truncated", "garbage"])
def test_start_up_sets_a_damaged_file_aside_and_says_so(path, damage):
    with_projects(path)
    damage(path)
    before = path.read_bytes()
    ws, note = open_workspace(path)
    with ws:
        assert ws.list() == [] and ws.path == str(path)
    [kept] = workspace_file.kept_files(str(path))
    assert kept.startswith("ws.sqlite3.damaged-")
    assert (path.parent / kept).read_bytes() == before  # kept exactly as found, never deleted
    assert "\n" not in note and "ws.sqlite3 is damaged" in note and kept in note
    assert "a new, empty workspace was started" in note and str(path.parent) not in note


def test_a_half_truncated_file_fails_the_check_at_start_up(path):
    with_projects(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    ws, note = open_workspace(path)
    ws.close()
    assert "ws.sqlite3 is damaged" in note and "kept as ws.sqlite3.damaged-" in note


def test_another_programs_database_at_start_up_is_refused_untouched(path):
    another_database(path)
    before = path.read_bytes()
    with pytest.raises(Unavailable) as err:
        open_workspace(path)
    assert not isinstance(err.value, Damaged) and "another program" in one_line(err)
    assert path.read_bytes() == before and workspace_file.kept_files(str(path)) == []


def test_a_sound_file_opens_without_a_note(path):
    [project_id] = with_projects(path, 1)
    ws, note = open_workspace(path)
    with ws:
        assert note is None and [e.id for e in ws.list()] == [project_id]


def test_the_first_start_after_a_file_was_set_aside_says_so(path):
    with_projects(path)
    garbage(path)
    workspace_file.set_aside(str(path))  # as a running editor does when it finds the damage
    ws, note = open_workspace(path)
    ws.close()
    [kept] = workspace_file.kept_files(str(path))
    assert note == f"A new, empty workspace was started; the damaged one before it is kept as {kept}."
    ws, note = open_workspace(path)  # the start after that: the new file is sound, nothing to say
    ws.close()
    assert note is None


def test_a_damaged_file_that_cannot_be_moved_is_one_line(path, monkeypatch):
    with_projects(path)
    garbage(path)

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    with pytest.raises(Unavailable) as err:
        open_workspace(path)
    assert path.read_bytes().startswith(b"this is not SQLite")
    assert "ws.sqlite3 is damaged" in one_line(err) and "cannot be moved aside" in one_line(err)


# ----------------------------------------------------------------------------- while running


@pytest.mark.parametrize("checkpointed", [True, False], ids=["in the file", "in the wal"])
@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_damage_between_writes_refuses_the_next_write(path, damage, checkpointed):
    """In the wal: the projects were never copied into the file yet, so SQLite alone would
    go on saving into the -wal without a word (the bug: the page kept saying "Saved")."""
    ids = with_projects(path, 5) if checkpointed else None
    ws = Workspace(path)
    if not checkpointed:
        ids = [ws.create(mlp(title=f"p{k}")) for k in range(5)]
    ws.save(ids[0], mlp(title="before"), 1)
    damage(path)
    with pytest.raises(Damaged) as err:
        ws.save(ids[0], mlp(title="after"), 2)
    assert one_line(err).startswith("ws.sqlite3 is damaged: ")
    with pytest.raises(Damaged) as again:  # every later call: the same line, without touching the file
        ws.create(mlp())
    assert str(again.value) == str(err.value)
    with pytest.raises(Damaged):
        ws.list()
    with pytest.raises(Damaged):
        ws.check()
    ws.close()


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_check_finds_the_damage_without_a_write(path, damage):
    with_projects(path, 3)
    ws = Workspace(path)
    ws.check()  # sound: no error
    damage(path)
    with pytest.raises(Damaged) as err:
        ws.check()
    assert ws.damaged is err.value
    ws.close()


def test_a_write_sqlite_refuses_as_malformed_is_damage(path):
    ids = with_projects(path, 30)
    ws = Workspace(path)
    with Workspace(path) as other:  # another tab's save: ws reads the file again, not its cache
        other.save(ids[-1], mlp(title="other"), 1)
    data = bytearray(path.read_bytes())
    data[200:] = b"\x5a" * (len(data) - 200)  # the header is intact; the pages are not
    path.write_bytes(bytes(data))
    with pytest.raises(Damaged) as err:
        for k, project_id in enumerate(ids):
            ws.save(project_id, mlp(title=f"edited {k}"), 1)
    assert "malformed" in one_line(err)
    ws.close()


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_set_aside_keeps_the_damaged_file_and_frees_the_name(path, damage):
    ids = with_projects(path, 3)
    ws = Workspace(path)
    damage(path)
    with pytest.raises(Damaged):
        ws.save(ids[0], mlp(title="after"), 1)
    kept = ws.set_aside()
    assert kept.startswith("ws.sqlite3.damaged-") and (path.parent / kept).exists()
    assert not path.exists() and not path.with_name("ws.sqlite3-wal").exists()
    with pytest.raises(Damaged):
        ws.list()


@pytest.mark.parametrize("change", [replaced, removed], ids=["replaced", "removed"])
def test_a_file_replaced_or_removed_while_running_is_found_and_left_alone(path, change):
    ids = with_projects(path, 3)
    ws = Workspace(path)
    change(path)
    after = path.read_bytes() if path.exists() else None
    with pytest.raises(Damaged) as err:
        ws.save(ids[0], mlp(title="after"), 1)
    assert one_line(err) in (
        "ws.sqlite3 is damaged: it was replaced while in use", "ws.sqlite3 is damaged: it was removed while in use")
    assert ws.set_aside() is None  # not the file it opened: moved nowhere
    assert (path.read_bytes() if path.exists() else None) == after


def test_a_wrong_application_id_inside_is_found_on_write(path):
    """The header on disk can lag behind (a file of an older editor): the write checks
    the database's own application id and schema too."""
    [project_id] = with_projects(path, 1)
    ws = Workspace(path)
    other = sqlite3.connect(path)
    other.execute("PRAGMA application_id = 7")
    other.close()
    ws._header_id = None  # as for a file whose header has not carried the id yet
    with pytest.raises(Damaged) as err:
        ws.save(project_id, mlp(title="after"), 1)
    assert "another database" in one_line(err)
    ws.close()


def test_memory_workspaces_are_never_damaged():
    with Workspace(MEMORY) as ws:
        ws.check()
        project_id = ws.create(mlp())
        assert ws.set_aside() is None
    assert project_id


def test_damage_is_a_workspace_error_the_editor_shows_as_one_line(path):
    with_projects(path, 1)
    garbage(path)
    with pytest.raises(WorkspaceError):
        Workspace(path)


# ----------------------------------------------------------------------------- carrying a tab over


def test_adopt_keeps_the_id_and_the_revision_number():
    with Workspace(MEMORY) as ws:
        project_id = "0123456789abcdef"
        assert ws.adopt(project_id, mlp(title="mine"), 7)
        loaded = ws.latest(project_id)
        assert (loaded.revision, loaded.project.title) == (7, "mine")
        assert not ws.adopt(project_id, mlp(title="theirs"), 9)  # already there: nothing changes
        assert ws.latest(project_id).project.title == "mine"
        assert ws.save(project_id, mlp(title="next"), 7) == 8


def test_kept_names_never_collide(path):
    for _ in range(3):
        with_projects(path, 1)
        workspace_file.set_aside(str(path))
    kept = workspace_file.kept_files(str(path))
    assert len(set(kept)) == 3 and all(k.startswith("ws.sqlite3.damaged-") for k in kept)
    shutil.rmtree(path.parent)


# ----------------------------------------------------------------------------- one server process


def test_a_server_sets_a_damaged_file_aside_once_and_all_its_tabs_share_memory(path, monkeypatch):
    from editor.store import workspace_shared

    monkeypatch.setenv("KGS_WORKSPACE", str(path))
    monkeypatch.setattr(workspace_shared, "_OPEN", {})
    ws, note = workspace_shared.shared()
    assert note is None and workspace_shared.shared()[0] is ws  # one per file per process
    project_id = ws.create(mlp())
    garbage(path)
    with pytest.raises(Damaged):
        ws.check()
    memory, line = workspace_shared.after_damage(ws)
    [kept] = workspace_file.kept_files(str(path))
    assert memory.path == MEMORY and "\n" not in line
    assert line.startswith("ws.sqlite3 is damaged: ") and f"it is kept as {kept}" in line
    assert workspace_shared.after_damage(ws) == (memory, line)  # a second tab: the same, nothing moved again
    assert workspace_shared.shared() == (memory, line)  # a new tab of this server too
    assert memory.adopt(project_id, mlp(), 1) and workspace_file.kept_files(str(path)) == [kept]


def test_checking_the_file_never_costs_another_server_its_wal(path):
    """The check reads the file without a descriptor of its own: closing one would drop this
    process's SQLite locks, and another server closing its connection would then delete the
    -wal this one still writes to (its saves lost without a word; found by a browser test)."""
    import subprocess
    import sys

    def other_server(code: str) -> str:
        script = f"from editor.store.workspace import Workspace\nws = Workspace({str(path)!r})\n{code}\nws.close()"
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        assert done.returncode == 0, done.stderr[-800:]
        return done.stdout

    ws = Workspace(path)
    project_id = ws.create(mlp(title="one"))
    ws.check()
    other_server("ws.list()")  # opens and closes its own connection
    assert path.with_name("ws.sqlite3-wal").exists()
    ws.save(project_id, mlp(title="two"), 1)
    ws.check()
    assert other_server(f"print(ws.latest({project_id!r}).project.title)").strip() == "two"
    ws.close()
