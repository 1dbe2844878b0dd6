"""The editor on a slow machine, for the journeys that act while a run is still going: every
run waits 1.5 s before it draws anything (editor.ui.widgets.begin_run is the first thing a
page run and an editor-area run do; a run of parts alone, editor.ui.parts, waits in its
canvas, the first part a click reruns), so a click made then is sent with the values the
page showed before that run's answer. `streamlit run tests/e2e/slow_app.py`; tests only."""

import time

from editor.ui import app, canvas_view, parts, widgets

PAUSE_S = 1.5
_begin_run = widgets.begin_run
_show_canvas = canvas_view.show


def _slow_begin_run() -> None:
    time.sleep(PAUSE_S)
    _begin_run()


def _slow_show_canvas(*args, **kwargs) -> None:
    if parts.alone():
        time.sleep(PAUSE_S)
    _show_canvas(*args, **kwargs)


widgets.begin_run = _slow_begin_run
canvas_view.show = _slow_show_canvas
app.main()
