"""Which part of the page a run redraws: the whole page, or only the editor area.

The editor area (canvas, inspector, previews) is an `st.fragment`: an edit or a click in
it reruns only that area, and the browser does not draw the sidebar again (about 40 of the
195 elements an mlp edit sent; the browser's cost is per element drawn). So the sidebar shows
nothing that an edit changes (the save status, the revisions and the download are in the
editor area), and what it does show is summed up by `sidebar_facts`: a fragment run that
finds them changed (another project opened by a conflict's button, a run started, the
workspace fallen back to memory) reruns the whole page, so the sidebar is never stale.

Inside the editor area, the parts that an inspector edit or a click changes are nested keyed
fragments (`part`): the toolbar's first row (undo, redo: their state and labels), the canvas,
the project bar (revision, download), the side column (node finder, inspector, palette), the
inspector's heading inside it, and the previews. After an edit of an inspector field,
`redraw_after_edit` reruns those alone, not the form the person is typing in (mlp: 47 of 89
websocket frames an edit sent were that form and what surrounds it); after a click that
selects, `redraw_after_click` reruns the canvas and the side column.
Anything else reruns the whole editor area: every callback of a widget inside a part
(`widen`, called by state.callback), and an edit whose effect reaches further (a notice, the
sidebar, the form itself, the cost or comparison overlays).
"""

from __future__ import annotations

import functools
import os
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from editor.ui import runs, state, widgets

DRAWN = "kgs.page_scope.sidebar_facts"  # what the sidebar showed when it was last drawn
EDITOR = "editor"  # the editor area's fragment key
EDITOR_ID = "kgs.page_scope.editor_id"  # its fragment id
PART_IDS = "kgs.page_scope.part_ids"  # fragment id -> key, of every part drawn so far
PARTS_DRAWN = "kgs.page_scope.parts_drawn"  # keys of the parts the last editor run drew
# What an inspector edit can change outside the form, in the order a person looks: the
# node's heading (shape, problems), the summary, the canvas, undo / redo, saved revision.
EDIT_PARTS = ("head", "previews", "canvas", "undo_row", "bar")
CLICK_PARTS = ("canvas", "side")  # what a click that selects changes: the highlight, the finder, the inspector
SEEN_PART = "seen"  # last in every run: the run's number, for the echo guard (widgets.end_run)


def fragment_run() -> bool:
    """True in a run of the editor area, or of some of its parts, alone (not the whole page)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def begin_editor() -> None:
    """First thing of an editor-area run: remember its fragment id; no part is drawn yet."""
    st.session_state[EDITOR_ID] = _fragment_id()
    st.session_state[PARTS_DRAWN] = set()


def part(key: str) -> Callable:
    """Decorator: a part of the editor area, a nested fragment that `redraw_after_edit` can
    rerun alone. It takes no arguments (a rerun of it alone has none to give): it reads what
    it shows from the session. A widget inside it reruns the whole editor area when its
    callback returns (`widen`); one without a callback (a tab, a choice of what the part
    shows) reruns the part alone."""

    def decorate(fn: Callable[[], None]) -> Callable[[], None]:
        @functools.wraps(fn)
        def body() -> None:
            ss = st.session_state
            ss.setdefault(PART_IDS, {})[_fragment_id()] = key
            if not alone():
                ss.setdefault(PARTS_DRAWN, set()).add(key)
            fn()
            if alone():
                keep_sidebar_current()

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
    if (thread.in_fragment_callback and thread.fragment_id in st.session_state.get(PART_IDS, {})
            and not _whole_runs()):
        st.rerun(EDITOR)


def redraw_after_edit() -> None:
    """In an inspector field's callback, after an edit that changes nothing else the editor
    area draws outside its parts: rerun the parts alone, not the form being typed in. The
    caller checks its own field (it shows what the project now holds); `_only` the rest,
    and here no comparison overlay (its list of changes is drawn outside the parts)."""
    from editor.ui import compare_view

    if not st.session_state.get(compare_view.KEY):
        _only(EDIT_PARTS)


def redraw_after_click() -> None:
    """In the canvas's callback, after a click that only selected another node: rerun the
    canvas and the side column (node finder, inspector), not the toolbar, the previews or
    the project bar, which a selection does not change."""
    _only(CLICK_PARTS)


def _only(parts: tuple) -> None:
    """Rerun `parts` alone, if nothing outside them needs drawing again: no notice to show,
    the sidebar current, the project saved cleanly (the toolbar's conflict line, the address
    naming a draft), no cost overlay (its table, drawn outside the parts, follows every edit
    and the selection), and every part drawn by the last editor run. Else the callback
    returns and the whole area reruns."""
    from editor.ui import cost_view

    if _whole_runs():
        return
    ss = st.session_state
    if (ss.get(state.NOTICE) is not None or ss.get(DRAWN) != sidebar_facts() or cost_view.mode() != "none"
            or not {*parts, SEEN_PART} <= ss.get(PARTS_DRAWN, set())
            or state.conflict() is not None or state.save_problem() is not None or ss.get(state.DRAFT)):
        return
    # The run counts for the echo guard (editor.ui.widgets.bind) as any other: the node finder
    # it sets must not be set back by a request the browser sends before it has the answer.
    widgets.begin_run()
    st.rerun([*parts, SEEN_PART])


def _whole_runs() -> bool:
    """KGS_WHOLE_EDITOR=1 (the UI tests): no rerun is aimed at parts or at the editor area.
    AppTest builds its page from the output of one run alone, so what such a run leaves out
    (the form, the sidebar) would vanish from it; a widget's own rerun is a whole page there."""
    return os.environ.get("KGS_WHOLE_EDITOR") == "1"


def _fragment_id():
    try:
        return ThreadState.get().fragment_id
    except RuntimeError:  # no script thread (a plain test)
        return None


def rerun() -> None:
    """Run again what this run draws: the editor area in its own runs, else the page."""
    st.rerun(scope="fragment" if fragment_run() else "app")


def sidebar_facts() -> tuple:
    """Everything the sidebar shows that an action in the editor area can change."""
    project = state.project()
    return (state.project_id(), project.title, state.source(), st.session_state.get(state.TEMPLATE),
            state.workspace().path, state.workspace_problem(), frozenset(runs.training_now()))


def sidebar_drawn() -> None:
    """Call after drawing the sidebar: remember what it showed."""
    st.session_state[DRAWN] = sidebar_facts()


def keep_sidebar_current() -> None:
    """In a run of the editor area alone: rerun the whole page if the sidebar is out of date."""
    if fragment_run() and st.session_state.get(DRAWN) != sidebar_facts():
        st.rerun(scope="app")
