"""The workspace file on disk: is it still the file we opened, is it still a database,
and what to do with it when it is not.

Why this exists: SQLite keeps recent commits in the write-ahead log (`<name>-wal`), so a
workspace file truncated, overwritten or replaced under a running editor can go on
"saving" without an error while the projects on disk are gone. The only reliable signs
are the file's identity (device, inode) and its header as it is in the file itself (a
database at all, with the workspace's application id), read past the -wal.

A damaged file is never deleted or repaired in place: `set_aside` renames it (with its
-wal and -shm, which may hold the latest commits) to `<name>.damaged-<time>`, where a
person or an SQLite tool can still read what is left. A new file is made whole before it
gets its name (`create_new`), so an empty file at the workspace's path is never one being
created: it is one that was truncated.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import quote

from editor.model.problems import one_line

SIDE_FILES = ("-wal", "-shm")  # SQLite's companions of a database in WAL mode
DAMAGED_INFIX = ".damaged-"
_CORRUPT, _NOTADB = 11, 26  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)

Identity = tuple[int, int]


def identity(path: str) -> Optional[Identity]:
    """(device, inode) of the file at `path`, None if there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def is_empty_file(path: str) -> bool:
    try:
        return os.path.isfile(path) and os.path.getsize(path) == 0
    except OSError:
        return False


def is_damage(err: sqlite3.Error) -> bool:
    """SQLite's own word that the file is not (or no longer) a sound database."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_CORRUPT, _NOTADB)
    text = str(err)
    return "malformed" in text or "not a database" in text


def header_problem(path: str, expected: Optional[Identity], app_id: Optional[int]) -> Optional[str]:
    """Why the file at `path` is no longer the workspace file opened as `expected`, in a
    few words; None while it still is. `app_id`: the application id its header must carry
    (None where the header is not known to carry it yet)."""
    try:
        found = os.stat(path)
    except OSError:
        return "it was removed while in use"
    if expected is not None and (found.st_dev, found.st_ino) != expected:
        return "it was replaced while in use"
    if found.st_size == 0:
        return "it is empty (it was truncated)"
    try:
        on_disk = _disk_app_id(path)
    except sqlite3.Error as err:
        if is_damage(err):
            return "it is not an SQLite file any more (overwritten or truncated)"
        return f"it cannot be read ({one_line(err)})"
    if app_id is not None and on_disk != app_id:
        return "it holds another database now (overwritten)"
    return None


def header_app_id(path: str) -> Optional[int]:
    """The application id in the file's header as it is on disk now (None if unreadable)."""
    try:
        return _disk_app_id(path)
    except sqlite3.Error:
        return None


def _disk_app_id(path: str) -> int:
    """The application id in the file itself, not in its -wal: read by SQLite with
    `immutable=1`, which ignores the -wal and takes no lock.

    Not with open() and read(): closing any descriptor of a file drops every POSIX lock
    this process holds on it, SQLite's included (sqlite.org/howtocorrupt.html, 2.2); a
    second server then takes itself for the last user of the file and deletes the -wal
    that the first one is still writing to. SQLite's own descriptors are kept open
    while the process holds locks on the file."""
    uri = f"file:{quote(path)}?mode=ro&immutable=1"
    db = sqlite3.connect(uri, uri=True)
    try:
        return db.execute("PRAGMA application_id").fetchone()[0]
    finally:
        db.close()


def set_aside(path: str, expected: Optional[Identity] = None) -> Optional[str]:
    """Rename the damaged file at `path` (and its -wal, -shm) to `<name>.damaged-<time>`;
    returns the new file name. With `expected`, only that very file is moved: if another
    file took its place (a new workspace another process made), nothing is moved and the
    answer is None. Raises OSError when the file cannot be renamed."""
    found = identity(path)
    if found is None or (expected is not None and found != expected):
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = f"{path}{DAMAGED_INFIX}{stamp}"
    count = 1
    while any(os.path.lexists(kept + side) for side in ("", *SIDE_FILES)):
        count += 1
        kept = f"{path}{DAMAGED_INFIX}{stamp}-{count}"
    os.rename(path, kept)
    for side in SIDE_FILES:
        try:
            os.rename(path + side, kept + side)
        except FileNotFoundError:
            pass
    return Path(kept).name


def kept_files(path: str) -> list[str]:
    """Names of the damaged files set aside next to `path`, newest first."""
    folder, name = Path(path).parent, Path(path).name
    try:
        found = [p for p in folder.glob(f"{name}{DAMAGED_INFIX}*") if not p.name.endswith(SIDE_FILES)]
    except OSError:
        return []
    return [p.name for p in sorted(found, key=lambda p: p.name, reverse=True)]


def create_new(path: str, build: Callable[[sqlite3.Connection], None]) -> bool:
    """Make a new database at `path` that `build` fills, complete before it gets its name
    (built under a temporary name, then hard-linked: a file that is already there, made
    by another process meanwhile, is kept). Returns True if this call made the file."""
    temp = str(Path(path).with_name(f".{Path(path).name}.new-{secrets.token_hex(4)}"))
    try:
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            build(db)
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode = WAL")  # written into the header, read by every opener
        finally:
            db.close()
        try:
            os.link(temp, path)
            return True
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: rename, unless one is there now
            if os.path.lexists(path):
                return False
            os.rename(temp, path)
            return True
    finally:
        for leftover in (temp, temp + "-journal", *(temp + side for side in SIDE_FILES)):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass
