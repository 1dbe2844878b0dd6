"""The workspace: every project a person has made, with its revisions, in one SQLite file.

Why SQLite: one file, in the standard library, safe against a killed process and against
several tabs or servers writing at once (its own locking), and readable with any SQLite
tool. A revision stores the project file text exactly as `editor.files.project_files.dumps` writes
it, so opening a revision reuses the project-file checks (`editor.files.project_files.loads`) and a
revision can be copied out as a project file as is.

Choices:
- Path: the `path` argument, else $KGS_WORKSPACE, else
  ~/.keras-graph-studio/workspace.sqlite3. ":memory:" gives a private, unsaved workspace
  (the editor's fallback when the file cannot be used).
- WAL journal, every write in `BEGIN IMMEDIATE` (the writer lock is taken before the
  latest revision is read, so two saves cannot both pass the conflict check), a busy
  timeout of 5 s, and `synchronous=FULL`: a commit is fsynced before `save` returns, so
  an edit reported as saved survives a power cut, not only a killed process. It costs
  one fsync per edit, milliseconds at human editing speed.
- Optimistic concurrency: `save` names the revision it started from; if another tab or
  server saved since, it raises `Conflict` and writes nothing. Nothing is overwritten.
- History is append-only: restoring revision n adds a new revision equal to n.
  Only the last `KEEP_REVISIONS` (200) revisions of a project are kept; older ones are
  dropped when a new one is saved (200 edits back is far beyond undo, and it bounds a
  project to ~200 x its file size; numbers are never reused).
- Deleting is soft: a deleted project leaves the list and can be restored.
- An untouched copy is reused: `untouched(project)` finds a project still at its first
  revision (never edited) whose content is exactly `project`, so opening the same
  template (or file) again goes back to that copy instead of filling the library.
- The revisions are also the undo history: `steps` gives the latest ones with their
  labels, from which the editor rebuilds Undo / Redo after a reload.
- Ids are 16 random hex digits: safe in a URL, unguessable, no counter to leak.
- Drafts: a tab whose save met a Conflict keeps its version as a draft (`save_draft`),
  in a table of its own, so it overwrites no revision; `restore_draft` makes it a new
  project ("<title> (copy)"). Only the newest KEEP_DRAFTS per project are kept.
- Damage from outside (truncated, overwritten, replaced; see editor.store.workspace_file) is
  found at open (an empty file, `PRAGMA quick_check`), before every write (the file's
  identity and header, the application id and schema inside) and by `check`; it raises
  `Damaged`, after which the Workspace refuses every call with that one line. A damaged
  file is never deleted or repaired: `set_aside` renames it `<name>.damaged-<time>`.
  At start-up `open_workspace` does that and starts a new, empty workspace, saying so;
  while the editor runs, it moves its tabs to memory instead (editor.ui.state), since
  other tabs and servers may still hold the old file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Union

from editor.files import project_files
from editor.store import workspace_file
from editor.errors import UserError
from editor.model.graph import Project

SCHEMA_VERSION = 1
APPLICATION_ID = 0x4B475357  # "KGSW" in the file header: this file is a workspace
KEEP_REVISIONS = 200
KEEP_DRAFTS = 20  # per project: drafts of tabs that were closed without choosing
BUSY_TIMEOUT_S = 5.0
ENV_VAR = "KGS_WORKSPACE"
MEMORY = ":memory:"
TITLE_MAX = 200  # as editor.model.graph.Project.title
_ID = re.compile(r"[0-9a-f]{16}")

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE projects (
    id      TEXT PRIMARY KEY,
    title   TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    head    INTEGER NOT NULL,      -- number of the latest revision
    deleted REAL                   -- time of a soft delete, NULL if not deleted
);
CREATE INDEX projects_by_update ON projects (deleted, updated);
CREATE TABLE revisions (
    project TEXT NOT NULL REFERENCES projects (id),
    number  INTEGER NOT NULL,
    created REAL NOT NULL,
    content TEXT NOT NULL,         -- editor.files.project_files.dumps(project)
    digest  TEXT NOT NULL,         -- sha256 of content: identical saves are skipped
    summary TEXT NOT NULL,         -- "5 nodes", "39 nodes in 2 graphs"
    label   TEXT NOT NULL,         -- what changed, e.g. "set units of hidden1"
    PRIMARY KEY (project, number)
) WITHOUT ROWID;
"""


