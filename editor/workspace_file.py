"""The workspace file on disk: is it still the file we opened, is it still a database,
and what to do with it when it is not.

Why this exists: SQLite keeps recent commits in the write-ahead log (`<name>-wal`), so a
workspace file truncated, overwritten or replaced under a running editor can go on
"saving" without an error while the projects on disk are gone. The only reliable signs
are outside SQLite: the file's identity (device, inode) and its 100-byte header (the
magic string, and the application id at offset 68, see sqlite.org/fileformat.html).

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

MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
APP_ID_OFFSET = 68
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
    found = identity(path)
    if found is None:
        return "it was removed while in use"
    if expected is not None and found != expected:
        return "it was replaced while in use"
    try:
        with open(path, "rb") as file:
            header = file.read(HEADER_BYTES)
    except OSError as err:
        return f"it cannot be read ({err.strerror or err})"
    if not header:
        return "it is empty (it was truncated)"
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        return "it is not an SQLite file any more (overwritten or truncated)"
    if app_id is not None and int.from_bytes(header[APP_ID_OFFSET:APP_ID_OFFSET + 4], "big") != app_id:
        return "it holds another database now (overwritten)"
    return None


def header_app_id(path: str) -> Optional[int]:
    """The application id in the file's header as it is on disk now (None if unreadable)."""
    try:
        with open(path, "rb") as file:
            header = file.read(HEADER_BYTES)
    except OSError:
        return None
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        return None
    return int.from_bytes(header[APP_ID_OFFSET:APP_ID_OFFSET + 4], "big")


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
