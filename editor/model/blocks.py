"""Blocks: named groups of nodes (a residual block, a U-Net stage), nested, as people think
of a model. Pure functions over a Graph; the built model never sees them.

A node names its innermost block (`Node.block`); a block names its parent. So deleting a
node needs no bookkeeping, and a block is empty when no node and no block is inside it
(`pruned` drops those). A block's inputs and outputs are the wires that cross its edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from editor.errors import UserError
from editor.model.graph import Block, Graph, Node, Ref, name_problem, topological_order


class BlockError(UserError):
    """A grouping the editor refuses, in one line naming the nodes or the block."""


def block(graph: Graph, block_id: str) -> Block:
    for b in graph.blocks:
        if b.id == block_id:
            return b
    raise BlockError(f"there is no block '{block_id}'")


def chain(graph: Graph, block_id: Optional[str]) -> list[str]:
    """`block_id` and the blocks around it, innermost first."""
    return _chain({b.id: b.parent for b in graph.blocks}, block_id)


def _chain(parents: dict[str, Optional[str]], block_id: Optional[str]) -> list[str]:
    out: list[str] = []
    while block_id is not None and block_id in parents:
        out.append(block_id)
        block_id = parents[block_id]
    return out


def children(graph: Graph, block_id: Optional[str]) -> tuple[Block, ...]:
    """The blocks directly inside `block_id` (None: the top level)."""
    return tuple(b for b in graph.blocks if b.parent == block_id)


def members(graph: Graph, block_id: str) -> tuple[Node, ...]:
    """Every node inside the block, nested blocks' nodes too, in graph order."""
    parents = {b.id: b.parent for b in graph.blocks}
    inside = {b for b in parents if block_id in _chain(parents, b)}  # the block and those nested in it
    return tuple(n for n in graph.nodes if n.block in inside)


def top_item(graph: Graph, node: Node, open_blocks: Iterable[str] = ()) -> Optional[str]:
    """The outermost collapsed block that hides `node` (None: the node shows itself), when
    the blocks in `open_blocks` are expanded."""
    opened = set(open_blocks)
    for block_id in reversed(chain(graph, node.block)):
        if block_id not in opened:
            return block_id
    return None


@dataclass(frozen=True)
class Boundary:
    inputs: tuple[Ref, ...]   # tensors made outside and used inside, in first-use order
    outputs: tuple[Ref, ...]  # tensors made inside and used outside (or model outputs)


def boundary(graph: Graph, block_id: str) -> Boundary:
    inside = {n.id for n in members(graph, block_id)}
    inputs: list[Ref] = []
    outputs: list[Ref] = []
    for node in graph.nodes:
        for ref in node.inputs:
            if node.id in inside and ref.node not in inside and ref not in inputs:
                inputs.append(ref)
            if node.id not in inside and ref.node in inside and ref not in outputs:
                outputs.append(ref)
    for ref in graph.model_outputs:
        if ref.node in inside and ref not in outputs:
            outputs.append(ref)
    return Boundary(tuple(inputs), tuple(outputs))


def pruned(graph: Graph) -> Graph:
    """`graph` without blocks that hold no node (at any depth)."""
    used: set[str] = set()
    for node in graph.nodes:
        used.update(chain(graph, node.block))
    if len(used) == len(graph.blocks):
        return graph
    return graph.model_copy(update={"blocks": tuple(b for b in graph.blocks if b.id in used)})


def unique_block_name(graph: Graph, base: str) -> str:
    taken = {b.name for b in graph.blocks}
    if base not in taken:
        return base
    i = 1
    while f"{base}_{i}" in taken:
        i += 1
    return f"{base}_{i}"


def _new_block_id(graph: Graph) -> str:
    taken = {b.id for b in graph.blocks}
    i = len(graph.blocks) + 1
    while f"b{i}" in taken:
        i += 1
    return f"b{i}"


def group(graph: Graph, node_ids: Iterable[str], name: str, kind: str = "") -> tuple[Graph, str]:
    """A new block holding the given nodes (all in the same block today; nested blocks whose
    every node is given move in whole). Returns the graph and the new block's id."""
    chosen = [graph.get(i) for i in dict.fromkeys(node_ids)]
    if any(n is None for n in chosen):
        raise BlockError("group: a chosen node is not in the graph")
    if len(chosen) < 2:
        raise BlockError("group: choose at least two nodes")
    problem = name_problem(name)
    if not name or problem:
        raise BlockError(f"block name '{name}': {problem or 'it is empty'}")
    if any(b.name == name for b in graph.blocks):
        raise BlockError(f"there is already a block named '{name}'")
    chosen_ids = {n.id for n in chosen}
    parent = _common_parent(graph, chosen)
    new_id = _new_block_id(graph)
    moved_blocks = {_child_of(graph, n.block, parent) for n in chosen} - {None}
    for block_id in moved_blocks:  # a nested block moves in only with all its nodes
        missing = [n.name for n in members(graph, block_id) if n.id not in chosen_ids]
        if missing:
            raise BlockError(f"group: '{missing[0]}' is in block '{block(graph, block_id).name}' "
                             "with chosen nodes; choose all of that block or none")
    nodes = tuple(n.model_copy(update={"block": new_id}) if n.id in chosen_ids and n.block == parent else n
                  for n in graph.nodes)
    blocks = tuple(b.model_copy(update={"parent": new_id}) if b.id in moved_blocks else b for b in graph.blocks)
    blocks += (Block(id=new_id, name=name, kind=kind, parent=parent),)
    return graph.model_copy(update={"nodes": nodes, "blocks": blocks}), new_id