# Added after schema version 1, created where missing (an older editor ignores it).
_DRAFTS = """
CREATE TABLE IF NOT EXISTS drafts (
    id      TEXT PRIMARY KEY,      -- 16 hex digits; the tab that keeps it has ?draft=ID in its URL
    project TEXT NOT NULL REFERENCES projects (id),
    base    INTEGER NOT NULL,      -- the revision the unsaved edits started from
    updated REAL NOT NULL,
    content TEXT NOT NULL          -- editor.files.project_files.dumps(project)
)"""


class WorkspaceError(UserError):
    """A workspace operation that cannot be done, with a one-line reason (a UserError:
    the page and the command line show it as one line)."""


class Unavailable(WorkspaceError):
    """The workspace file cannot be opened or used (unwritable, damaged, not a workspace)."""


class Damaged(Unavailable):
    """The workspace file is no longer a sound workspace: SQLite finds it malformed or not a
    database, or it was truncated, overwritten or replaced from outside. Once raised, the
    Workspace refuses every further call with the same line (see `set_aside`)."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name} is damaged: {reason}")
        self.name, self.reason = name, reason


class NotFound(WorkspaceError):
    """No such project (or revision) in this workspace."""


class Conflict(WorkspaceError):
    """Someone saved the project after the revision this save started from."""

    def __init__(self, project_id: str, title: str, base: int, latest: int):
        super().__init__(
            f"'{title}' was saved elsewhere (revision {latest}) after revision {base} that this edit started from"
        )
        self.project_id, self.title, self.base, self.latest = project_id, title, base, latest


@dataclass(frozen=True)
class Entry:
    """A project as the library lists it."""

    id: str
    title: str
    created: float
    updated: float
    revision: int  # latest revision number
    summary: str
    deleted: Optional[float] = None


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    created: float
    summary: str
    label: str


@dataclass(frozen=True)
class Step:
    """One saved revision read back for the undo history: its number, label and Project."""

    number: int
    label: str
    project: Project


@dataclass(frozen=True)
class Draft:
    """A tab's version of a project that was not saved (another tab saved first)."""

    id: str
    project_id: str
    base: int  # the revision its edits started from
    updated: float
    project: Project


@dataclass(frozen=True)
class Loaded:
    """A project read back: its id, the revision number and the Project itself."""

    id: str
    revision: int
    project: Project


def default_path() -> str:
    """$KGS_WORKSPACE, else ~/.keras-graph-studio/workspace.sqlite3."""
    return os.environ.get(ENV_VAR) or str(Path.home() / ".keras-graph-studio" / "workspace.sqlite3")


def is_project_id(text: object) -> bool:
    return isinstance(text, str) and _ID.fullmatch(text) is not None


def summary_of(project: Project) -> str:
    nodes = sum(len(g.nodes) for g in project.graphs)
    text = f"{nodes} node{'s' if nodes != 1 else ''}"
    return text if len(project.graphs) == 1 else f"{text} in {len(project.graphs)} graphs"


def clean_title(title: str) -> str:
    """A title as stored: one line, trimmed, not empty, at most TITLE_MAX characters."""
    text = " ".join(str(title).split())
    if not text:
        raise WorkspaceError("a title cannot be empty")
    if len(text) > TITLE_MAX:
        raise WorkspaceError(f"a title has at most {TITLE_MAX} characters (this one has {len(text)})")
    return text


def copy_title(title: str) -> str:
    """The title of a copy: "<title> (copy)", within TITLE_MAX."""
    return title[: TITLE_MAX - 7] + " (copy)"


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


