"""Which part of the graph the canvas shows and how tall it is: streamlit-agraph cannot move
vis-network's camera, so the view is chosen by what is sent (see below)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from editor.canvas.drawing import CanvasData
from editor.canvas.looks import class_text
from editor.model.graph import Graph, topological_order

# streamlit-agraph offers no way to move vis-network's camera: each time the canvas data
# changes the component starts afresh and vis-network fits *all* nodes it was sent into
# the canvas (zooming out as far as needed, never in beyond 1). So the view is chosen by
# choosing what to send and how tall the canvas is: the whole graph, or the window of
# nodes around the selected one that fits at a legible zoom. A selection change changes
# the data (the highlight), so the window follows the selection.

FONT_SIZE = 13  # label font sent to vis-network (px at zoom 1)
LEGIBLE_SCALE = 0.75  # labels drawn at 0.75 x 13 = 9.75 px: readable without zooming
FIT_SLACK = 1.1  # vis-network's fit leaves 10 % around the nodes' bounding box
CANVAS_WIDTH = 640  # px: the canvas column of a 1600-px-wide window (narrower windows zoom out)
# Canvas heights (px) of the automatic views: at most what stays on a 1000-px-tall screen
# below the toolbar, so the selected node is on screen, not only on the canvas.
SMALLEST, LARGEST = 460, 720
VIEWS = {
    "auto": "Legible (follows the selection)",
    "fit": "Whole graph (fit)",
    "selected": "Zoom to the selected node",
}


def node_box(node: Mapping) -> tuple[float, float]:
    """Width and height vis-network draws a box node at zoom 1 (monospace label, margin 8)."""
    lines = str(node.get("label", "")).split("\n")
    return max(len(line) for line in lines) * FONT_SIZE * 0.6 + 18, len(lines) * FONT_SIZE * 1.15 + 18


def _bounds(nodes: Sequence[Mapping]) -> tuple[float, float, float, float]:
    boxes = [(n["x"], n["y"], *node_box(n)) for n in nodes]
    return (min(x - w / 2 for x, _, w, _ in boxes), min(y - h / 2 for _, y, _, h in boxes),
            max(x + w / 2 for x, _, w, _ in boxes), max(y + h / 2 for _, y, _, h in boxes))


def fit_scale(nodes: Sequence[Mapping], width: float, height: float) -> float:
    """The zoom vis-network's fit gives these nodes on a width x height canvas."""
    if not nodes:
        return 1.0
    left, top, right, bottom = _bounds(nodes)
    return min(1.0, width / ((right - left) * FIT_SLACK), height / ((bottom - top) * FIT_SLACK))


def fit_height(nodes: Sequence[Mapping], smallest: int = SMALLEST, largest: int = LARGEST) -> int:
    """The canvas height (within bounds) that shows these nodes at zoom 1 where it can."""
    if not nodes:
        return smallest
    _, top, _, bottom = _bounds(nodes)
    return int(min(largest, max(smallest, (bottom - top) * FIT_SLACK + 1)))

@dataclass(frozen=True)
class View:
    """What to send to the canvas: the nodes and wires, its height, and how many nodes
    were left out (0: the whole graph)."""

    data: CanvasData
    height: int
    left_out: int = 0


def window(data: CanvasData, centre: str, scale: float, width: Optional[float] = CANVAS_WIDTH,
           height: int = LARGEST) -> CanvasData:
    """The nodes whose boxes lie inside the width x height canvas at zoom `scale` centred
    on node `centre` (always included), and the wires between them. `width` None: a band
    of rows across the whole width of the graph."""
    middle = next(n for n in data.nodes if n["id"] == centre)
    half_w = width / scale / FIT_SLACK / 2 if width else float("inf")
    half_h = height / scale / FIT_SLACK / 2
    left, top, right, bottom = _bounds(data.nodes)
    # near the graph's edge, slide the window inwards: a full window, the node still in it
    cx = _clamp(middle["x"], left + half_w, right - half_w) if width else middle["x"]
    cy = _clamp(middle["y"], top + half_h, bottom - half_h)
    inside = []
    for node in data.nodes:
        w, h = node_box(node)
        if (node["id"] == centre
                or (abs(node["x"] - cx) + w / 2 <= half_w and abs(node["y"] - cy) + h / 2 <= half_h)):
            inside.append(node)
    ids = {n["id"] for n in inside}
    return CanvasData(inside, [e for e in data.edges if e["from"] in ids and e["to"] in ids])


def _clamp(value: float, low: float, high: float) -> float:
    """`value` moved into [low, high]; the middle of the two when the range is empty."""
    return (low + high) / 2 if low > high else min(max(value, low), high)


def choose_view(data: CanvasData, mode, selected: Optional[str] = None, width: float = CANVAS_WIDTH) -> View:
    """The view for a mode of VIEWS, or a height in px (the whole graph that tall).

    "auto": the whole graph if it fits at a legible zoom, else the band of rows around the
    selected node (the first node when none is) that is legible as far as the height goes
    (columns are never cut: a short graph too wide for the canvas is shown whole; zoom
    with the wheel). "selected": the window at zoom 1 around the selected node. "fit": the whole
    graph in at most LARGEST px.
    """
    nodes = data.nodes
    if not isinstance(mode, str):
        return View(data, int(mode))
    whole = View(data, fit_height(nodes))
    if mode == "fit" or not nodes:
        return whole
    if mode == "auto" and fit_scale(nodes, width, whole.height) >= LEGIBLE_SCALE:
        return whole
    ids = [n["id"] for n in nodes]
    centre = selected if selected in ids else ids[0]
    if mode == "selected":
        part = window(data, centre, 1.0, width)
    else:
        part = window(data, centre, LEGIBLE_SCALE, None)
    return View(part, LARGEST, len(nodes) - len(part.nodes))


def vis_options(height: int = 640) -> dict:
    """vis-network options: fixed positions (no physics, no hierarchical re-layout)."""
    return {
        "height": f"{height}px",
        "width": "100%",
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"hierarchical": {"enabled": False}},
        "interaction": {"hover": True, "dragNodes": False, "tooltipDelay": 150, "multiselect": False},
        "edges": {
            "smooth": {"enabled": True, "type": "cubicBezier", "forceDirection": "vertical", "roundness": 0.4},
            # "horizontal", not "middle": vis-network loses the label of a wire drawn right to
            # left across one row (a branch wired back), which drew a stray "2" once.
            "font": {"size": 11, "align": "horizontal"},
        },
        "nodes": {"shape": "box"},
    }


def node_choices(graph: Graph) -> list[tuple[str, str]]:
    """(id, 'name · Class') for a searchable node picker, in topological order."""
    order = topological_order(graph)
    placed = set(order)
    order += [n.id for n in graph.nodes if n.id not in placed]  # nodes on a cycle, last
    return [(i, f"{graph.node(i).name} · {class_text(graph.node(i))}") for i in order]
