"""The workspace file opened as a sound SQLite database: how it is opened, created and
locked, and how damage from outside is found; the projects it holds are editor.store.workspace's.

Why apart: keeping the file healthy (identity, header, schema, transactions that check
them) is a job of its own, whatever the rows mean.

Choices:
- Path: the `path` argument, else $KGS_WORKSPACE, else
  ~/.keras-graph-studio/workspace.sqlite3. ":memory:" gives a private, unsaved workspace
  (the editor's fallback when the file cannot be used).
- WAL journal, every write in `BEGIN IMMEDIATE` (the writer lock is taken before the
  latest revision is read, so two saves cannot both pass the conflict check), a busy
  timeout of 5 s, and `synchronous=FULL`: a commit is fsynced before `save` returns, so
  an edit reported as saved survives a power cut, not only a killed process. It costs
  one fsync per edit, milliseconds at human editing speed.
- Damage from outside (truncated, overwritten, replaced; see editor.store.workspace_file) is
  found at open (an empty file, `PRAGMA quick_check`), before every write (the file's
  identity and header, the application id and schema inside) and by `check`; it raises
  `Damaged`, after which the Workspace refuses every call with that one line. A damaged
  file is never deleted or repaired: `set_aside` renames it `<name>.damaged-<time>`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Union

from editor.errors import UserError
from editor.model.problems import one_line
from editor.store import workspace_file

SCHEMA_VERSION = 1
APPLICATION_ID = 0x4B475357  # "KGSW" in the file header: this file is a workspace
BUSY_TIMEOUT_S = 5.0
ENV_VAR = "KGS_WORKSPACE"
MEMORY = ":memory:"

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



def default_path() -> str:
    """$KGS_WORKSPACE, else ~/.keras-graph-studio/workspace.sqlite3."""
    return os.environ.get(ENV_VAR) or str(Path.home() / ".keras-graph-studio" / "workspace.sqlite3")




class WorkspaceDatabase:
    """One workspace file's connection, checked to be still that sound workspace before
    every write. Thread-safe: one connection behind a lock (Streamlit runs each session in
    its own thread); other processes are kept in step by SQLite's locking and the busy
    timeout."""

    def __init__(self, path: Union[str, Path, None] = None):
        self.path = str(path) if path is not None else default_path()
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
                    raise Unavailable(f"cannot create {self._where()}: {one_line(err)}") from None
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
                raise Damaged(self.name, one_line(err)) from None
            raise Unavailable(f"{self._where()} cannot be used: {one_line(err)}") from None
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
            raise self._fail(one_line(err)) from None
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
            return self._fail(one_line(err))
        return WorkspaceError(f"{self._where()}: {one_line(err)}")

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