class Workspace:
    """The projects of one workspace file. Thread-safe: one connection behind a lock
    (Streamlit runs each session in its own thread); other processes are kept in step
    by SQLite's locking and the busy timeout."""

    def __init__(self, path: Union[str, Path, None] = None, keep: int = KEEP_REVISIONS):
        self.path = str(path) if path is not None else default_path()
        self.keep = max(1, int(keep))
        self._lock = threading.RLock()
        self._damaged: Optional[Damaged] = None  # set for good once the file is found damaged
        self._identity: Optional[workspace_file.Identity] = None  # the file opened (device, inode)
        self._header_id: Optional[int] = None  # the application id its header carries on disk
        self._db = self._connect()

    # ------------------------------------------------------------------ opening

    def _where(self) -> str:
        return "the in-memory workspace" if self.path == MEMORY else f"workspace {self.path}"

    @property
    def name(self) -> str:
        """The file name alone, for messages that need not show the server's folders."""
        return "the in-memory workspace" if self.path == MEMORY else Path(self.path).name

    def _connect(self) -> sqlite3.Connection:
        if self.path != MEMORY:
            try:
                Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as err:
                raise Unavailable(f"cannot create the folder of {self._where()}: {err.strerror or err}") from None
            self.path = os.path.expanduser(self.path)
            if workspace_file.is_empty_file(self.path):  # a new file is whole before it has its name
                raise Damaged(self.name, "it is empty (it was truncated)")
            if not os.path.lexists(self.path):
                try:
                    workspace_file.create_new(self.path, self._create_schema)
                except (OSError, sqlite3.Error) as err:
                    raise Unavailable(f"cannot create {self._where()}: {_one_line(err)}") from None
            self._identity = workspace_file.identity(self.path)
        db = None
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._identify(db)
            if self.path != MEMORY:
                mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise Unavailable(f"{self._where()}: cannot use write-ahead logging (got {mode})")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            check = db.execute("PRAGMA quick_check").fetchone()[0]  # before anything is written to it
            if check != "ok":
                raise Damaged(self.name, f"SQLite's check finds {' '.join(str(check).split())}")
            self._prepare(db)
            if self.path != MEMORY:
                self._header_id = self._header_app_id(db)
            return db
        except sqlite3.Error as err:
            if db is not None:
                db.close()
            if workspace_file.is_damage(err):
                raise Damaged(self.name, _one_line(err)) from None
            raise Unavailable(f"{self._where()} cannot be used: {_one_line(err)}") from None
        except Unavailable:
            if db is not None:
                db.close()
            raise

    def _header_app_id(self, db: sqlite3.Connection) -> Optional[int]:
        """The application id the file's header carries on disk, so that writes can check it
        is still there. A file made by an older editor may have it only in the -wal until a
        checkpoint: one is tried; if the header still lacks it, it is not checked."""
        if workspace_file.header_app_id(self.path) != APPLICATION_ID:
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                pass
        return APPLICATION_ID if workspace_file.header_app_id(self.path) == APPLICATION_ID else None

    def _identify(self, db: sqlite3.Connection) -> bool:
        """True for an empty file; refuse (before writing anything) a file of another
        program or of a newer editor."""
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        if not tables and app_id in (0, APPLICATION_ID):
            return True
        if app_id != APPLICATION_ID or "schema_version" not in tables:
            raise Unavailable(f"{self._where()} is an SQLite file of another program, not a workspace")
        version = db.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        if version is None or version > SCHEMA_VERSION:
            raise Unavailable(f"{self._where()} has schema version {version}; this editor reads "
                              f"{SCHEMA_VERSION} (it was written by a newer editor)")
        return False

    @staticmethod
    def _create_schema(db: sqlite3.Connection) -> None:
        """The tables of a new workspace, inside the caller's transaction."""
        for statement in _SCHEMA.split(";"):  # not executescript: it would commit first
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _prepare(self, db: sqlite3.Connection) -> None:
        """Create the tables in an empty database (the in-memory one; a new file gets them
        before it has its name), and the tables added since schema version 1."""
        db.execute("BEGIN IMMEDIATE")
        try:
            if self._identify(db):
                self._create_schema(db)
            # Tables added later go here as CREATE TABLE IF NOT EXISTS: an older editor
            # ignores a table it does not know, so they need no new schema version.
            db.execute(_DRAFTS)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ damage

    def _fail(self, reason: str) -> Damaged:
        """Record that the file is damaged (every later call refuses with this line)."""
        if self._damaged is None:
            self._damaged = Damaged(self.name, reason)
        return self._damaged

    def _verify(self, db: sqlite3.Connection) -> None:
        """Raise Damaged unless the file is still the workspace that was opened: same file,
        a database header with our application id, our schema (inside a write, before it)."""
        if self.path != MEMORY:
            problem = workspace_file.header_problem(self.path, self._identity, self._header_id)
            if problem:
                raise self._fail(problem)
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        except sqlite3.Error as err:
            raise self._fail(_one_line(err)) from None
        if app_id != APPLICATION_ID or version != SCHEMA_VERSION:
            raise self._fail("it holds another database now (overwritten)")

    @property
    def damaged(self) -> Optional[Damaged]:
        """The damage found so far, None while the file looks sound."""
        return self._damaged

    def check(self) -> None:
        """Raise Damaged if the file was truncated, overwritten, replaced or removed from
        outside since it was opened. Cheap (a stat and a 100-byte read): the editor calls
        it on every page run, so a damaged file is reported even before the next save."""
        with self._lock:
            if self._damaged is not None:
                raise self._damaged
            if self.path != MEMORY:
                problem = workspace_file.header_problem(self.path, self._identity, self._header_id)
                if problem:
                    raise self._fail(problem)

    def set_aside(self) -> Optional[str]:
        """Close this damaged workspace and rename its file (with -wal and -shm) to
        `<name>.damaged-<time>`; returns that name. Nothing is deleted, and nothing is moved
        if the file at the path is no longer the one opened (then None). Closing first lets
        SQLite write the commits still in the -wal into the file that is kept."""
        with self._lock:
            self._fail(self._damaged.reason if self._damaged else "set aside")
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            if self.path == MEMORY:
                return None
            try:
                return workspace_file.set_aside(self.path, self._identity)
            except OSError as err:
                raise Unavailable(f"{self.name} is damaged and cannot be moved aside: {err.strerror or err}") from None

    # ------------------------------------------------------------------ plumbing

    def _sql_error(self, err: sqlite3.Error) -> WorkspaceError:
        if workspace_file.is_damage(err):
            return self._fail(_one_line(err))
        return WorkspaceError(f"{self._where()}: {_one_line(err)}")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._damaged is not None:
                raise self._damaged
            try:
                yield self._db
            except sqlite3.Error as err:
                raise self._sql_error(err) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that holds the write lock from its first read (BEGIN IMMEDIATE),
        on a file checked to be still the workspace opened (`_verify`)."""
        with self._lock:
            if self._damaged is not None:
                raise self._damaged
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise self._sql_error(err) from None
            try:
                self._verify(self._db)
                yield self._db
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                raise self._sql_error(err) from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the transaction is already gone (SQLite rolled it back itself)

    def _head(self, db: sqlite3.Connection, project_id: str) -> tuple[int, str]:
        """(latest revision number, title) of a project, deleted or not."""
        row = db.execute("SELECT head, title FROM projects WHERE id = ?", (project_id,)).fetchone() \
            if is_project_id(project_id) else None
        if row is None:
            raise NotFound(f"no project '{project_id}' in this workspace")
        return row[0], row[1]

    def _content(self, db: sqlite3.Connection, project_id: str, number: int) -> str:
        row = db.execute("SELECT content FROM revisions WHERE project = ? AND number = ?",
                         (project_id, number)).fetchone()
        if row is None:
            raise NotFound(f"project '{project_id}' has no revision {number} (only the last {self.keep} are kept)")
        return row[0]

    def _parse(self, project_id: str, number: int, content: str) -> Project:
        try:
            return project_files.loads(content)
        except project_files.ProjectError as err:
            raise WorkspaceError(f"project '{project_id}' revision {number} cannot be opened: {err}") from None

    @staticmethod
    def _text(project: Project) -> str:
        """The file text of a project, checked to open again: a revision that could not be
        loaded back would lose the work it holds."""
        try:
            return project_files.checked(project)
        except project_files.ProjectError as err:
            raise WorkspaceError(f"the project would not open again ({err})") from None

    def _append(self, db: sqlite3.Connection, project_id: str, number: int, project: Project, text: str,
                label: str, now: float) -> None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        db.execute("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (project_id, number, now, text, digest, summary_of(project), " ".join(label.split())[:200]))
        db.execute("UPDATE projects SET head = ?, title = ?, updated = ? WHERE id = ?",
                   (number, project.title, now, project_id))
        db.execute("DELETE FROM revisions WHERE project = ? AND number <= ?", (project_id, number - self.keep))

    # ------------------------------------------------------------------ projects

    def create(self, project: Project, title: Optional[str] = None, label: str = "created") -> str:
        """Store a new project (revision 1); returns its id."""
        if title is not None:
            project = project.model_copy(update={"title": clean_title(title)})
        text = self._text(project)
        with self._write() as db:
            return self._insert(db, project, text, label)

    def _insert(self, db: sqlite3.Connection, project: Project, text: str, label: str,
                project_id: Optional[str] = None, number: int = 1) -> str:
        """A new project row with its first kept revision (`number`); a new id unless given."""
        while project_id is None:
            project_id = secrets.token_hex(8)
            if db.execute("SELECT 1 FROM projects WHERE id = ?", (project_id,)).fetchone() is not None:
                project_id = None
        now = time.time()
        db.execute("INSERT INTO projects VALUES (?, ?, ?, ?, 0, NULL)", (project_id, project.title, now, now))
        self._append(db, project_id, number, project, text, label, now)
        return project_id

    def adopt(self, project_id: str, project: Project, revision: int, label: str = "carried over") -> bool:
        """Store `project` as revision `revision` of a project with this very id, unless this
        workspace has one already; True if stored. A tab moved to another workspace (its
        file was damaged) keeps its project's id, so its URL and reloads still find it, and
        its revision numbers, so other tabs' saves are still checked against it."""
        if not is_project_id(project_id):
            raise NotFound(f"no project '{project_id}' in this workspace")
        text = self._text(project)
        with self._write() as db:
            if db.execute("SELECT 1 FROM projects WHERE id = ?", (project_id,)).fetchone() is not None:
                return False
            self._insert(db, project, text, label, project_id, max(1, int(revision)))
        return True

    def save(self, project_id: str, project: Project, base_revision: int, label: str = "") -> int:
        """Store `project` as the next revision; returns the latest revision number.

        Raises Conflict (and writes nothing) if someone saved after `base_revision`.
        Content identical to the latest revision is not stored again (no conflict either:
        nothing would be overwritten).
        """
        text = self._text(project)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._write() as db:
            head, title = self._head(db, project_id)
            latest = db.execute("SELECT digest FROM revisions WHERE project = ? AND number = ?",
                                (project_id, head)).fetchone()
            if latest is not None and latest[0] == digest:
                return head
            if base_revision != head:
                raise Conflict(project_id, title, base_revision, head)
            self._append(db, project_id, head + 1, project, text, label, time.time())
            return head + 1

    def latest(self, project_id: str) -> Loaded:
        with self._read() as db:
            head, _ = self._head(db, project_id)
            content = self._content(db, project_id, head)
        return Loaded(project_id, head, self._parse(project_id, head, content))

    def revision(self, project_id: str, number: int) -> Project:
        with self._read() as db:
            self._head(db, project_id)
            content = self._content(db, project_id, int(number))
        return self._parse(project_id, number, content)

    def steps(self, project_id: str, count: int) -> list[Step]:
        """The latest `count` revisions kept, oldest first (identical contents parsed once)."""
        with self._read() as db:
            self._head(db, project_id)
            rows = db.execute("SELECT number, label, digest, content FROM revisions WHERE project = ? "
                              "ORDER BY number DESC LIMIT ?", (project_id, max(1, int(count)))).fetchall()
        parsed: dict[str, Project] = {}
        found = []
        for number, label, digest, content in reversed(rows):
            if digest not in parsed:
                parsed[digest] = self._parse(project_id, number, content)
            found.append(Step(number, label, parsed[digest]))
        return found

    def untouched(self, project: Project) -> Optional[str]:
        """The id of a listed project never edited since it was created holding exactly
        `project` (the most recently used one), marked as used now; None if there is none."""
        digest = hashlib.sha256(self._text(project).encode("utf-8")).hexdigest()
        with self._write() as db:
            row = db.execute(
                "SELECT p.id FROM projects p JOIN revisions r ON r.project = p.id AND r.number = p.head "
                "WHERE p.deleted IS NULL AND p.head = 1 AND r.digest = ? ORDER BY p.updated DESC, p.id LIMIT 1",
                (digest,)).fetchone()
            if row is None:
                return None
            db.execute("UPDATE projects SET updated = ? WHERE id = ?", (time.time(), row[0]))
        return row[0]

    def revisions(self, project_id: str) -> list[RevisionInfo]:
        """The revisions kept, newest first."""
        with self._read() as db:
            self._head(db, project_id)
            rows = db.execute("SELECT number, created, summary, label FROM revisions WHERE project = ? "
                              "ORDER BY number DESC", (project_id,)).fetchall()
        return [RevisionInfo(*row) for row in rows]

    def restore_revision(self, project_id: str, number: int) -> int:
        """Make revision `number` the latest again, as a new revision (history is never
        rewritten); returns the new latest number (the same if nothing changes)."""
        with self._write() as db:
            head, _ = self._head(db, project_id)
            content = self._content(db, project_id, int(number))
            project = self._parse(project_id, number, content)
            latest = self._content(db, project_id, head)
            if latest == content:
                return head
            self._append(db, project_id, head + 1, project, content, f"restore revision {number}", time.time())
            return head + 1

    def _entries(self, deleted: bool) -> list[Entry]:
        where, order = ("p.deleted IS NOT NULL", "p.deleted") if deleted else ("p.deleted IS NULL", "p.updated")
        with self._read() as db:
            rows = db.execute(
                "SELECT p.id, p.title, p.created, p.updated, p.head, coalesce(r.summary, ''), p.deleted "
                "FROM projects p LEFT JOIN revisions r ON r.project = p.id AND r.number = p.head "
                f"WHERE {where} ORDER BY {order} DESC, p.id").fetchall()
        return [Entry(*row) for row in rows]

    def list(self) -> list[Entry]:
        """Projects not deleted, most recently saved first."""
        return self._entries(deleted=False)

    def list_deleted(self) -> list[Entry]:
        """Deleted projects (restorable), most recently deleted first."""
        return self._entries(deleted=True)

    def info(self, project_id: str) -> Entry:
        """One project's entry, deleted or not."""
        with self._read() as db:
            self._head(db, project_id)
            row = db.execute(
                "SELECT p.id, p.title, p.created, p.updated, p.head, coalesce(r.summary, ''), p.deleted "
                "FROM projects p LEFT JOIN revisions r ON r.project = p.id AND r.number = p.head "
                "WHERE p.id = ?", (project_id,)).fetchone()
        return Entry(*row)

    def rename(self, project_id: str, title: str, base_revision: Optional[int] = None) -> int:
        """Set the project's title, as a new revision; returns its number. With
        `base_revision`, raises Conflict if someone saved after it."""
        title = clean_title(title)
        loaded = self.latest(project_id)
        base = loaded.revision if base_revision is None else base_revision
        return self.save(project_id, loaded.project.model_copy(update={"title": title}), base, f"rename to {title}")

    def duplicate(self, project_id: str, title: Optional[str] = None) -> str:
        """A new project holding a copy of the latest revision (its history is not copied)."""
        loaded = self.latest(project_id)
        if title is None:
            title = copy_title(loaded.project.title)
        return self.create(loaded.project, title, label=f"copy of {loaded.project.title}")

    def delete(self, project_id: str) -> None:
        """Soft delete: the project leaves the list and stays restorable."""
        with self._write() as db:
            self._head(db, project_id)
            db.execute("UPDATE projects SET deleted = ? WHERE id = ? AND deleted IS NULL", (time.time(), project_id))

    def restore(self, project_id: str) -> None:
        """Bring a deleted project back into the list."""
        with self._write() as db:
            self._head(db, project_id)
            db.execute("UPDATE projects SET deleted = NULL WHERE id = ?", (project_id,))

    # ------------------------------------------------------------------ drafts

    def save_draft(self, project_id: str, project: Project, base_revision: int,
                   draft_id: Optional[str] = None) -> str:
        """Keep a tab's version of a project that could not be saved (a Conflict) apart from
        the revisions, so a reload of that tab can offer it back; returns the draft's id.
        A draft overwrites nothing but the same tab's earlier draft (`draft_id`), never a
        revision. Only the newest KEEP_DRAFTS of a project are kept."""
        text = self._text(project)
        with self._write() as db:
            self._head(db, project_id)
            now = time.time()
            mine = is_project_id(draft_id) and db.execute(
                "SELECT 1 FROM drafts WHERE id = ? AND project = ?", (draft_id, project_id)).fetchone() is not None
            if mine:
                db.execute("UPDATE drafts SET base = ?, updated = ?, content = ? WHERE id = ?",
                           (int(base_revision), now, text, draft_id))
            else:
                draft_id = secrets.token_hex(8)
                db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?, ?)",
                           (draft_id, project_id, int(base_revision), now, text))
            db.execute("DELETE FROM drafts WHERE project = ? AND id NOT IN (SELECT id FROM drafts WHERE project = ? "
                       "ORDER BY updated DESC, rowid DESC LIMIT ?)", (project_id, project_id, KEEP_DRAFTS))
        return draft_id

    def draft(self, draft_id: str) -> Draft:
        """A kept draft (NotFound once it was restored or discarded)."""
        with self._read() as db:
            row = db.execute("SELECT id, project, base, updated, content FROM drafts WHERE id = ?",
                             (draft_id,)).fetchone() if is_project_id(draft_id) else None
        if row is None:
            raise NotFound(f"no draft '{draft_id}' in this workspace")
        try:
            project = project_files.loads(row[4])
        except project_files.ProjectError as err:
            raise WorkspaceError(f"draft '{draft_id}' cannot be opened: {err}") from None
        return Draft(row[0], row[1], row[2], row[3], project)

    def discard_draft(self, draft_id: str) -> None:
        """Forget a draft (nothing happens if it is gone already)."""
        if is_project_id(draft_id):
            with self._write() as db:
                db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def restore_draft(self, draft_id: str) -> str:
        """Make a draft a new project of its own, titled "<title> (copy)", and forget the
        draft, in one transaction; returns the new project's id. The project the draft was
        made from stays exactly as saved."""
        found = self.draft(draft_id)
        copy = found.project.model_copy(update={"title": copy_title(found.project.title)})
        text = self._text(copy)
        with self._write() as db:
            if db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount != 1:
                raise NotFound(f"no draft '{draft_id}' in this workspace")
            return self._insert(db, copy, text, f"unsaved edits of {found.project.title} (revision {found.base})")


