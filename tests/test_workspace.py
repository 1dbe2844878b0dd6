"""The workspace database: projects, revisions, conflicts, soft delete, and files it refuses."""

import sqlite3
import threading

import pytest

from editor.files import project_files
from editor.templates import load_template
from editor.store.workspace import (
    ENV_VAR, KEEP_REVISIONS, MEMORY, SCHEMA_VERSION, Conflict, Damaged, NotFound, Unavailable, Workspace, WorkspaceError,
    default_path, is_project_id,
)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "ws.sqlite3"


@pytest.fixture
def ws(path):
    with Workspace(path) as workspace:
        yield workspace


def mlp(**changes):
    return load_template("mlp").model_copy(update=changes)


def with_units(project, units):
    graph = project.main
    nodes = tuple(n.model_copy(update={"config": {**n.config, "units": units}}) if n.id == "n2" else n
                  for n in graph.nodes)
    return project.replace_graph(graph.model_copy(update={"nodes": nodes}))


def one_line(err) -> str:
    text = str(err.value)
    assert "\n" not in text and text
    return text


# ----------------------------------------------------------------------------- projects


def test_create_then_latest_gives_the_same_project_at_revision_1(ws):
    project_id = ws.create(mlp())
    assert is_project_id(project_id) and len(project_id) == 16
    loaded = ws.latest(project_id)
    assert (loaded.id, loaded.revision, loaded.project) == (project_id, 1, mlp())
    [entry] = ws.list()
    assert (entry.id, entry.title, entry.revision, entry.summary, entry.deleted) == (
        project_id, mlp().title, 1, "5 nodes", None)


def test_create_with_a_title_sets_the_projects_title(ws):
    project_id = ws.create(mlp(), "  my   model ")
    assert ws.latest(project_id).project.title == "my model"
    assert ws.info(project_id).title == "my model"


def test_ids_are_random_hex_and_unique(ws):
    ids = {ws.create(mlp()) for _ in range(20)}
    assert len(ids) == 20 and all(is_project_id(i) for i in ids)
    assert not is_project_id("../etc") and not is_project_id(None) and not is_project_id("ABCDEF0123456789")


def test_save_adds_revisions_and_latest_follows(ws):
    project_id = ws.create(mlp())
    assert ws.save(project_id, with_units(mlp(), 7), 1, "set units of hidden1") == 2
    assert ws.save(project_id, with_units(mlp(), 8), 2, "set units of hidden1") == 3
    loaded = ws.latest(project_id)
    assert loaded.revision == 3 and loaded.project == with_units(mlp(), 8)
    assert ws.revision(project_id, 2) == with_units(mlp(), 7)
    assert ws.revision(project_id, 1) == mlp()
    infos = ws.revisions(project_id)
    assert [(r.number, r.label, r.summary) for r in infos] == [
        (3, "set units of hidden1", "5 nodes"), (2, "set units of hidden1", "5 nodes"), (1, "created", "5 nodes")]
    assert infos[0].created >= infos[2].created


def test_stored_text_is_the_project_file_text(ws, path):
    project_id = ws.create(mlp())
    with sqlite3.connect(path) as db:
        [(content,)] = db.execute("SELECT content FROM revisions").fetchall()
    assert content == project_files.dumps(mlp())


def test_a_stale_save_raises_conflict_and_writes_nothing(ws):
    project_id = ws.create(mlp())
    ws.save(project_id, with_units(mlp(), 7), 1)  # "the other tab"
    with pytest.raises(Conflict) as err:
        ws.save(project_id, with_units(mlp(), 9), 1)  # "this tab", still at revision 1
    assert "revision 2" in one_line(err) and "revision 1" in one_line(err)
    assert (err.value.base, err.value.latest, err.value.project_id) == (1, 2, project_id)
    assert ws.latest(project_id).project == with_units(mlp(), 7)
    assert [r.number for r in ws.revisions(project_id)] == [2, 1]


def test_a_base_newer_than_the_latest_is_a_conflict_too(ws):
    project_id = ws.create(mlp())
    with pytest.raises(Conflict):
        ws.save(project_id, with_units(mlp(), 3), 5)


def test_saving_identical_content_stores_nothing(ws):
    project_id = ws.create(mlp())
    assert ws.save(project_id, mlp(), 1) == 1
    assert ws.save(project_id, with_units(mlp(), 7), 1) == 2
    assert ws.save(project_id, with_units(mlp(), 7), 2) == 2
    # identical to the latest: no conflict even from an old base, since nothing is overwritten
    assert ws.save(project_id, with_units(mlp(), 7), 1) == 2
    assert [r.number for r in ws.revisions(project_id)] == [2, 1]


def test_two_connections_one_base_exactly_one_save_wins(path):
    """Two servers (connections) saving from the same revision at once: one conflict."""
    first, second = Workspace(path), Workspace(path)
    project_id = first.create(mlp())
    results, barrier = [], threading.Barrier(2)

    def save(workspace, units):
        barrier.wait()
        try:
            results.append(workspace.save(project_id, with_units(mlp(), units), 1))
        except Conflict as err:
            results.append(err)

    threads = [threading.Thread(target=save, args=(w, u)) for w, u in ((first, 3), (second, 4))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(type, results), key=str) == sorted([int, Conflict], key=str)
    assert [r.number for r in second.revisions(project_id)] == [2, 1]
    first.close()
    second.close()


