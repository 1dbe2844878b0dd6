"""What a click on the canvas means: `handle_event` maps the component's report, the
selection and the click mode to a new selection and, in the wiring modes, an edit
(`CanvasEdit`), which `apply_edit` performs with editor.model.edits.

The canvas component reports only the id of a clicked node, and keeps reporting it on
every rerun while its frame is kept. `renew_frame` says when the canvas needs a new frame
for the next click to be seen (editor.canvas.frame_identity).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from editor.model import edits
from editor.model.graph import Graph, Ref

# A wire drawn by clicking is added as one more input, as the inspector's "Add an input"
# does (nothing is lost). A layer that takes one tensor (Dense, Conv2D...) cannot take a
# second: there the new wire replaces its input, and edit_notice names what was replaced
# (Undo puts it back). Refusing would send the person to the inspector to unwire first,
# for what a click plainly asks; appending would make a graph that cannot build.
MODES = {
    "select": "Select",
    "connect": "Wire the selected node into the clicked one (adds an input)",
    "feed": "Wire the clicked node into the selected one (adds an input)",
    "share": "Selected node shares the clicked node's layer",
}
MODE_RULE = "A one-input layer (Dense, Conv2D…) gets the new wire instead of its input: a notice names what was replaced."


@dataclass(frozen=True)
class CanvasState:
    """What the canvas remembers between reruns."""

    selection: Optional[str] = None
    mode: str = "select"
    last_event: Optional[str] = None  # the report of the frame drawn last, already handled
    frame: int = 0  # which frame the canvas is drawn in: counts up, never back (renew_frame)


def fresh(state: CanvasState) -> CanvasState:
    """Nothing selected, in a new frame (another graph or project is shown)."""
    return CanvasState(frame=state.frame + 1)


def renew_frame(state: CanvasState, highlighted: Optional[str]) -> CanvasState:
    """A new frame when the one drawn last would not report the next click that matters.

    vis-network reports a click on a node only when it is not already selected in the frame
    itself, and the frame selects the node last clicked in it (`last_event`). So the frame
    is kept while that node is what the canvas highlights, in the Select mode; it is renewed
    when the highlight moved elsewhere (the node finder, the inspector, an undo: a click on
    the old node must be seen) and in a wiring mode (a click on the selected node cancels
    it). Otherwise a click that selects keeps the frame: its highlight is drawn in place.
    """
    if state.last_event is None or (state.last_event == highlighted and state.mode == "select"):
        return state
    return replace(state, frame=state.frame + 1, last_event=None)


@dataclass(frozen=True)
class CanvasEdit:
    """An edit made by clicking: 'connect' feeds `source` into `target`; 'share' makes
    `target` call the layer of `source`."""

    kind: str
    source: str
    target: str


def handle_event(state: CanvasState, event: Optional[str], graph: Graph) -> tuple[CanvasState, Optional[CanvasEdit]]:
    """New canvas state and (in a wiring mode) the edit a click asks for.

    `event` is what the component returned this rerun: the id of the last clicked node,
    or None when nothing was clicked since its data last changed. The same id coming
    back is the same click, not a new one. A click on a node that no longer exists
    does nothing; a click on the selected node itself cancels a wiring mode.
    """
    if state.mode not in MODES:
        state = replace(state, mode="select")
    if event is None or event == state.last_event:
        return replace(state, last_event=event), None
    state = replace(state, last_event=event)
    if graph.get(event) is None:
        return state, None
    current = state.selection if state.selection and graph.get(state.selection) else None
    if state.mode == "select" or current is None:
        return replace(state, selection=event, mode="select"), None
    if event == current:
        return replace(state, mode="select"), None
    if state.mode == "connect":
        edit = CanvasEdit("connect", current, event)
    elif state.mode == "feed":
        edit = CanvasEdit("connect", event, current)
    else:
        edit = CanvasEdit("share", event, current)
    return replace(state, mode="select"), edit


def apply_edit(graph: Graph, edit: CanvasEdit) -> Graph:
    """Perform a click edit with editor.model.edits (raises EditError naming the node).

    A wire into a layer that takes one tensor (Dense, Conv2D...) replaces its input;
    merges, multi-input layers, nested models and loss nodes get one more input (a loss
    node's new input also gets a name its expression can use: editor.model.edits.set_inputs).
    """
    if edit.kind == "connect":
        if _replaces(graph, edit):
            return edits.set_inputs(graph, edit.target, (Ref(node=edit.source),))
        return edits.connect(graph, Ref(node=edit.source), edit.target)
    if edit.kind == "share":
        return edits.share(graph, edit.target, edit.source)
    raise edits.EditError(f"unknown canvas edit '{edit.kind}'")


def _replaces(graph: Graph, edit: CanvasEdit) -> tuple[Ref, ...]:
    """The inputs a wiring click replaces: those of a layer that takes one tensor (none
    when the node takes more, has none yet, or already takes exactly this wire)."""
    target = graph.get(edit.target)
    if (edit.kind != "connect" or target is None or target.kind != "layer" or target.call_style != "single"
            or target.inputs in ((), (Ref(node=edit.source),))):
        return ()
    return target.inputs


def edit_notice(graph: Graph, edit: CanvasEdit) -> Optional[str]:
    """What a person is told after a click edit that replaced something (None when it only
    added): the node, the input it lost and the one it got. `graph`: before the edit."""
    replaced = _replaces(graph, edit)
    if not replaced:
        return None
    name = {n.id: n.name for n in graph.nodes}
    lost = ", ".join(f"'{name.get(r.node, r.node)}'" + (f" (output {r.output})" if r.output else "") for r in replaced)
    target, source = name[edit.target], name.get(edit.source, edit.source)
    return (f"'{target}' takes one input: '{source}' replaced {lost} as its input "
            "(Undo puts it back; merges and loss nodes take more).")


def describe_edit(graph: Graph, edit: CanvasEdit) -> str:
    """A label for the undo button."""
    name = {n.id: n.name for n in graph.nodes}
    source, target = name.get(edit.source, edit.source), name.get(edit.target, edit.target)
    if edit.kind == "share":
        return f"{target} shares {source}'s layer"
    return f"wire {source} into {target}"
