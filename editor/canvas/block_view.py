"""The canvas with blocks collapsed: each collapsed block drawn as one box, wires between
what is shown. Made as a projected Graph (a collapsed block becomes one stand-in node whose
id is "block:<id>"), so the layout, the wires and the cycle marks are the plain graph's.

What a box shows adds up over the nodes inside: its parameters, the worst problem (a block
holding an error is red, its tooltip names the node), the cost overlay's figure and the
"Compare with" marks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Optional

from editor.model import blocks
from editor.model.graph import Graph, Node, Ref
from editor.model.problems import Problem

BLOCK_PREFIX = "block:"
OPEN_ALL_UP_TO = 100  # a graph of at most this many nodes opens with its blocks expanded


def item_id(block_id: str) -> str:
    return BLOCK_PREFIX + block_id


def block_of(item: str) -> Optional[str]:
    """The block id of a collapsed block's box id, else None (a node's id)."""
    return item[len(BLOCK_PREFIX):] if item.startswith(BLOCK_PREFIX) else None


def default_open(graph: Graph) -> frozenset[str]:
    """Blocks shown expanded when a graph opens: all of a small graph, none of a big one."""
    return frozenset(b.id for b in graph.blocks) if len(graph.nodes) <= OPEN_ALL_UP_TO else frozenset()


@dataclass(frozen=True)
class Projection:
    graph: Graph  # what is drawn: shown nodes and one stand-in node per collapsed block
    members: dict[str, tuple[str, ...]]  # box id -> the node ids it stands for (a node: itself)
    item_of: dict[str, str]  # node id -> the id of the box that shows it

    @property
    def collapsed(self) -> bool:
        return any(block_of(i) for i in self.members)


def project(graph: Graph, open_blocks: Iterable[str] = ()) -> Projection:
    """The graph as drawn with every block not in `open_blocks` collapsed."""
    opened = frozenset(open_blocks)
    item_of = {}
    for node in graph.nodes:
        top = blocks.top_item(graph, node, opened)
        item_of[node.id] = item_id(top) if top is not None else node.id
    if all(item == node_id for node_id, item in item_of.items()):
        return Projection(graph, {n.id: (n.id,) for n in graph.nodes}, item_of)
    members: dict[str, list[str]] = {}
    for node in graph.nodes:
        members.setdefault(item_of[node.id], []).append(node.id)
    stand_ins: dict[str, Node] = {}
    nodes = []
    for node in graph.nodes:
        item = item_of[node.id]
        if item == node.id:
            nodes.append(node.model_copy(update={"inputs": _outer_inputs(node.inputs, item, item_of)}))
        elif item not in stand_ins:
            inside = [graph.node(i) for i in members[item]]
            refs = [r for n in inside for r in n.inputs]
            block = blocks.block(graph, block_of(item))
            stand_ins[item] = Node(id=item, kind="layer", name=block.name, class_name=block.kind or "block",
                                   inputs=_outer_inputs(refs, item, item_of, once=True),
                                   position=next((n.position for n in inside if n.position is not None), None))
            nodes.append(stand_ins[item])
    outputs = tuple(o.model_copy(update={"ref": _outer(o.ref, item_of)}) for o in graph.outputs
                    if item_of.get(o.ref.node) == o.ref.node)  # an output inside a box is drawn by the box
    shown = graph.model_copy(update={"nodes": tuple(nodes), "outputs": outputs, "blocks": ()})
    return Projection(shown, {k: tuple(v) for k, v in members.items()}, item_of)


def _outer(ref: Ref, item_of: Mapping[str, str]) -> Ref:
    item = item_of.get(ref.node, ref.node)
    return ref if item == ref.node else Ref(node=item)


def _outer_inputs(refs: Iterable[Ref], item: str, item_of: Mapping[str, str], once: bool = False) -> tuple[Ref, ...]:
    """The wires into `item` from what is shown, a box's each once (`once`, and a node's from
    one box once); wires inside a box are not drawn."""
    out: list[Ref] = []
    for ref in refs:
        outer = _outer(ref, item_of)
        if outer.node != item and not ((once or block_of(outer.node)) and outer in out):
            out.append(outer)
    return tuple(out)


def box_problems(projection: Projection, problems: Iterable[Problem], graph: Graph) -> list[Problem]:
    """Problems as drawn: a problem of a node inside a box is the box's, its message naming the node."""
    out = []
    for problem in problems:
        item = projection.item_of.get(problem.node) if problem.node is not None else None
        if item is None or block_of(item) is None:
            out.append(problem)
            continue
        out.append(replace(problem, node=item, message=f"{graph.node(problem.node).name}: {problem.message}"))
    return out


def box_sums(projection: Projection, figures: Mapping[str, int]) -> dict[str, int]:
    """A per-node figure (parameters, FLOPs, bytes) summed per box."""
    return {item: sum(figures.get(i, 0) for i in ids) for item, ids in projection.members.items()}


def box_marks(projection: Projection, marks: Mapping[str, str]) -> dict[str, str]:
    """The diff marks per box: a box holding an added or changed node is 'changed' (a box
    all of whose nodes were added is 'added')."""
    out = {}
    for item, ids in projection.members.items():
        found = {marks[i] for i in ids if i in marks}
        if found:
            out[item] = found.pop() if len(found) == 1 and len(ids) == len([i for i in ids if i in marks]) \
                else "changed"
    return out


def box_label(projection: Projection, graph: Graph, item: str, shapes: Mapping[str, Sequence],
              params: Optional[int]) -> str:
    """A collapsed block's label: its name, its kind and size, its input and output shapes,
    its parameters."""
    block = blocks.block(graph, block_of(item))
    edge = blocks.boundary(graph, block.id)

    def shape(ref: Ref) -> str:
        found = shapes.get(ref.node)
        if not found or ref.output >= len(found) or found[ref.output] is None:
            return "?"
        return "(" + ", ".join("None" if d is None else str(d) for d in found[ref.output]) + ")"

    lines = [block.name, f"{block.kind or 'block'} · {len(projection.members[item])} nodes"]
    if edge.inputs or edge.outputs:
        lines.append(f"{', '.join(shape(r) for r in edge.inputs) or '–'} → {', '.join(shape(r) for r in edge.outputs) or '–'}")
    if params is not None:
        lines.append(f"{params:,} params")
    return "\n".join(lines)
