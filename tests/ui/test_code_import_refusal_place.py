"""Issue 22 item 7: a refused code import is said in the import panel (the sidebar), where
the code was pasted or uploaded, not above the canvas out of view."""

from tests.ui.helpers import open_app, project, run, shown
from tests.ui.test_code_import_panel import FUNCTIONAL, _paste, _uploader


def _sidebar_errors(at):
    return [shown(e.value) for e in at.sidebar.error]


def _main_errors(at):
    return [shown(e.value) for e in at.main.error]


def test_a_refused_paste_is_said_in_the_panel():
    at = open_app("mlp")
    before = project(at)
    _paste(at, "log = open('/tmp/kgs-never-written', 'w')\n" + FUNCTIONAL)
    assert _sidebar_errors(at) == ["code import refused: line 1: open() is not model-building code"]
    assert _main_errors(at) == []
    assert project(at) == before


def test_a_refused_upload_is_said_in_the_panel_and_goes_with_the_next_action():
    at = open_app("mlp")
    _uploader(at).set_value(("latin.py", "# café\n".encode("latin-1") + FUNCTIONAL.encode(), "text/x-python"))
    run(at)
    assert _sidebar_errors(at) == ["code import refused: latin.py is not UTF-8 text (save it as UTF-8 and upload it again)"]
    assert _main_errors(at) == []
    _paste(at, FUNCTIONAL)
    assert _sidebar_errors(at) == [] and project(at).title == "small"
