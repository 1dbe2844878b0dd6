"""What changed between two projects, by node identity. No Keras.

Graphs are matched by id, nodes by id, outputs by the node they read: a renamed node is
one change ("name: a -> b"), never a removal and an addition; a moved node is no change
at all (positions are the canvas's, not the model's). Each change is one line a person
reads; `weights()` and `deltas()` (editor.building.build, Keras) add what the build knows: which
layers' trained weights would still load by name, and each node's shape and parameter
change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional

from editor.building.plan import owner
from editor.model import blocks
from editor.model.graph import Graph, Node, Output, Project

_FIELDS = ("kind", "class_name", "shape", "dtype", "graph", "expression", "weight")


@dataclass(frozen=True)
class NodeChange:
    graph: str  # the name of the graph the node is in: B's, or A's when it was removed (graphs may be renamed)
    node: str  # the node's name in B (in A when removed)
    node_id: str
    status: str  # added, removed, changed
    details: tuple[str, ...] = ()
    graph_id: str = ""  # the graph's id, the same in A and B (its name may differ)


@dataclass
class ProjectDiff:
    nodes: list[NodeChange] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # one line each
    graphs: list[str] = field(default_factory=list)
    compile: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)  # groupings: the model is the same, the project is not

    @property
    def equal(self) -> bool:
        return not (self.nodes or self.outputs or self.graphs or self.compile or self.blocks)

    def lines(self) -> list[str]:
        out = list(self.graphs)
        for change in self.nodes:
            head = f"{change.status} {change.graph}/{change.node}"
            out.append(head + (f": {'; '.join(change.details)}" if change.details else ""))
        return out + self.outputs + self.compile + self.blocks

    def to_json(self) -> dict:
        return {"equal": self.equal, "graphs": self.graphs, "outputs": self.outputs, "compile": self.compile,
                "blocks": self.blocks,
                "nodes": [{"graph": c.graph, "node": c.node, "id": c.node_id, "status": c.status,
                           "details": list(c.details)} for c in self.nodes]}


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if not isinstance(value, str) else value


def diff(a: Project, b: Project) -> ProjectDiff:
    result = ProjectDiff()
    graphs_a = {g.id: g for g in a.graphs}
    graphs_b = {g.id: g for g in b.graphs}
    for graph_id, old, graph in _paired(graphs_a, graphs_b):
        if graph is None:
            result.graphs.append(f"removed graph {old.name}")
            continue
        if old is None:
            result.graphs.append(f"added graph {graph.name}")
            old = Graph(id=graph_id, name=graph.name)
        elif old.name != graph.name:
            result.graphs.append(f"renamed graph {old.name} -> {graph.name}")
        _graph_diff(old, graph, result, graphs_a, graphs_b)
    for field_name in ("optimizer", "learning_rate"):
        before, after = getattr(a.training, field_name), getattr(b.training, field_name)
        if before != after:
            result.compile.append(f"compile {field_name}: {before} -> {after}")
    return result


def _paired(before: dict, after: dict):
    """(key, old, new) for each key of either side: the removed ones first (new is None),
    then `after`'s in its order (old is None for an added one)."""
    for key, old in before.items():
        if key not in after:
            yield key, old, None
    for key, new in after.items():
        yield key, before.get(key), new


def _graph_diff(a: Graph, b: Graph, result: ProjectDiff, graphs_a: dict, graphs_b: dict) -> None:
    ids_b = {n.id for n in b.nodes}
    for node in a.nodes:
        if node.id not in ids_b:
            result.nodes.append(NodeChange(a.name, node.name, node.id, "removed", graph_id=a.id))
    for node in b.nodes:
        old = a.get(node.id)
        if old is None:
            result.nodes.append(NodeChange(b.name, node.name, node.id, "added", _describe(node, b, graphs_b), b.id))
            continue
        details = _node_details(old, node, a, b, graphs_a, graphs_b)
        if details:
            result.nodes.append(NodeChange(b.name, node.name, node.id, "changed", tuple(details), b.id))
    outputs_a = {o.ref.node: o for o in a.outputs}
    outputs_b = {o.ref.node: o for o in b.outputs}
    for node_id, old, output in _paired(outputs_a, outputs_b):
        if output is None:
            result.outputs.append(f"output removed: {a.name}/{_name(a, node_id)}")
        elif old is None:
            result.outputs.append(f"output added: {b.name}/{_name(b, node_id)} (loss {output.loss})")
        else:
            result.outputs += _output_details(old, output, b.name, _name(b, node_id))
    if [n for n in outputs_a if n in outputs_b] != [n for n in outputs_b if n in outputs_a]:  # kept ones only
        result.outputs.append(f"outputs reordered in {b.name}")
    result.blocks += _block_lines(a, b)


