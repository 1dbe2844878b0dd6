"""The canvas panel: toolbar (undo, redo, graph switcher, click mode, node picker) and the
streamlit-agraph canvas. Clicks go through editor.canvas.clicks.handle_event (pure), at the
start of the run the click causes (`take_click`), so that one script run shows its result."""

from __future__ import annotations

import json
from typing import Optional

import streamlit as st

from editor.canvas import clicks, drawing, frame_identity, framing, looks
from editor.ui import block_panel, compare_view, cost_view, library, page_scope, run_memo, state, widgets
from editor.ui.preview_cache import Preview
from editor.ui.fields import md

REPLACED = "canvas.replaced"  # (notice, project it made) of the last click edit that replaced an input
DRAWN = "canvas.drawn"  # (project id, graph id, frame number, component key) of the frame drawn last
VIEWS = (*framing.VIEWS, 1200, 2000, 3000)  # a number: the whole graph on a canvas that tall

_LEGEND = (
    ("input", "input"), ("layer", "layer"), ("merge", "merge"), ("output", "output"),
    ("loss", "loss node"), ("model", "nested model"),
)


def _draw(data_json: str, config_json: str, geometry: str, frame: int) -> None:
    """Draw the canvas. What streamlit_agraph.agraph does, with a key: the component
    underneath takes one, and editor.canvas.frame_identity makes it keep its frame when only
    what the nodes say has changed (an edit or a click then costs the browser far less). Its
    value, the last node clicked in the frame, is read by the next run (`take_click`)."""
    from streamlit_agraph import _agraph

    key = frame_identity.frame_key(geometry, frame)
    st.session_state[DRAWN] = (state.project_id(), state.graph_id(), frame, key)
    _agraph(data=data_json, config=config_json, key=key, on_change=_clicked)


@state.callback
def _clicked() -> None:
    """A click on the canvas: acted on at once (take_click). One that only selected another
    node reruns the canvas and the side column alone; any other (a wiring edit, a block's
    box, a click that cancels a mode) returns, and the whole editor area reruns
    (state.callback), whose take_click finds it handled already."""
    before, project = state.canvas_state(), state.project()
    opened = block_panel.open_blocks(state.graph())
    take_click()
    after = state.canvas_state()
    if (state.project() is project and before.mode == after.mode == "select" and after.selection != before.selection
            and block_panel.open_blocks(state.graph()) == opened):
        page_scope.redraw_after_click()


def take_click() -> None:
    """Act on a click in the frame drawn last (the component's value, kept by Streamlit under
    its key), before anything is drawn: this run then shows the new selection, or the graph a
    wiring click changed, everywhere (no second run). A frame of another project, graph or
    frame number is not this canvas's any more: its report is ignored."""
    drawn = st.session_state.get(DRAWN)
    current = state.canvas_state()
    if not drawn or tuple(drawn[:3]) != (state.project_id(), state.graph_id(), current.frame):
        return
    event = st.session_state.get(drawn[3])
    graph = state.graph()
    new_state, edit = clicks.handle_event(current, event if isinstance(event, str) else None, graph)
    new_state = block_panel.take_click(current, new_state, event, graph)  # a collapsed block's box
    state.set_canvas_state(new_state)
    if edit is not None:
        if state.edit_graph(clicks.describe_edit(graph, edit), lambda g: clicks.apply_edit(g, edit)):
            st.session_state[REPLACED] = (clicks.edit_notice(graph, edit), state.project())
        else:
            state.take_notice()  # why the wire was refused, shown by this run