def open_workspace(path: Union[str, Path, None] = None) -> tuple[Workspace, Optional[str]]:
    """Open the workspace file the editor starts with, and one line to show if it was damaged.

    A damaged file (empty, not a database, malformed, failing `PRAGMA quick_check`) is
    moved aside to `<name>.damaged-<time>`, never deleted, and a new, empty workspace
    takes its place, saying so: the editor never starts silently empty over a file that
    had projects. A new file made next to such a kept one (the first start after damage
    was found while running) says so too. A file it cannot use for another reason (another
    program's database, a newer editor's, no permission) raises Unavailable, untouched.
    """
    path = os.path.expanduser(str(path) if path is not None else default_path())
    found = workspace_file.identity(path)
    try:
        return Workspace(path), None if found else _after_damage_note(path)
    except Damaged as err:
        damage = str(err)
    try:
        kept = workspace_file.set_aside(path, found)  # only the file judged, not one another process put there since
    except OSError as err:
        raise Unavailable(f"{damage} (and it cannot be moved aside: {err.strerror or err})") from None
    if kept is None:
        return Workspace(path), _after_damage_note(path)
    return Workspace(path), f"{damage}; it is kept as {kept} and a new, empty workspace was started."


def _after_damage_note(path: str) -> Optional[str]:
    kept = workspace_file.kept_files(path)
    return f"A new, empty workspace was started; the damaged one before it is kept as {kept[0]}." if kept else None