def _block_lines(a: Graph, b: Graph) -> list[str]:
    """Blocks added, removed, renamed or moved (by id), and nodes kept but moved between blocks."""
    lines = []
    blocks_a, blocks_b = {x.id: x for x in a.blocks}, {x.id: x for x in b.blocks}
    names_a, names_b = ({k: v.name for k, v in side.items()} for side in (blocks_a, blocks_b))
    for block_id, old, new in _paired(blocks_a, blocks_b):
        if new is None:
            lines.append(f"removed block {b.name}/{old.name}")
        elif old is None:
            lines.append(f"added block {b.name}/{new.name}" + (f" ({new.kind})" if new.kind else ""))
        else:
            if old.name != new.name:
                lines.append(f"renamed block {b.name}/{old.name} -> {new.name}")
            if old.parent != new.parent:
                lines.append(f"moved block {b.name}/{new.name}: in {names_a.get(old.parent, 'the graph')} -> "
                             f"in {names_b.get(new.parent, 'the graph')}")
    for node in b.nodes:
        old = a.get(node.id)
        if old is not None and old.block != node.block:
            lines.append(f"moved {b.name}/{node.name}: in {names_a.get(old.block, 'the graph')} -> "
                         f"in {names_b.get(node.block, 'the graph')}")
    return lines


def by_block(found: ProjectDiff, a: Project, b: Project) -> list[str]:
    """One line per block of the main graph holding node changes (B's blocks; A's for a
    removed node): how many nodes were added, changed and removed inside it, nested
    blocks included."""
    counts: dict[str, dict[str, int]] = {}
    for change in found.nodes:
        side = a if change.status == "removed" else b
        if change.graph_id != side.main.id:
            continue
        graph = side.main
        node = graph.get(change.node_id)
        for block_id in (blocks.chain(graph, node.block) if node is not None else ()):
            name = blocks.block(graph, block_id).name
            counts.setdefault(name, {"added": 0, "changed": 0, "removed": 0})[change.status] += 1
    return [f"block {name}: " + ", ".join(f"{n} {status}" for status, n in tally.items() if n)
            for name, tally in counts.items()]


def _name(graph: Graph, node_id: str) -> str:
    node = graph.get(node_id)
    return node.name if node is not None else node_id


def _wiring(node: Node, graph: Graph) -> list[str]:
    names = [_name(graph, r.node) + (f":{r.output}" if r.output else "") for r in node.inputs]
    return [f"{k}={n}" if k else n for k, n in zip([node.keyword(i) for i in range(len(names))], names)] \
        if not node.names_inputs else [f"{k}={n}" for k, n in zip(node.input_names, names)]


def _describe(node: Node, graph: Graph, graphs: dict) -> tuple[str, ...]:
    what = node.class_name or node.kind
    if node.kind == "model" and node.graph in graphs:
        what = f"model {graphs[node.graph].name}"
    details = [what]
    if node.inputs:
        details.append(f"reads {', '.join(_wiring(node, graph))}")
    return tuple(details)