def test_revision_restore_adds_a_new_revision_and_keeps_history(ws):
    project_id = ws.create(mlp())
    ws.save(project_id, with_units(mlp(), 7), 1)
    ws.save(project_id, with_units(mlp(), 8), 2)
    assert ws.restore_revision(project_id, 1) == 4
    assert ws.latest(project_id).project == mlp()
    assert [(r.number, r.label) for r in ws.revisions(project_id)][:2] == [(4, "restore revision 1"), (3, "")]
    assert ws.revision(project_id, 3) == with_units(mlp(), 8)
    assert ws.restore_revision(project_id, 4) == 4  # already the latest: nothing new
    with pytest.raises(NotFound) as err:
        ws.restore_revision(project_id, 99)
    assert "no revision 99" in one_line(err)


def test_rename_is_a_revision(ws):
    project_id = ws.create(mlp())
    assert ws.rename(project_id, "Digits") == 2
    assert ws.info(project_id).title == "Digits"
    assert ws.latest(project_id).project == mlp(title="Digits")
    assert ws.revisions(project_id)[0].label == "rename to Digits"
    with pytest.raises(Conflict):
        ws.rename(project_id, "Other", base_revision=1)
    for bad, words in (("   ", "cannot be empty"), ("x" * 201, "at most 200")):
        with pytest.raises(WorkspaceError) as err:
            ws.rename(project_id, bad)
        assert words in one_line(err)
    assert ws.info(project_id).title == "Digits"


def test_duplicate_copies_the_latest_into_a_new_project(ws):
    project_id = ws.create(mlp())
    ws.save(project_id, with_units(mlp(), 7), 1)
    copy_id = ws.duplicate(project_id)
    assert copy_id != project_id
    assert ws.latest(copy_id).project == with_units(mlp(), 7).model_copy(update={"title": f"{mlp().title} (copy)"})
    assert [r.number for r in ws.revisions(copy_id)] == [1]
    assert ws.latest(project_id).revision == 2  # the original is untouched
    assert ws.info(ws.duplicate(project_id, "Mine")).title == "Mine"
    assert len(ws.list()) == 3


def test_list_is_most_recently_saved_first(ws):
    a = ws.create(mlp(title="A"))
    b = ws.create(mlp(title="B"))
    ws.save(a, with_units(mlp(title="A"), 3), 1)
    assert [e.title for e in ws.list()] == ["A", "B"]
    assert {e.id for e in ws.list()} == {a, b}


def test_delete_is_soft_and_restorable(ws):
    keep = ws.create(mlp(title="keep"))
    gone = ws.create(mlp(title="gone"))
    ws.delete(gone)
    assert [e.id for e in ws.list()] == [keep]
    [deleted] = ws.list_deleted()
    assert deleted.id == gone and deleted.deleted is not None
    assert ws.latest(gone).project == mlp(title="gone")  # still readable
    assert ws.save(gone, with_units(mlp(title="gone"), 3), 1) == 2  # an open tab keeps saving its work
    ws.restore(gone)
    assert {e.id for e in ws.list()} == {keep, gone} and ws.list_deleted() == []
    assert ws.info(gone).deleted is None and ws.info(gone).revision == 2


@pytest.mark.parametrize("call", [
    lambda ws: ws.latest("0123456789abcdef"), lambda ws: ws.revision("nope", 1),
    lambda ws: ws.revisions("x'; DROP TABLE projects; --"), lambda ws: ws.save("0123456789abcdef", mlp(), 1),
    lambda ws: ws.rename("0123456789abcdef", "t"), lambda ws: ws.duplicate("0123456789abcdef"),
    lambda ws: ws.delete("0123456789abcdef"), lambda ws: ws.restore("0123456789abcdef"),
    lambda ws: ws.restore_revision("0123456789abcdef", 1), lambda ws: ws.info("../../x"),
])
def test_unknown_ids_raise_not_found_in_one_line(ws, call):
    with pytest.raises(NotFound) as err:
        call(ws)
    assert "no project" in one_line(err)


def test_only_the_last_revisions_are_kept(path):
    with Workspace(path, keep=5) as ws:
        project_id = ws.create(mlp())
        for number in range(1, 12):
            ws.save(project_id, with_units(mlp(), number), number)
        assert [r.number for r in ws.revisions(project_id)] == [12, 11, 10, 9, 8]
        assert ws.latest(project_id).project == with_units(mlp(), 11)
        with pytest.raises(NotFound) as err:
            ws.revision(project_id, 7)
        assert "only the last 5" in one_line(err)
    assert KEEP_REVISIONS == 200


