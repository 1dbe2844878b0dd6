"""The editor on a slow machine, for the journeys that act while a run is still going: every
run waits 1.5 s before it draws anything (editor.ui.widgets.begin_run is the first thing a
page run and an editor-area run do), so a click made then is sent with the values the page
showed before that run's answer. `streamlit run tests/e2e/slow_app.py`; tests only."""

import time

from editor.ui import app, widgets

PAUSE_S = 1.5
_begin_run = widgets.begin_run


def _slow_begin_run() -> None:
    time.sleep(PAUSE_S)
    _begin_run()


widgets.begin_run = _slow_begin_run
app.main()
