"""The workspace: every project a person has made, with its revisions, in one SQLite file.

Why SQLite: one file, in the standard library, safe against a killed process and against
several tabs or servers writing at once (its own locking), and readable with any SQLite
tool. A revision stores the project file text exactly as `editor.files.project_files.dumps` writes
it, so opening a revision reuses the project-file checks (`editor.files.project_files.loads`) and a
revision can be copied out as a project file as is.

Choices (the file itself, its locking and its damage checks: editor.store.workspace_db):
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
- A damaged file (editor.store.workspace_db) is never deleted or repaired. At start-up
  `open_workspace` sets it aside and starts a new, empty workspace, saying so; while the
  editor runs, it moves its tabs to memory instead (editor.ui.state), since other tabs and
  servers may still hold the old file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from editor.files import project_files
from editor.model.graph import Project
from editor.store import workspace_file
from editor.store.workspace_db import (  # noqa: F401 - callers import these from here too
    APPLICATION_ID, BUSY_TIMEOUT_S, ENV_VAR, MEMORY, SCHEMA_VERSION, Damaged, Unavailable, WorkspaceDatabase,
    WorkspaceError, default_path,
)

KEEP_REVISIONS = 200
KEEP_DRAFTS = 20  # per project: drafts of tabs that were closed without choosing
TITLE_MAX = 200  # as editor.model.graph.Project.title
_ID = re.compile(r"[0-9a-f]{16}")


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



class Workspace(WorkspaceDatabase):
    """The projects of one workspace file, with their revisions and drafts. Thread-safe,
    as its WorkspaceDatabase."""

    def __init__(self, path: Union[str, Path, None] = None, keep: int = KEEP_REVISIONS):
        self.keep = max(1, int(keep))
        super().__init__(path)

    def __enter__(self) -> "Workspace":
        return self


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
