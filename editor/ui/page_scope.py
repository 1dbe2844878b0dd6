"""Which part of the page a run redraws: the whole page, or only the editor area.

The editor area (canvas, inspector, previews) is an `st.fragment`: an edit or a click in
it reruns only that area, and the browser does not draw the sidebar again (about 40 of the
195 elements an mlp edit sent; the browser's cost is per element drawn). So the sidebar shows
nothing that an edit changes (the save status, the revisions and the download are in the
editor area), and what it does show is summed up by `sidebar_facts`: a fragment run that
finds them changed (another project opened by a conflict's button, a run started, the
workspace fallen back to memory) reruns the whole page, so the sidebar is never stale.

Inside the editor area, the parts that an inspector edit or a click changes are nested keyed
fragments (`part`, editor.ui.parts): the toolbar's first row (undo, redo: their state and
labels; redrawn only when they change), the canvas, the project bar (revision, download), the
"Compare with" list, the side column (node finder, inspector, palette), the inspector's
heading inside it, and the previews. After an edit of an inspector field,
`redraw_after_edit` reruns those alone, not the form the person is typing in (mlp: 47 of 89
websocket frames an edit sent were that form and what surrounds it); after a click that
selects, `redraw_after_click` reruns the canvas and the side column.
Anything else reruns the whole editor area: every callback of a widget inside a part
(`parts.widen`, called by state.callback), and an edit whose effect reaches further (a notice, the
sidebar, the form itself, the cost or comparison overlays).
"""

from __future__ import annotations

from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from editor.ui import parts, runs, state, widgets

DRAWN = "kgs.page_scope.sidebar_facts"  # what the sidebar showed when it was last drawn
UNDO_FACE = "kgs.page_scope.undo_face"  # what the undo row showed when it was last drawn


def fragment_run() -> bool:
    """True in a run of the editor area, or of some of its parts, alone (not the whole page)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def part(key: str) -> Callable:
    """A part of the editor area (editor.ui.parts); run alone, it redraws the whole page if
    the sidebar is out of date (a run started in the Train tab)."""
    return parts.part(key, after_alone=keep_sidebar_current)


def redraw_after_edit() -> None:
    """In an inspector field's callback, after an edit that changes nothing else the editor
    area draws outside its parts: rerun the parts alone, not the form being typed in. The
    caller checks its own field (it shows what the project now holds); `_only` the rest,
    and here no comparison overlay (its list of changes is drawn outside the parts)."""
    from editor.ui import compare_view

    if not st.session_state.get(compare_view.KEY):
        same_undo = st.session_state.get(UNDO_FACE) == undo_face()  # the same field edited again
        _only(tuple(k for k in parts.EDIT if not (same_undo and k == "undo_row")))


def redraw_after_click() -> None:
    """In the canvas's callback, after a click that only selected another node: rerun the
    canvas and the side column (node finder, inspector), not the toolbar, the previews or
    the project bar, which a selection does not change."""
    _only(parts.CLICK)


def _only(keys: tuple) -> None:
    """Rerun the parts `keys` alone, if nothing outside them needs drawing again: no notice to show,
    the sidebar current, the project saved cleanly (the toolbar's conflict line, the address
    naming a draft), no cost overlay (its table, drawn outside the parts, follows every edit
    and the selection), and every part drawn by the last editor run. Else the callback
    returns and the whole area reruns."""
    from editor.ui import cost_view

    if parts.whole_runs():
        return
    ss = st.session_state
    if (ss.get(state.NOTICE) is not None or ss.get(DRAWN) != sidebar_facts() or cost_view.mode() != "none"
            or not {*keys, parts.SEEN} <= ss.get(parts.DRAWN, set())
            or state.conflict() is not None or state.save_problem() is not None or ss.get(state.DRAFT)):
        return
    # The run counts for the echo guard (editor.ui.widgets.bind) as any other: the node finder
    # it sets must not be set back by a request the browser sends before it has the answer.
    widgets.begin_run()
    st.rerun([*keys, parts.SEEN])


def rerun() -> None:
    """Run again what this run draws: the editor area in its own runs, else the page."""
    st.rerun(scope="fragment" if fragment_run() else "app")


def sidebar_facts() -> tuple:
    """Everything the sidebar shows that an action in the editor area can change."""
    project = state.project()
    return (state.project_id(), project.title, state.source(), st.session_state.get(state.TEMPLATE),
            state.workspace().path, state.workspace_problem(), frozenset(runs.training_now()))


def undo_face() -> tuple:
    """Everything the undo row shows that an edit can change (its buttons take no arguments:
    they act on the history as it is when clicked)."""
    history = state.history()
    return history.undo_label, history.redo_label, history.can_undo, history.can_redo


def undo_row_drawn() -> None:
    """Call after drawing the undo row: an edit that leaves it the same does not redraw it
    (8 of an mlp edit's 46 websocket frames)."""
    st.session_state[UNDO_FACE] = undo_face()


def sidebar_drawn() -> None:
    """Call after drawing the sidebar: remember what it showed."""
    st.session_state[DRAWN] = sidebar_facts()


def keep_sidebar_current() -> None:
    """In a run of the editor area alone: rerun the whole page if the sidebar is out of date."""
    if fragment_run() and st.session_state.get(DRAWN) != sidebar_facts():
        st.rerun(scope="app")
