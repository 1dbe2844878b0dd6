"""What the canvas draws and what a click on it means: pure functions, no Streamlit, no Keras.

`canvas_data` turns a graph (plus what a build found: shapes per node and problems)
into the node and edge dicts that streamlit-agraph hands to vis-network: ids, labels
"name\\nClass\\n(None, 28, 28, 1)", colours by kind, red with the message as tooltip for
invalid nodes, and fixed positions (the node's stored `position`, or a computed layered
layout), so the picture is stable from one rerun to the next.

The canvas component reports only the id of a clicked node, and keeps reporting it on
every rerun until its data changes. `handle_event` maps that report, the current
selection and the click mode to a new selection and, in the wiring modes, an edit
(`CanvasEdit`), which `apply_edit` performs with editor.model.edits.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Optional

from editor.model import edits
from editor.model.graph import POSITION_LIMIT, Graph, Node, Ref, topological_order
from editor.model.problems import Problem

# ----------------------------------------------------------------------------- looks

# Kind -> (fill, border). Colour-blind-safe enough: kinds also differ in the class line.
KIND_COLOURS: dict[str, tuple[str, str]] = {
    "input": ("#D6EAF8", "#2874A6"),
    "layer": ("#F2F3F4", "#626567"),
    "merge": ("#FDEBD0", "#CA6F1E"),
    "output": ("#D5F5E3", "#1E8449"),
    "loss": ("#EBDEF0", "#7D3C98"),
    "op": ("#FEF9E7", "#B7950B"),
    "model": ("#D1F2EB", "#117A65"),
}
ERROR_COLOURS = ("#FADBD8", "#C0392B")
# The diff overlay (editor.diff): a node added or changed since the version compared with;
# a removed node is drawn as a ghost where it was.
DIFF_BORDERS = {"added": "#1E8449", "changed": "#D68910"}
GHOST_COLOURS = ("#FDEDEC", "#E6B0AA")
WARNING_BORDER = "#D68910"
SELECTED_BORDER = "#17202A"
EDGE_COLOUR = "#7F8C8D"
SHARE_COLOUR = "#A569BD"
CYCLE_COLOUR = "#C0392B"  # the wire that closes a cycle, curved so the forward wires do not hide it
TEXT_COLOUR = "#17202A"
AA_CONTRAST = 4.5  # WCAG 2 level AA for text of normal size


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB'."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_colour(fill: str) -> str:
    """The label colour on `fill`: the usual dark text where it reads at WCAG AA, else black
    or white, whichever contrasts more (white on the deepest cost reds; either one reaches
    at least 4.58:1 on any fill)."""
    if contrast(fill, TEXT_COLOUR) >= AA_CONTRAST:
        return TEXT_COLOUR
    return max(("#000000", "#FFFFFF"), key=lambda c: contrast(fill, c))

# Stored positions are in "grid units" (templates use 100 between rows and columns);
# the canvas spreads columns wider than rows because labels are wider than tall.
X_SCALE = 2.0
Y_SCALE = 0.9
ROW = 100  # grid units between a node and the one it feeds, for computed positions
COLUMN = 100  # grid units between side-by-side nodes, for computed positions


def role(graph: Graph, node: Node) -> str:
    """The colour class of a node: input, output, loss, model (nested or application), merge, layer."""
    if node.kind == "input":
        return "input"
    if node.kind == "loss":
        return "loss"
    if node.kind == "op" and not any(o.ref.node == node.id for o in graph.outputs):
        return "op"
    if any(o.ref.node == node.id for o in graph.outputs):
        return "output"
    if node.kind in ("model", "application"):
        return "model"
    if node.is_merge:
        return "merge"
    return "layer"


def class_text(node: Node, graph_names: Mapping[str, str] | None = None) -> str:
    """The second label line: the Keras class (what model.summary() prints in brackets)."""
    if node.kind == "input":
        return "InputLayer"
    if node.kind == "loss":
        return "Loss"
    if node.kind == "op":
        return op_text(node)
    if node.kind == "model":
        target = (graph_names or {}).get(node.graph or "", node.graph or "?")
        return f"Model {target}"
    text = node.class_name or "?"
    return f"{text} (shared)" if node.shares else text


def op_text(node: Node, limit: int = 40) -> str:
    """An op node's expression as the canvas shows it: `x + inputs`, `expand_dims(x, 1)`."""
    text = " ".join((node.expression or "?").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shape_text(shapes: Sequence[Sequence[Optional[int]]] | None) -> str:
    """Output shapes as Keras prints them: (None, 28, 28, 1); several joined by ', '."""
    if not shapes:
        return ""
    return ", ".join(_tuple_text(s) for s in shapes)


def _tuple_text(shape: Sequence[Optional[int]]) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def node_label(node: Node, shapes=None, graph_names: Mapping[str, str] | None = None) -> str:
    """'name\\nClass\\n(None, 784)'; the shape line is left out until a build knows it.
    An op node is small: its expression and shape (its name is in the inspector)."""
    lines = [class_text(node, graph_names)] if node.kind == "op" else [node.name, class_text(node, graph_names)]
    if shapes is None and node.kind == "input" and node.shape is not None:
        shapes = [(None, *node.shape)]  # an input's shape needs no build
    text = shape_text(shapes)
    if text:
        lines.append(text)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- layout


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """Grid position of every node: its stored `position`, else a free spot below its producers.

    Nodes are placed in topological order (nodes on a cycle last): a node without a
    position goes one row below its lowest producer, in the column of its first one,
    moved right until the spot is free. Deterministic, so the canvas never jumps.
    """
    placed: dict[str, tuple[float, float]] = {
        n.id: (float(n.position[0]), float(n.position[1])) for n in graph.nodes if n.position is not None
    }
    spots = _Spots(placed.values())
    order = topological_order(graph)
    seen = set(order)
    order += [n.id for n in graph.nodes if n.id not in seen]
    for node_id in order:
        if node_id not in placed:
            placed[node_id] = spots.take(_wanted(graph.node(node_id), placed))
    return placed


def keep_in_place(before: Graph, after: Graph) -> Graph:
    """`after` (an edit of `before`) with every node that was already drawn pinned where it
    was: a graph without stored positions (an import, generated code) is laid out row by
    row, so inserting one node would push every node below it down a row. Pinned, only the
    new node looks for a free spot."""
    if all(n.position is not None for n in after.nodes):
        return after
    drawn = layout(before)
    nodes = tuple(n.model_copy(update={"position": drawn[n.id]}) if n.position is None and n.id in drawn else n
                  for n in after.nodes)
    return after.model_copy(update={"nodes": nodes})


def _wanted(node: Node, placed: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    parents = [placed[r.node] for r in node.inputs if r.node in placed]
    if not parents:
        return (0.0, 0.0)
    return (parents[0][0], max(p[1] for p in parents) + ROW)


class _Spots:
    """Taken positions, by row and sorted by x, so finding a free spot stays cheap on big
    graphs (a node with 5,000 consumers took minutes when every search scanned every spot)."""

    STEP = COLUMN * 1.5  # candidates to the right of a wanted spot

    def __init__(self, taken: Iterable[tuple[float, float]] = ()):
        self.rows: dict[int, list[tuple[float, float]]] = {}
        self.hints: dict[tuple[float, float], tuple[float, float]] = {}  # wanted -> last spot given
        self.count = 0
        for spot in taken:
            self.add(spot)

    def add(self, spot: tuple[float, float]) -> None:
        bisect.insort(self.rows.setdefault(round(spot[1] / ROW), []), spot)
        self.count += 1

    def free(self, x: float, y: float) -> bool:
        reach_x, reach_y = COLUMN * 0.75, ROW * 0.75
        for row in (round(y / ROW) + d for d in (-1, 0, 1)):
            spots = self.rows.get(row, ())
            i = bisect.bisect_right(spots, (x - reach_x, math.inf))
            while i < len(spots) and spots[i][0] < x + reach_x:
                if abs(spots[i][1] - y) < reach_y:
                    return False
                i += 1
        return True

    def take(self, wanted: tuple[float, float]) -> tuple[float, float]:
        """The first free spot at or to the right of `wanted`, in steps of 1.5 columns.

        Finite for any input: a taken spot blocks less than one step either side, so at
        most `count` candidates are blocked. The search for the same wanted spot resumes
        where the last one ended (spots are only ever added, so everything left of it is
        still taken). Positions are bounded by the schema (editor.model.graph.POSITION_LIMIT),
        so each step really moves x (at 1e20, x + 150 == x: that hung the server).
        """
        x, y = self.hints.get(wanted, wanted)
        for _ in range(self.count + 1):
            if self.free(x, y):
                break
            x += self.STEP
        self.hints[wanted] = (x, y)
        self.add((x, y))
        return (x, y)


def new_position(graph: Graph, node_id: str) -> tuple[float, float]:
    """Where a just-added node (without a position) goes; the UI stores it on the node."""
    others = graph.model_copy(update={"nodes": tuple(n for n in graph.nodes if n.id != node_id)})
    placed = layout(others)
    return _Spots(placed.values()).take(_wanted(graph.node(node_id), placed))


def place_new(graph: Graph, node_id: str) -> Graph:
    """The graph with a just-added node given a position (the UI's one way to place one).

    A node that only branches off goes to a free spot below its producer (new_position).
    A node inserted into wires (it feeds nodes already drawn) gets a row of its own, right
    below its producer: every node from that row down moves one row lower. Squeezed in
    beside its consumer instead, a few inserts made wires run across a row, through nodes.
    """
    node = graph.node(node_id)
    feeds = any(ref.node == node_id for other in graph.nodes for ref in other.inputs)
    others = graph.model_copy(update={"nodes": tuple(n for n in graph.nodes if n.id != node_id)})
    placed = layout(others)
    wanted = _wanted(node, placed)
    lowest = max((y for _, y in placed.values()), default=0.0)
    if (not feeds or not node.inputs or _Spots(placed.values()).free(*wanted)
            or lowest + ROW > POSITION_LIMIT):  # no row below to open: the free spot will do
        position = new_position(graph, node_id)
        return graph.model_copy(update={"nodes": tuple(n.model_copy(update={"position": position})
                                                       if n.id == node_id else n for n in graph.nodes)})
    row = wanted[1] - ROW / 2

    def moved(n: Node) -> Node:
        if n.id == node_id:
            return n.model_copy(update={"position": wanted})
        x, y = placed[n.id]
        return n.model_copy(update={"position": (x, y + ROW if y > row else y)})

    return graph.model_copy(update={"nodes": tuple(moved(n) for n in graph.nodes)})


# ----------------------------------------------------------------------------- canvas data


# A zero-width space after '<' keeps a tag from ever starting (HTML reads '<' before
# anything but a letter, '/', '!' or '?' as text) and is invisible when shown.
_TAG_BREAK = "<\u200b"


def _inert(text: str) -> str:
    """Tooltip text reads as written and is never markup. The component uses a node's title
    twice: vis-network shows it as plain text (innerText, so `&lt;` would show as typed),
    and the component also parses it into a detached <div> with innerHTML, where an
    `<img onerror=...>` would run: break every tag opening instead of escaping."""
    return text.replace("<", _TAG_BREAK)


def node_problems(problems: Iterable[Problem], graph_id: str) -> dict[str, list[Problem]]:
    """Problems of this graph grouped by node id (problems without a node left out)."""
    out: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.node is not None and problem.graph in (None, graph_id):
            out.setdefault(problem.node, []).append(problem)
    return out


def canvas_nodes(
    graph: Graph,
    problems: Iterable[Problem] = (),
    shapes: Mapping[str, Sequence] | None = None,
    selected: Optional[str] = None,
    graph_names: Mapping[str, str] | None = None,
    heat: Mapping[str, tuple[str, str]] | None = None,
    marks: Mapping[str, str] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> list[dict]:
    """vis-network node dicts, in the graph's node order. `heat`: node id -> (fill, figure),
    the cost overlay (editor.building.node_cost): the fill replaces the kind's, the figure is in
    the tooltip; an error still shows red. `marks`: node id -> "added" or "changed" (the
    diff overlay), drawn as a thick green or amber border."""
    heat, marks = heat or {}, marks or {}
    shapes = shapes or {}
    by_node = node_problems(problems, graph.id)
    positions = positions or layout(graph)
    out = []
    for node in graph.nodes:
        kind = role(graph, node)
        fill, border = KIND_COLOURS[kind]
        found = by_node.get(node.id, [])
        errors = [p for p in found if p.severity == "error"]
        if node.id in heat:
            fill = heat[node.id][0]
        if errors:
            fill, border = ERROR_COLOURS
        elif found:
            border = WARNING_BORDER
        x, y = positions[node.id]
        data = {
            "id": node.id,
            "label": node_label(node, shapes.get(node.id), graph_names),
            "shape": "box",
            "x": x * X_SCALE,
            "y": y * Y_SCALE,
            "color": {
                "background": fill,
                "border": SELECTED_BORDER if node.id == selected else border,
                "highlight": {"background": fill, "border": SELECTED_BORDER},
                "hover": {"background": fill, "border": SELECTED_BORDER},
            },
            "borderWidth": 3 if node.id == selected or node.id in marks else (2 if found else 1),
            "margin": 4 if node.kind == "op" else 8,
            "font": {"face": "monospace", "size": 11 if node.kind == "op" else 13, "color": label_colour(fill)},
        }
        if node.id in marks and node.id != selected:
            data["color"]["border"] = DIFF_BORDERS[marks[node.id]]
        lines = [f"{'✖' if p.severity == 'error' else '⚠'} {p.message}" for p in found]
        if node.id in marks:
            lines.append(f"◆ {marks[node.id]} since the version compared with")
        if node.id in heat:
            lines.append(f"▮ {heat[node.id][1]}")
        if lines:
            # Every line starts with a mark: the component opens a node's tooltip text as
            # a link on double click, and such text can never read as a javascript: URL.
            data["title"] = _inert("\n".join(lines))
        out.append(data)
    return out


def ghost_nodes(old: Graph, removed: Iterable[str]) -> list[dict]:
    """The removed nodes of a diff, drawn faintly where they were in the old graph (their
    ids start with "ghost:", so a click on one selects nothing)."""
    positions = layout(old)
    out = []
    for node_id in removed:
        node = old.get(node_id)
        if node is None:
            continue
        x, y = positions[node_id]
        fill, border = GHOST_COLOURS
        out.append({
            "id": f"ghost:{node_id}", "label": f"{node.name}\n(removed)", "shape": "box",
            "x": x * X_SCALE, "y": y * Y_SCALE, "opacity": 0.6, "borderWidth": 1, "margin": 8,
            "shapeProperties": {"borderDashes": [4, 4]},
            "color": {"background": fill, "border": border, "highlight": {"background": fill, "border": border},
                      "hover": {"background": fill, "border": border}},
            "font": {"face": "monospace", "size": 13, "color": "#922B21"},
            "title": _inert(f"✖ removed since the version compared with: {node.name}"),
        })
    return out


def back_edges(graph: Graph, positions: Mapping[str, tuple[float, float]] | None = None) -> set[tuple[str, str]]:
    """The wires (source, target) that close a cycle: those a depth-first walk finds leading
    back to a node it is still inside. The walk starts at the topmost node, so the wire
    drawn upwards is the one named. Iterative: a 5,000-node chain needs no deep recursion."""
    positions = positions or layout(graph)
    consumers: dict[str, list[str]] = {n.id: [] for n in graph.nodes}
    for node in graph.nodes:
        for ref in node.inputs:
            if ref.node in consumers and node.id not in consumers[ref.node]:
                consumers[ref.node].append(node.id)
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    found: set[tuple[str, str]] = set()
    for root in sorted(consumers, key=lambda i: (positions[i][1], positions[i][0])):
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(consumers[root]))]
        while stack:
            node_id, rest = stack[-1]
            step = next(rest, None)
            if step is None:
                state[node_id] = 2
                stack.pop()
            elif state.get(step) == 1:
                found.add((node_id, step))
            elif step not in state:
                state[step] = 1
                stack.append((step, iter(consumers[step])))
    return found


def canvas_edges(graph: Graph, positions: Mapping[str, tuple[float, float]] | None = None) -> list[dict]:
    """vis-network edge dicts: one per wire (numbered when a node takes several positional
    tensors, named by keyword: `initial_state`, `mask`), and a dashed one from a layer's
    owner to each node that shares it. A wire that closes a cycle is red and curved: drawn
    straight, it lay under the forward wires of the same column."""
    known = {n.id for n in graph.nodes}
    closing = back_edges(graph, positions)
    out = []
    for node in graph.nodes:
        many = node.positional_count > 1
        for i, ref in enumerate(node.inputs):
            if ref.node not in known:
                continue
            label = []
            if node.keyword(i):
                label.append(node.keyword(i))
            elif many:
                label.append(str(i + 1))
            if ref.output:
                label.append(f"out {ref.output}")
            edge = {
                "id": f"{ref.label()}->{node.id}#{i}",
                "from": ref.node,
                "to": node.id,
                "arrows": "to",
                "color": EDGE_COLOUR,
            }
            if (ref.node, node.id) in closing:
                label.append("closes a cycle")
                edge.update(color=CYCLE_COLOUR, width=2,
                            smooth={"enabled": True, "type": "curvedCW", "roundness": 0.5})
            if label:
                edge["label"] = " ".join(label)
            out.append(edge)
        if node.shares and node.shares in known:
            out.append({
                "id": f"share:{node.shares}->{node.id}",
                "from": node.shares,
                "to": node.id,
                "dashes": True,
                "arrows": "",
                "color": SHARE_COLOUR,
                "label": "shares",
            })
    return out


@dataclass(frozen=True)
class CanvasData:
    nodes: list[dict]
    edges: list[dict]


def canvas_data(graph: Graph, problems: Iterable[Problem] = (), **view) -> CanvasData:
    """What the component draws; `view` is canvas_nodes's shapes, selected and graph_names."""
    positions = layout(graph)
    return CanvasData(canvas_nodes(graph, problems, positions=positions, **view), canvas_edges(graph, positions))


# ----------------------------------------------------------------------------- view
#
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


def auto_height(data: CanvasData, smallest: int = SMALLEST, largest: int = LARGEST) -> int:
    """Canvas height for the whole graph: tall graphs get a tall canvas, up to `largest`."""
    return fit_height(data.nodes, smallest, largest)


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
            # left across one row (a branch wired back), the stray "2" of issue 11.
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


# ----------------------------------------------------------------------------- clicks

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
    last_event: Optional[str] = None  # the component's last report, already handled


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
