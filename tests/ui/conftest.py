"""AppTest runs app.py in this process; the first test pays for importing TensorFlow.

Every test gets its own empty workspace database, so tests never share projects (and
never touch the real one in the home directory).
"""
import pytest


@pytest.fixture(autouse=True)
def no_startup_pause(monkeypatch):
    """The app waits a moment before importing TensorFlow so that a browser draws the canvas
    first (editor.ui.app); AppTest has no browser. Set per test, not at import: the journeys'
    servers, started by the same pytest process, keep the pause a person's server has."""
    monkeypatch.setenv("KGS_STARTUP_PAUSE", "0")


@pytest.fixture(autouse=True)
def eager_tabs(monkeypatch):
    """AppTest cannot click a tab: every panel is drawn (editor.ui.lazy_tabs). Set per test,
    not at import: the journeys' servers, started by the same pytest process, must not inherit it."""
    monkeypatch.setenv("KGS_EAGER_TABS", "1")


@pytest.fixture(autouse=True)
def whole_editor(monkeypatch):
    """AppTest builds its page from one run's output alone: an edit reruns the whole editor
    area, not only the parts it changes (editor.ui.page_scope.redraw_after_edit; the
    journeys check that path in Chromium)."""
    monkeypatch.setenv("KGS_WHOLE_EDITOR", "1")


@pytest.fixture(autouse=True)
def workspace_file(tmp_path, monkeypatch):
    path = tmp_path / "workspace.sqlite3"
    monkeypatch.setenv("KGS_WORKSPACE", str(path))
    return path
