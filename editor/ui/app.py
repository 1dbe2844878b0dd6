"""The editor page: wires the panels together; holds no editing logic itself.

The sidebar (templates, files, the library) is drawn by full page runs only; the editor
area (canvas, inspector, previews) is a fragment, so an edit or a click there reruns and
redraws that area alone (editor.ui.page_scope says what the sidebar may show).

Order matters for start-up: the sidebar and the canvas need no TensorFlow (validation
and the canvas are pure Python), so they are drawn first. On the first run of a fresh
server, TensorFlow is then imported under a spinner that stands in for the previews,
and the page reruns once to put shapes on the canvas. After that, every rerun gets the
preview first (built once per project content, see editor.ui.preview_cache) and draws
everything from it.
"""

from __future__ import annotations

import contextlib
import os
import time

import streamlit as st

from editor.model.problems import one_line
from editor.ui import (canvas_view, inspector, lazy_tabs, library, page_scope, palette, parts, preview_cache, previews,
                       runs, shown_model, sidebar, state, widgets, workspace_session)
from editor.ui.fields import md


def startup_pause_s() -> float:
    """Importing TensorFlow keeps both cores of a small machine busy for seconds. Waiting a
    moment first lets the browser draw the canvas it has just been sent (measured: the canvas
    shows 1 to 1.5 s sooner on a fresh server, and TensorFlow loads about as soon).
    KGS_STARTUP_PAUSE overrides it (read when used: the UI tests set it per test)."""
    return float(os.environ.get("KGS_STARTUP_PAUSE", "1.5"))


# A graph up to this size is built before the canvas is drawn (well under a second), so
# the canvas shows its shapes at once. A bigger one opened in this session for the first
# time is drawn first, then built, then the page reruns once to put the shapes on it (a
# person sees the graph at once, not after seconds of building); its edits after that are
# built first again (editor.building.quick_build: the unchanged nodes are cached).
BUILD_FIRST_NODES = 300
BUILT_HERE = "kgs.app.built_here"  # (project id, graph id) previewed in this session


@contextlib.contextmanager
def guarded(panel: str):
    """A panel that fails shows one line, never a traceback; the rest of the page still draws."""
    try:
        yield
    except Exception as err:  # Streamlit's own rerun/stop signals are BaseExceptions and pass
        st.error(f"The {panel} hit an unexpected error: {md(one_line(err))}")


def main() -> None:
    st.set_page_config(page_title="Keras Graph Studio", page_icon="🧩", layout="wide")
    st.set_option("client.showErrorDetails", "type")  # last line of defence: never a traceback
    st.set_option("client.toolbarMode", "minimal")  # no "Deploy" button in an editor
    widgets.begin_run()
    workspace_session.begin_run()
    runs.shown_here(state.project_id())  # first, so a refreshed tab keeps its run wanted
    with guarded("sidebar"):
        sidebar.show()
    page_scope.sidebar_drawn()
    editor_area()


@st.fragment(key=parts.EDITOR)
def editor_area() -> None:
    """Canvas, inspector and previews: what an edit changes, and all that its run redraws
    (an inspector edit reruns only the parts it changes: editor.ui.page_scope)."""
    parts.begin_editor()
    if page_scope.fragment_run():
        widgets.begin_run()
        page_scope.keep_sidebar_current()
        state.take_notice()
        state.sync_url()  # as a page run does (workspace_session.begin_run)
    with guarded("canvas click"):
        canvas_view.take_click()  # before anything is drawn: this run shows what the click did
    project = state.project()
    graph_id = state.graph_id()
    digest = preview_cache.digest(project)
    preview = preview_cache.cached_preview(digest, graph_id)
    built_here = st.session_state.setdefault(BUILT_HERE, set())
    where = (state.project_id(), graph_id)
    small = len(project.graph(graph_id).nodes) <= BUILD_FIRST_NODES
    if preview is None and preview_cache.keras_ready() and (small or where in built_here):
        with guarded("model build"):
            preview = preview_cache.preview(project, graph_id, digest)
    structural = ()
    if preview is None:
        from editor.model.validate import check_project

        structural = tuple(check_project(project))
    shown_model.keep(shown_model.Shown(project, graph_id, digest, preview, structural))

    left, right = st.columns([3, 2], gap="medium")
    below = st.container()
    with left:
        _undo_row_part()
        with guarded("toolbar"):
            canvas_view.show_toolbar()
        _canvas_part()
        with guarded("canvas"):
            canvas_view.show_controls(preview)

    drew_without_build = preview is None
    if not preview_cache.keras_ready():
        with below:
            with st.spinner("Loading TensorFlow… the summary, diagram and inspector appear when it is ready."):
                time.sleep(startup_pause_s())
                preview_cache.load_keras()
    if preview is None:
        with guarded("model build"):
            preview = preview_cache.preview(project, graph_id, digest)
        shown_model.keep(shown_model.Shown(project, graph_id, digest, preview, structural))

    with right:
        _bar_part()  # here, not above the canvas: its foot stays on a 1000-px screen
        _side_part()
    with below:
        _previews_part()

    if preview is not None:
        built_here.add(where)
    if drew_without_build and preview is not None:
        state.keep_notice()  # the start-up rerun must not wipe a notice the person has not read
        page_scope.rerun()  # once, after start-up: put the shapes and build problems on the canvas
    page_scope.keep_sidebar_current()
    _seen_part()


# The parts of the editor area that an inspector edit reruns alone (editor.ui.page_scope).


@page_scope.part("undo_row")
def _undo_row_part() -> None:
    with guarded("toolbar"):
        canvas_view.show_undo_row()


@page_scope.part("canvas")
def _canvas_part() -> None:
    shown = shown_model.current()
    with guarded("canvas"):
        canvas_view.show(shown.preview, shown.structural)


@page_scope.part("bar")
def _bar_part() -> None:
    with guarded("project bar"):
        library.show_project_bar()


@page_scope.part("side")
def _side_part() -> None:
    """The node finder and the Inspector / Add nodes tabs (a tab switched reruns this alone)."""
    with guarded("node picker"):
        canvas_view.show_picker()
    inspector_tab, palette_tab = lazy_tabs.tabs(["Inspector", "Add nodes"], "side.tab", {1: palette.KEPT})
    if inspector_tab.open is not False:
        with inspector_tab, guarded("inspector"):
            inspector.show(shown_model.current().preview)
    if palette_tab.open is not False:
        with palette_tab, guarded("palette"):
            palette.show()


@page_scope.part(parts.SEEN)
def _seen_part() -> None:
    widgets.end_run()


@page_scope.part("previews")
def _previews_part() -> None:
    shown = shown_model.current()
    with guarded("previews"):
        previews.show(shown.project, shown.preview, shown.structural, shown.digest)
