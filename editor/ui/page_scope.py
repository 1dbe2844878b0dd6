"""Which part of the page a run redraws: the whole page, or only the editor area.

The editor area (canvas, inspector, previews) is an `st.fragment`: an edit or a click in
it reruns only that area, and the browser does not draw the sidebar again (about 40 of the
195 elements an mlp edit sent; the browser's cost is per element drawn). So the sidebar shows
nothing that an edit changes (the save status, the revisions and the download are in the
editor area), and what it does show is summed up by `sidebar_facts`: a fragment run that
finds them changed (another project opened by a conflict's button, a run started, the
workspace fallen back to memory) reruns the whole page, so the sidebar is never stale.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from editor.ui import runs, state

DRAWN = "kgs.page_scope.sidebar_facts"  # what the sidebar showed when it was last drawn


def fragment_run() -> bool:
    """True in a run of the editor area alone (not the whole page)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


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
