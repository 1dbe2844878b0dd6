"""The node and edge dicts the canvas sends to vis-network (`canvas_data`): labels, colours,
tooltips, fixed positions, ghosts of removed nodes and the wires that close a cycle.

`canvas_data` turns a graph (plus what a build found: shapes per node and problems)
into the node and edge dicts that streamlit-agraph hands to vis-network: ids, labels
"name\\nClass\\n(None, 28, 28, 1)", colours by kind, red with the message as tooltip for
invalid nodes, and fixed positions (the node's stored `position`, or a computed layered
layout), so the picture is stable from one rerun to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from editor.canvas import block_view
from editor.canvas.looks import (
    CYCLE_COLOUR, DIFF_BORDERS, EDGE_COLOUR, ERROR_COLOURS, GHOST_COLOURS, KIND_COLOURS, SELECTED_BORDER, SHARE_COLOUR,
    WARNING_BORDER, label_colour, node_label, role,
)
from editor.canvas.placement import X_SCALE, Y_SCALE, layout
from editor.model.graph import Graph
from editor.model.problems import Problem

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


def canvas_data(graph: Graph, problems: Iterable[Problem] = (), open_blocks: Optional[Iterable[str]] = None,
                params: Optional[Mapping[str, int]] = None, **view) -> CanvasData:
    """What the component draws; `view` is canvas_nodes's shapes, selected, graph_names, heat
    and marks. `open_blocks`: the blocks shown expanded (None: all); every other block is one
    box (editor.canvas.block_view), labelled with `params` (node id -> parameters) summed."""
    if open_blocks is None or not graph.blocks:
        positions = layout(graph)
        return CanvasData(canvas_nodes(graph, problems, positions=positions, **view), canvas_edges(graph, positions))
    shown = block_view.project(graph, open_blocks)
    problems = block_view.box_problems(shown, problems, graph)
    view = dict(view)
    if view.get("marks"):
        view["marks"] = block_view.box_marks(shown, view["marks"])
    if view.get("selected") is not None:
        view["selected"] = shown.item_of.get(view["selected"], view["selected"])
    positions = layout(shown.graph)
    nodes = canvas_nodes(shown.graph, problems, positions=positions, **view)
    sums = block_view.box_sums(shown, params) if params is not None else {}
    shapes = view.get("shapes") or {}
    for data in nodes:
        if block_view.block_of(data["id"]) is not None:
            data["label"] = block_view.box_label(shown, graph, data["id"], shapes, sums.get(data["id"]))
            data["borderWidth"] = max(data["borderWidth"], 2)
            data["shapeProperties"] = {"borderDashes": False}
    return CanvasData(nodes, canvas_edges(shown.graph, positions))