def show_undo_row(key: str = "toolbar") -> None:
    """Undo / redo and the canvas view, above the canvas: a part of the editor area (every
    edit changes what undo and redo say, editor.ui.page_scope). In one row with the graph
    switcher and the click mode their texts were cut ("Legible (foll…", the wiring modes):
    the graph switcher is beside the node finder, the mode in a row of its own, the legend
    below the canvas, so the canvas's foot stays on a 1000-px screen."""
    history = state.history()
    cols = st.columns([1, 1, 3.2])
    undo_label = history.undo_label
    redo_label = history.redo_label
    cols[0].button("↶ Undo", key=f"{key}.undo", on_click=state.undo, disabled=not history.can_undo,
                   help=md(f"Undo: {undo_label}") if undo_label else "Nothing to undo", width="stretch")
    cols[1].button("↷ Redo", key=f"{key}.redo", on_click=state.redo, disabled=not history.can_redo,
                   help=md(f"Redo: {redo_label}") if redo_label else "Nothing to redo", width="stretch")
    with cols[2]:
        _view_select(f"{key}.view")
    page_scope.undo_row_drawn()


def show_toolbar(key: str = "toolbar") -> None:
    """The click mode (a row of its own), and the notice of the last refused action."""
    mode_key = f"{key}.mode"
    modes = list(clicks.MODES)
    st.selectbox("A click on the canvas…", modes, key=mode_key,
                 **widgets.bind(mode_key, state.canvas_state().mode, modes,
                                on_change=state.callback(lambda: state.set_mode(st.session_state[mode_key]))),
                 format_func=clicks.MODES.get,
                 help=f"{clicks.MODE_RULE} The Delete key deletes the selected node once the canvas "
                      "has been clicked (or use the inspector's Delete node).")
    notice = state.general_notice()
    if notice is not None:
        st.error(md(notice.message))
    library.show_conflict(f"{key}.conflict")
    library.show_draft_offer(f"{key}.draft")


def _graph_switcher(key: str = "toolbar.graph") -> None:
    """The project's main model and the nested models it calls (shown when there are several)."""
    project = state.project()
    ids = [g.id for g in project.graphs]
    names = {g.id: g.name + (" (main)" if i == 0 else " (nested)") for i, g in enumerate(project.graphs)}
    st.selectbox("Graph", ids, key=key, format_func=names.get,
                 **widgets.bind(key, state.graph_id(), ids,
                                on_change=state.callback(lambda: state.set_graph(st.session_state[key]))),
                 help="The project's main model and the nested models it calls.")


def _view_select(key: str) -> None:
    # Its callback does nothing: the canvas (another part) reads the choice, and a callback's
    # return reruns the whole editor area (state.callback).
    st.selectbox("Canvas view", VIEWS, key=key, on_change=state.callback(lambda: None),
                 format_func=lambda v: framing.VIEWS.get(v) or f"Whole graph, {v} px tall",
                 help="Legible: the whole graph when its labels stay readable, else the part around the "
                      "selected node. Zoom with the mouse wheel and drag to pan.")


def show_picker(key: str = "picker") -> None:
    """The searchable node list: the way to select on big graphs (and in AppTest); beside
    it, the graph switcher when the project has nested models."""
    if len(state.project().graphs) > 1:
        cols = st.columns([1, 1.4])
        with cols[0]:
            _graph_switcher()
        with cols[1]:
            _node_finder(key)
    else:
        _node_finder(key)


def _node_finder(key: str) -> None:
    graph = state.graph()
    choices = run_memo.reuse("node_choices", (graph,), lambda: dict(framing.node_choices(graph)))
    options = ["", *choices]  # "": nothing selected
    current = state.selection() if state.selection() in choices else ""
    st.selectbox(
        "Find a node", options, key=key,
        **widgets.bind(key, current, options, on_change=state.callback(lambda: state.select(st.session_state[key] or None)),
                       label=choices.get(current, "")),
        format_func=lambda i: "— none —" if not i else choices.get(i, i),
        help="Type to search by name or class; or click a node on the canvas.",
    )