def _node_details(a: Node, b: Node, graph_a: Graph, graph_b: Graph, graphs_a: dict, graphs_b: dict) -> list[str]:
    details = []
    if a.name != b.name:
        details.append(f"name: {a.name} -> {b.name}")
    if a.names_inputs and b.names_inputs and a.input_names != b.input_names and a.inputs == b.inputs:
        details.append(f"input names: {', '.join(a.input_names)} -> {', '.join(b.input_names)}")
    for field_name in _FIELDS:
        before, after = getattr(a, field_name), getattr(b, field_name)
        if field_name == "graph":
            before = graphs_a[before].name if before in graphs_a else before
            after = graphs_b[after].name if after in graphs_b else after
        if before != after:
            details.append(f"{field_name}: {_text(before)} -> {_text(after)}")
    for key in sorted(set(a.config) | set(b.config)):
        before, after = a.config.get(key), b.config.get(key)
        if before != after:
            details.append(f"{key}: {_text(before) if key in a.config else '(default)'} -> "
                           f"{_text(after) if key in b.config else '(default)'}")
    wiring_a, wiring_b = _wiring(a, graph_a), _wiring(b, graph_b)
    same_wires = a.inputs == b.inputs and [a.keyword(i) for i in range(len(a.inputs))] == \
        [b.keyword(i) for i in range(len(b.inputs))]  # by identity: a renamed source is not a rewiring
    if not same_wires:
        details.append(f"inputs: {', '.join(wiring_a) or 'none'} -> {', '.join(wiring_b) or 'none'}")
    shares_a, shares_b = _layer_owner(graph_a, a), _layer_owner(graph_b, b)
    if a.shares != b.shares:
        details.append(f"shares: {shares_a or 'none'} -> {shares_b or 'none'}")
    return details


def _layer_owner(graph: Graph, node: Node) -> Optional[str]:
    """The name of the node whose layer a sharing node calls (its id if missing); None if it shares none."""
    if not node.shares:
        return None
    found = owner(graph, node)
    return found.name if found is not None else node.shares


def _output_details(a: Output, b: Output, graph: str, name: str) -> list[str]:
    out = []
    for field_name in ("loss", "loss_weight", "metrics"):
        before, after = getattr(a, field_name), getattr(b, field_name)
        if before != after:
            out.append(f"output {graph}/{name} {field_name}: {_text(before)} -> {_text(after)}")
    if a.ref.output != b.ref.output:
        out.append(f"output {graph}/{name} reads output {a.ref.output} -> {b.ref.output}")
    return out


# ----------------------------------------------------------------------------- with Keras

@dataclass(frozen=True)
class Deltas:
    """What the builds say: per node (B's id) shape and parameter change, the total, and
    the layers whose weights would load into B by name (same weight shapes)."""

    nodes: dict  # node id -> (shape A, shape B, params A, params B)
    total: tuple[int, int]
    loads: tuple[str, ...]
    not_loading: tuple[str, ...]


def deltas(a: Project, b: Project) -> Optional[Deltas]:
    """None when either main model does not build."""
    from editor.building.build import build_project
    from editor.building.node_cost import costs_of

    built_a, built_b = build_project(a, weights=False), build_project(b, weights=False)
    if built_a.model is None or built_b.model is None:
        return None
    costs_a = costs_of(a, a.main.id, built_a)
    costs_b = costs_of(b, b.main.id, built_b)
    nodes = {}
    for node in b.main.nodes:
        shape_a, shape_b = built_a.shapes.get(node.id), built_b.shapes.get(node.id)
        params_a = costs_a[node.id].params if node.id in costs_a else 0
        params_b = costs_b[node.id].params if node.id in costs_b else 0
        if shape_a != shape_b or params_a != params_b:
            nodes[node.id] = (shape_a, shape_b, params_a, params_b)
    shapes_a = {l.name: [tuple(w.shape) for w in l.weights] for l in built_a.model.layers if l.weights}
    shapes_b = {l.name: [tuple(w.shape) for w in l.weights] for l in built_b.model.layers if l.weights}
    loads = tuple(sorted(n for n in shapes_b if shapes_a.get(n) == shapes_b[n]))
    not_loading = tuple(sorted(n for n in shapes_b if n not in loads))
    return Deltas(nodes, (built_a.model.count_params(), built_b.model.count_params()), loads, not_loading)
