"""One training run per project, kept for the server's sessions (a UI concept).

A run belongs to its project (the workspace project id): another project's Train tab
never shows it, a refreshed tab finds it again, and two tabs of one project share it.
It goes on while any session of the server is connected, whichever project its tab
shows (a person who opens another project expects the run to go on); when none has been
for training.GRACE_S seconds (every tab of the editor closed, the browser gone) it stops
by itself. A finished run stays while a tab shows its project; the next start forgets the
others (and their models). Streamlit does not garbage-collect dropped sessions promptly,
so this asks Streamlit's runtime which sessions are still connected rather than waiting
on a finalizer.
"""

from __future__ import annotations

import threading
from typing import Callable, Hashable, Optional

from editor.model.run_settings import Settings
from editor.train.run_model import TrainingError
from editor.train.training import TrainingRun
from editor.model.graph import Project


class RunBusy(TrainingError):
    """The owner already has a run going."""


_RUNS: dict[Hashable, TrainingRun] = {}
_RUNS_LOCK = threading.Lock()
_SHOWN: dict[str, str] = {}  # Streamlit session id -> the project id its page showed last


def start_run(owner: Hashable, project: Project, settings: Settings = Settings(), **kwargs) -> TrainingRun:
    """Start a run for `owner`; refuses (RunBusy) while the owner's last run is going."""
    with _RUNS_LOCK:
        current = _RUNS.get(owner)
        if current is not None and current.started and not current.done:
            raise RunBusy("a training run is already going; stop it first")
        _forget_unwanted()
        run = TrainingRun(project, settings, **kwargs)
        _RUNS[owner] = run
        run.start()
    return run


def _forget_unwanted() -> None:
    """Drop finished runs whose project no connected session shows (their models with
    them), so a long-lived server keeps only the runs of projects someone has open."""
    for key, run in list(_RUNS.items()):
        if run.done and run.still_wanted is not None:
            try:
                wanted = _shown_anywhere(key)
            except Exception:  # noqa: BLE001 - keep what cannot be asked about
                wanted = True
            if not wanted:
                del _RUNS[key]


def current_run(owner: Hashable) -> Optional[TrainingRun]:
    """The owner's last run (going or done), or None."""
    return _RUNS.get(owner)


def training_now() -> set:
    """The owners (project ids) whose run is going: the library marks them."""
    return {owner for owner, run in list(_RUNS.items()) if run.started and not run.done}


def forget_run(owner: Hashable) -> None:
    """Drop the owner's run (stopping it if it is going), e.g. when a session ends."""
    with _RUNS_LOCK:
        run = _RUNS.pop(owner, None)
    if run is not None and not run.done:
        run.stop()


def _session_id() -> Optional[str]:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def shown_here(project_id: str) -> None:
    """Note that this browser session shows `project_id` (what keeps its run wanted)."""
    session_id = _session_id()
    if session_id is not None:
        _SHOWN[session_id] = project_id


def _connected() -> dict[str, str]:
    """Session id -> project id of every session still connected (the others are dropped)."""
    from streamlit import runtime

    if not runtime.exists():
        return dict(_SHOWN)
    server = runtime.get_instance()
    for session_id in list(_SHOWN):
        if not server.is_active_session(session_id):
            _SHOWN.pop(session_id, None)
    return dict(_SHOWN)


def _shown_anywhere(project_id: Hashable) -> bool:
    return project_id in _connected().values()


def still_wanted() -> Optional[Callable[[], bool]]:
    """For start_run: True while any session of the server is connected, whichever project
    it shows (None where there is no Streamlit runtime to ask, as under AppTest: no watchdog)."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    return lambda: bool(_connected())