def show(preview: Optional[Preview], structural_problems, view_key: str = "toolbar.view") -> None:
    """Draw the canvas of the graph being edited and act on a click (the component returns
    the last node clicked in its frame, None in a new frame: see _draw)."""
    from streamlit_agraph.config import Config

    project = state.project()
    graph = state.graph()
    problems = preview.problems if preview is not None else structural_problems
    shapes = preview.shapes if preview is not None else {}
    compared = compare_view.comparison(project)  # a new object each run while comparing: drawn again then
    choice = st.session_state.get(view_key, "auto")
    opened = block_panel.open_blocks(graph)
    selected = block_panel.canvas_selection(graph, state.canvas_state())  # a node, or the box of a block
    current = clicks.renew_frame(state.canvas_state(), selected)
    state.set_canvas_state(current)

    def make():
        names = {g.id: g.name for g in project.graphs}
        marks, ghosts = compare_view.overlay(compared, project, graph.id)
        data = drawing.canvas_data(graph, problems, open_blocks=opened, params=block_panel.node_params(preview),
                                   shapes=shapes, selected=selected, graph_names=names,
                                   heat=block_panel.heat(graph, preview), marks=marks)
        data = drawing.CanvasData(data.nodes + ghosts, data.edges)
        centre = block_panel.view_centre(graph, selected, opened)
        view = framing.choose_view(data, choice, centre)
        config = Config(height=view.height, width=800, directed=True, physics=False, hierarchical=False)
        config.__dict__.update(framing.vis_options(view.height))
        config.__dict__.pop("groups", None)  # Config sends groups=None, which vis-network logs as an error
        config_json = json.dumps(config.__dict__)
        drawn = (json.dumps({"nodes": view.data.nodes, "edges": view.data.edges}), config_json,
                 frame_identity.geometry(view.data.nodes, view.data.edges, config_json))
        return data, view, drawn, centre

    # The same drawing as last run when it is made from the same things: no work, and the
    # component gets byte-identical arguments (its frame is not drawn again).
    inputs = (project, graph, preview, structural_problems if preview is None else None, selected, opened,
              cost_view.mode(), cost_view.batch_size(), choice, compared)
    data, view, drawn, selected = run_memo.reuse("canvas", inputs, make)
    replaced, after = st.session_state.get(REPLACED) or (None, None)
    if replaced and after is project:  # shown until the next change of the project
        st.info(md(replaced))
    if view.left_out:
        shown_ids = [n["id"] for n in view.data.nodes]
        around = block_panel.item_name(graph, selected if selected in shown_ids else shown_ids[0])
        st.caption(md(f"Showing {len(view.data.nodes)} of {len(data.nodes)} nodes around "
                      f"'{around}' at a readable size: select "
                      "another node (click, or Find a node) to move there, or choose the whole graph."))
    _draw(*drawn, current.frame)


def show_controls(preview: Optional[Preview]) -> None:
    """Below the canvas, so that the canvas stays where the eye expects it (the overlays
    read their choice from the session state, set by the last run's selects). Not part of
    the canvas's part: an inspector edit that changes what these show reruns them too
    (editor.ui.page_scope.redraw_after_edit)."""
    project = state.project()
    graph = state.graph()
    compared = compare_view.comparison(project)
    current = state.canvas_state()
    block_panel.show_canvas_controls(graph)
    _legend()
    cols = st.columns(2)
    with cols[0]:
        cost_view.show_mode()
    with cols[1]:
        _compare_choice()
    cost_view.show_legend_and_table(preview)
    compare_view.show_changes(compared, project)
    _delete_key()  # last: its (empty) element adds no gap above the canvas
    if current.mode != "select":
        rule = f" {clicks.MODE_RULE}" if current.mode in ("connect", "feed") else ""
        st.caption(f"Mode: {clicks.MODES[current.mode].lower()} — click a node on the canvas "
                   f"(click the selected node to cancel).{rule}")


@page_scope.part("compare")
def _compare_choice() -> None:
    """The "Compare with" list, a part: an edit's new revision makes the one before it a choice."""
    compare_view.show_choice()