def test_a_project_that_would_not_open_again_is_not_saved(ws):
    project_id = ws.create(mlp())
    broken = mlp().model_copy(update={"title": "x" * 300})  # model_copy skips validation
    with pytest.raises(WorkspaceError) as err:
        ws.save(project_id, broken, 1)
    assert "would not open again" in one_line(err)
    assert ws.latest(project_id).revision == 1


# ----------------------------------------------------------------------------- the file


def test_path_from_argument_env_var_or_home(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.sqlite3"))
    assert default_path() == str(tmp_path / "env.sqlite3")
    with Workspace() as ws:
        assert ws.path == str(tmp_path / "env.sqlite3")
    with Workspace(tmp_path / "arg.sqlite3") as ws:
        assert ws.path == str(tmp_path / "arg.sqlite3")
    assert (tmp_path / "env.sqlite3").exists() and (tmp_path / "arg.sqlite3").exists()
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == str(tmp_path / "home" / ".keras-graph-studio" / "workspace.sqlite3")


def test_projects_survive_reopening_and_the_settings_hold(path):
    with Workspace(path) as ws:
        project_id = ws.create(mlp())
        assert ws._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert ws._db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    with Workspace(path) as ws:
        assert ws.latest(project_id).project == mlp()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


def test_memory_workspace_works_and_keeps_nothing(tmp_path):
    with Workspace(MEMORY) as ws:
        project_id = ws.create(mlp())
        assert ws.save(project_id, with_units(mlp(), 3), 1) == 2
    with Workspace(MEMORY) as ws:
        assert ws.list() == []


def test_an_unwritable_folder_is_one_line(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(Unavailable) as err:
        Workspace(blocker / "sub" / "ws.sqlite3")
    assert "cannot create the folder" in one_line(err) and str(blocker) in one_line(err)


def test_a_folder_in_place_of_the_file_is_one_line(tmp_path):
    with pytest.raises(Unavailable) as err:
        Workspace(tmp_path)
    assert "cannot be used" in one_line(err)


def test_a_corrupt_file_is_one_line_and_left_as_it_was(path):
    garbage = b"this is not SQLite at all\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(Damaged) as err:
        Workspace(path)
    assert one_line(err) == "ws.sqlite3 is damaged: file is not a database"  # the name, not the server's folders
    assert path.read_bytes() == garbage  # never "repaired" away: the person's data may be in there


def test_a_damaged_page_is_one_line(path):
    with Workspace(path) as ws:
        for k in range(30):
            ws.create(mlp(title=f"p{k}"))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[2 * page:4 * page] = b"\x5a" * (2 * page)  # scribble over pages 3 and 4
    path.write_bytes(bytes(data))
    with pytest.raises(Damaged) as err:
        Workspace(path)
    assert one_line(err).startswith("ws.sqlite3 is damaged: ") and str(path.parent) not in one_line(err)


def test_another_programs_database_is_refused_untouched(path):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('keep me')")
    before = path.read_bytes()
    with pytest.raises(Unavailable) as err:
        Workspace(path)
    assert "another program" in one_line(err)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(path):
    with Workspace(path):
        pass
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(Unavailable) as err:
        Workspace(path)
    assert "newer editor" in one_line(err)


def test_a_revision_that_no_longer_loads_is_one_line(ws, path):
    project_id = ws.create(mlp())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE revisions SET content = '{\"format_version\": 1}'")
    with pytest.raises(WorkspaceError) as err:
        ws.latest(project_id)
    assert f"project '{project_id}' revision 1 cannot be opened" in one_line(err)


# ----------------------------------------------------------------------------- reuse and undo


def test_an_untouched_copy_is_found_and_becomes_the_most_recent(ws):
    first = ws.create(mlp())
    other = ws.create(mlp(title="Other"))
    assert ws.untouched(mlp()) == first
    assert ws.list()[0].id == first and other != first
    assert ws.untouched(mlp(title="Not there")) is None


def test_an_edited_or_deleted_copy_is_not_reused(ws):
    edited = ws.create(mlp())
    ws.save(edited, with_units(mlp(), 3), 1)
    ws.save(edited, mlp(), 2)  # back to the template's content, but it has a history now
    assert ws.untouched(mlp()) is None
    deleted = ws.create(mlp())
    ws.delete(deleted)
    assert ws.untouched(mlp()) is None


def test_steps_are_the_latest_revisions_oldest_first_with_labels(ws):
    project_id = ws.create(mlp(), label="open template mlp")
    ws.save(project_id, with_units(mlp(), 3), 1, "set units of hidden1")
    ws.save(project_id, mlp(), 2, "undo set units of hidden1")
    steps = ws.steps(project_id, 10)
    assert [(s.number, s.label) for s in steps] == [
        (1, "open template mlp"), (2, "set units of hidden1"), (3, "undo set units of hidden1")]
    assert steps[0].project == steps[2].project == mlp() and steps[1].project == with_units(mlp(), 3)
    assert [s.number for s in ws.steps(project_id, 2)] == [2, 3]


def test_workspace_errors_are_user_errors():
    from editor.errors import UserError

    for cls in (WorkspaceError, Unavailable, NotFound, Conflict):
        assert issubclass(cls, UserError)
