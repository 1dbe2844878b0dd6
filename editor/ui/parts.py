"""The parts of the editor area: nested keyed fragments that one callback can rerun alone
(issue 25: an inspector edit redraws the heading, previews, canvas, undo row and project bar,
not the form being typed in; a click that selects redraws the canvas and the side column).

Which run is which, and the rerun a widget inside a part asks for. No editor module is
imported here: `state.callback` calls `widen`, and editor.ui.page_scope decides when a
callback may aim at parts (`page_scope.redraw_after_edit` / `redraw_after_click`).
"""

from __future__ import annotations

import functools
import os
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

EDITOR = "editor"  # the editor area's fragment key
EDITOR_ID = "kgs.parts.editor_id"  # its fragment id
PART_IDS = "kgs.parts.ids"  # fragment id -> key, of every part drawn so far
DRAWN = "kgs.parts.drawn"  # keys of the parts the last editor run drew
# What an inspector edit can change outside the form, in the order a person looks: the
# node's heading (shape, problems), the summary, the canvas, undo / redo, saved revision,
# and the "Compare with" list (the revision before this one joins it).
EDIT = ("head", "previews", "canvas", "undo_row", "bar", "compare")
CLICK = ("canvas", "side")  # what a click that selects changes: the highlight, the finder, the inspector
SEEN = "seen"  # last in every run: the run's number, for the echo guard (widgets.end_run)


def begin_editor() -> None:
    """First thing of an editor-area run: remember its fragment id; no part is drawn yet."""
    st.session_state[EDITOR_ID] = fragment_id()
    st.session_state[DRAWN] = set()


def part(key: str, after_alone: Callable[[], None] = lambda: None) -> Callable:
    """Decorator: a part of the editor area. It takes no arguments (a rerun of it alone has
    none to give): it reads what it shows from the session. A widget inside it reruns the
    whole editor area when its callback returns (`widen`); one without a callback (a tab, a
    choice of what the part shows) reruns the part alone, and `after_alone` then runs last."""

    def decorate(fn: Callable[[], None]) -> Callable[[], None]:
        @functools.wraps(fn)
        def body() -> None:
            ss = st.session_state
            ss.setdefault(PART_IDS, {})[fragment_id()] = key
            if not alone():
                ss.setdefault(DRAWN, set()).add(key)
            fn()
            if alone():
                after_alone()

        return st.fragment(body, key=key)

    return decorate


def alone() -> bool:
    """True in a run of parts without the editor area around them."""
    ctx = get_script_run_ctx()
    ids = ctx.fragment_ids_this_run if ctx is not None else None
    return bool(ids) and st.session_state.get(EDITOR_ID) not in ids


def widen() -> None:
    """In a callback of a widget inside a part: rerun the whole editor area, not the part
    alone (a button there can change anything: a selection, a restored revision...)."""
    try:
        thread = ThreadState.get()
    except RuntimeError:  # no script thread (a plain test)
        return
    if thread.in_fragment_callback and thread.fragment_id in st.session_state.get(PART_IDS, {}) and not whole_runs():
        st.rerun(EDITOR)


def whole_runs() -> bool:
    """KGS_WHOLE_EDITOR=1 (the UI tests): no rerun is aimed at parts or at the editor area.
    AppTest builds its page from the output of one run alone, so what such a run leaves out
    (the form, the sidebar) would vanish from it; a widget's own rerun is a whole page there."""
    return os.environ.get("KGS_WHOLE_EDITOR") == "1"


def fragment_id():
    try:
        return ThreadState.get().fragment_id
    except RuntimeError:  # no script thread (a plain test)
        return None