# The canvas component cannot send keys to the app (streamlit-agraph returns a clicked node id
# only), so the page listens: Delete or Backspace pressed after a click on the canvas (and
# no click elsewhere since) clicks the inspector's "Delete node" button of the selected node
# (there is none when nothing is selected). The canvas's frame is same-origin but redrawn
# after the click that selects: so the page takes the focus back from the frame after a
# click and listens itself, never while a field, select or text box has the focus. Once per
# press and per canvas click; installed once per page; fixed text, no user input.
_DELETE_KEY = """<script>
(() => {
  if (window.__kgsDeleteKey) return;
  window.__kgsDeleteKey = true;
  let canvasClicked = false;
  const deleteButton = () => {
    for (const el of document.querySelectorAll('[class*="st-key-insp-"]')) {
      if ([...el.classList].some(c => /^st-key-insp-.+-delete$/.test(c))) return el.querySelector('button');
    }
    return null;
  };
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  const onKey = (event) => {
    if ((event.key !== 'Delete' && event.key !== 'Backspace') || !canvasClicked || typing(event.target)) return;
    const button = deleteButton();
    if (!button || button.disabled) return;
    canvasClicked = false;
    event.preventDefault();
    button.click();
  };
  document.addEventListener('pointerdown', () => { canvasClicked = false; }, true);
  document.addEventListener('keydown', onKey, true);
  const CANVAS = "iframe[title='streamlit_agraph.agraph']";
  // A click into a frame moves the focus there: the page's window loses it. This sees the
  // click even before the frame's own listener is attached (a frame replaced a moment ago),
  // and gives the focus back to the page, so that the next key reaches the page's listener
  // whether or not the frame (redrawn by the click's rerun) has one yet.
  window.addEventListener('blur', () => setTimeout(() => {
    const el = document.activeElement;
    if (el && el.matches && el.matches(CANVAS)) {
      canvasClicked = true;
      el.blur();
    }
  }, 0));
  const attach = (frame) => {
    try {
      const win = frame.contentWindow;
      if (win && !win.__kgsDeleteKey) {
        win.__kgsDeleteKey = true;
        win.addEventListener('pointerdown', () => { canvasClicked = true; }, true);
        win.addEventListener('keydown', onKey, true);
      }
    } catch (error) { /* not loaded yet */ }
  };
  const watch = () => {
    for (const frame of document.querySelectorAll(CANVAS)) {
      if (!frame.__kgsWatched) {  // its window is replaced when it loads: attach again then
        frame.__kgsWatched = true;
        frame.addEventListener('load', () => attach(frame));
      }
      attach(frame);
    }
  };
  new MutationObserver(watch).observe(document.body, {childList: true, subtree: true});
  setInterval(watch, 500);
})();
</script>"""


def _delete_key() -> None:
    st.html(_DELETE_KEY, unsafe_allow_javascript=True)


def _legend() -> None:
    chips = []
    for role, text in _LEGEND:
        fill, border = looks.KIND_COLOURS[role]
        chips.append(
            f"<span style='background:{fill};border:1px solid {border};border-radius:3px;"
            f"padding:0 6px;margin-right:6px;font-size:0.8em;white-space:nowrap'>{text}</span>"
        )
    fill, border = looks.ERROR_COLOURS
    chips.append(f"<span style='background:{fill};border:1px solid {border};border-radius:3px;"
                 f"padding:0 6px;margin-right:6px;font-size:0.8em;white-space:nowrap'>has an error (hover for why)</span>")
    chips.append(f"<span style='background:{looks.KIND_COLOURS['layer'][0]};"
                 f"border:2px solid {looks.WARNING_BORDER};border-radius:3px;"
                 f"padding:0 6px;margin-right:6px;font-size:0.8em;white-space:nowrap'>has a warning</span>")
    chips.append(f"<span style='color:{looks.CYCLE_COLOUR};font-size:0.8em;white-space:nowrap'>"
                 "⤺ red curved wire: closes a cycle</span>")
    st.markdown("".join(chips), unsafe_allow_html=True)  # fixed text only, no user input