def _common_parent(graph: Graph, nodes: list[Node]) -> Optional[str]:
    """The innermost block holding every node (None: the top level)."""
    chains = [list(reversed(chain(graph, n.block))) for n in nodes]
    common: Optional[str] = None
    for level in zip(*chains):
        if len(set(level)) != 1:
            break
        common = level[0]
    # a node directly in `common` keeps the new block directly inside `common`
    return common


def _child_of(graph: Graph, block_id: Optional[str], parent: Optional[str]) -> Optional[str]:
    """The block directly inside `parent` on the way to `block_id` (None: it is `parent`)."""
    path = chain(graph, block_id)
    if parent is None:
        return path[-1] if path else None
    index = path.index(parent)
    return path[index - 1] if index > 0 else None


def ungroup(graph: Graph, block_id: str) -> Graph:
    """The block gone; its nodes and blocks move to its parent."""
    gone = block(graph, block_id)
    nodes = tuple(n.model_copy(update={"block": gone.parent}) if n.block == block_id else n for n in graph.nodes)
    blocks = tuple(b.model_copy(update={"parent": gone.parent}) if b.parent == block_id else b
                   for b in graph.blocks if b.id != block_id)
    return graph.model_copy(update={"nodes": nodes, "blocks": blocks})


def rename_block(graph: Graph, block_id: str, name: str) -> Graph:
    problem = name_problem(name)
    if not name or problem:
        raise BlockError(f"block name '{name}': {problem or 'it is empty'}")
    if any(b.name == name and b.id != block_id for b in graph.blocks):
        raise BlockError(f"there is already a block named '{name}'")
    renamed = block(graph, block_id).model_copy(update={"name": name})
    return graph.model_copy(update={"blocks": tuple(renamed if b.id == block_id else b for b in graph.blocks)})


# --- repeats: blocks of one kind -------------------------------------------------------

def structure(graph: Graph, block_id: str) -> tuple[list[Node], tuple]:
    """The block's nodes in topological order and its shape up to config values: each node's
    kind, class, config keys, nesting and wiring by position inside the block."""
    inside = members(graph, block_id)
    ids = {n.id for n in inside}
    order = [i for i in topological_order(graph) if i in ids]
    position = {node_id: i for i, node_id in enumerate(order)}
    outer = boundary(graph, block_id).inputs
    nodes = [graph.node(i) for i in order]
    shape = []
    for node in nodes:
        wires = tuple(("in", position[r.node], r.output) if r.node in ids else ("out", outer.index(r))
                      for r in node.inputs)
        depth = chain(graph, node.block).index(block_id)
        shape.append((node.kind, node.class_name, tuple(sorted(node.config)), wires, node.input_names, depth,
                      node.shares is not None))
    return nodes, tuple(shape)


def same_kind(graph: Graph, block_id: str) -> tuple[str, ...]:
    """Ids of the blocks of `block_id`'s kind with its structure (itself included), in
    graph order: the instances "Apply to every block of this kind" changes."""
    mine = block(graph, block_id)
    _, shape = structure(graph, block_id)
    return tuple(b.id for b in graph.blocks
                 if b.kind == mine.kind and (b.id == block_id or structure(graph, b.id)[1] == shape))


@dataclass(frozen=True)
class Argument:
    """One config value that differs between the blocks of a kind: the node's place in the
    block, its name in this block, the field, and each instance's value (block id -> value)."""
    position: int
    node_name: str
    key: str
    values: dict[str, Any]


def arguments(graph: Graph, block_id: str) -> tuple[Argument, ...]:
    """The values that differ between the instances of the block's kind: what the helper's
    arguments set (filters, strides, a rate...)."""
    kin = same_kind(graph, block_id)
    nodes_of = {b: structure(graph, b)[0] for b in kin}
    mine = nodes_of[block_id]
    out = []
    for position, node in enumerate(mine):
        for key in sorted(node.config):
            values = {b: nodes_of[b][position].config.get(key) for b in kin}
            if len({repr(v) for v in values.values()}) > 1:
                out.append(Argument(position, node.name, key, values))
    return tuple(out)


def apply_to_kind(graph: Graph, block_id: str, node_id: str, key: str, value: Any) -> Graph:
    """Set config `key` of the node at `node_id`'s place in every block of this kind: one
    edit. A value equal to Keras's default is the caller's to drop (as edits.set_param does)."""
    nodes, _ = structure(graph, block_id)
    ids = [n.id for n in nodes]
    if node_id not in ids:
        raise BlockError(f"node '{graph.node(node_id).name}' is not in block '{block(graph, block_id).name}'")
    position = ids.index(node_id)
    targets = {structure(graph, b)[0][position].id for b in same_kind(graph, block_id)}
    nodes_out = tuple(n.model_copy(update={"config": {**n.config, key: value}}) if n.id in targets else n
                      for n in graph.nodes)
    return graph.model_copy(update={"nodes": nodes_out})
