"""The Workspace the sessions of one server process share, one per file, and what takes
its place when that file is found damaged while the server runs.

Why shared: the Workspace is thread-safe and each Streamlit session runs in its own
thread; one connection per file keeps every tab of the process in step. Why memory after
damage, not a new file: other tabs and other servers may still hold the old file, and one
in-memory workspace for the whole process lets every tab carry its project over under its
own id (Workspace.adopt), so a reload still finds it. The next start of the editor begins
a new file and says so (editor.store.workspace.open_workspace).
"""

from __future__ import annotations

import threading
from typing import Optional

from editor.store.workspace import MEMORY, Workspace, WorkspaceError, default_path, open_workspace

_OPEN: dict[str, tuple[Workspace, Optional[str]]] = {}  # path -> (workspace, the line its sessions show)
_LOCK = threading.Lock()


def _line(text: str) -> str:
    return " ".join(str(text).split())


def memory_only(err: object) -> str:
    """The line of a tab that keeps its projects in a private in-memory workspace."""
    return _line(f"Projects are kept in this tab only (download to keep them): {err}")


def shared() -> tuple[Workspace, Optional[str]]:
    """The workspace file's Workspace for this process and the line to show with it (a
    damaged file set aside), or a private in-memory one and the line that says why."""
    path = default_path()
    with _LOCK:
        if path not in _OPEN:
            try:
                _OPEN[path] = open_workspace(path)
            except WorkspaceError as err:
                return Workspace(MEMORY), memory_only(err)
        return _OPEN[path]


def after_damage(broken: Workspace) -> tuple[Workspace, str]:
    """What replaces `broken`, whose file was found damaged, for every session of this
    process: one in-memory workspace and one line naming the file set aside. The file is
    set aside once, by the first session that finds the damage."""
    with _LOCK:
        path = next((p for p, (ws, _) in _OPEN.items() if ws is broken), None)
        if path is None:  # replaced already by another session, or a workspace of one tab only
            return _OPEN.get(default_path()) or (Workspace(MEMORY), memory_only(broken.damaged))
        try:
            kept = broken.set_aside()
            where = f"it is kept as {kept}" if kept else "the file now there was left as it is"
        except WorkspaceError as err:
            where = str(err)
        _OPEN[path] = (Workspace(MEMORY), _line(f"{broken.damaged}; {where}. Until the editor restarts, projects "
                                                 "are kept in memory only (download to keep them)."))
        return _OPEN[path]
