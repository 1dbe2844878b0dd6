"""Finding blocks in a graph that has none: from the layer-name prefixes Keras's own models
use (`conv2_block1_1_conv`), or from its structure (the parts between the nodes every path
passes through: a residual block, an inception tower). Groupings only: the model is the same.
"""

from __future__ import annotations

import re
from collections import defaultdict

from editor.model.edits import snake_case
from editor.model.graph import Block, Graph, topological_order


_PREFIX_PART = re.compile(r"[A-Za-z]+_?\d+[a-z]?")  # conv2, block_1, block2a


def _tokens(name: str) -> list[str]:
    """'block_1_expand' -> ['block_1', 'expand'] (a number alone joins the word before it
    when that word has none); 'conv2_block1_1_conv' -> ['conv2', 'block1', '1', 'conv']."""
    tokens: list[str] = []
    for part in name.split("_"):
        if part.isdigit() and tokens and not any(c.isdigit() for c in tokens[-1]):
            tokens[-1] += "_" + part
        else:
            tokens.append(part)
    return tokens


def _name_path(name: str) -> tuple[str, ...]:
    """The nested prefixes a layer name says it is in: 'conv2_block1_1_conv' ->
    ('conv2', 'conv2_block1'); 'block_3_expand' -> ('block_3',); 'dense' and 'conv2d_5'
    (Keras's own numbering, not a block) -> ()."""
    tokens = _tokens(name)
    path: list[str] = []
    for i, token in enumerate(tokens[:-1]):
        if not _PREFIX_PART.fullmatch(token) or all(t.isdigit() for t in tokens[i + 1:]):
            break
        path.append("_".join(tokens[: i + 1]))
    return tuple(path)


def _kind_of(prefix: str) -> str:
    """'conv2_block1' -> 'conv_block'; 'block3' -> 'block'; 'block2a' -> 'block'."""
    return "_".join(re.sub(r"_?\d+[a-z]?$", "", token) for token in _tokens(prefix))


def blocks_from_names(graph: Graph, smallest: int = 2) -> Graph:
    """Blocks from the layer-name prefixes Keras's own models use (`conv2_block1_1_conv`:
    block conv2_block1 inside conv2), for a graph that has none. A prefix names a block when
    at least `smallest` nodes carry it and its nodes are contiguous in graph order (so a
    block is a run of the model, not a scatter); prefixes that hold every node are skipped."""
    if graph.blocks or not graph.nodes:
        return graph
    holders: dict[str, list[int]] = defaultdict(list)
    paths = [_name_path(n.name) for n in graph.nodes]
    for index, path in enumerate(paths):
        for prefix in path:
            holders[prefix].append(index)
    kept = [p for p, at in holders.items()
            if len(at) >= smallest and len(at) < len(graph.nodes) and at[-1] - at[0] + 1 == len(at)]
    if not kept:
        return graph
    ids = {prefix: f"b{i + 1}" for i, prefix in enumerate(sorted(kept, key=lambda p: (holders[p][0], len(p))))}
    blocks = []
    for prefix, block_id in ids.items():
        parent = next((ids[q] for q in reversed(_name_path(prefix + "_x")[:-1]) if q in ids), None)
        blocks.append(Block(id=block_id, name=prefix, kind=_kind_of(prefix), parent=parent))
    nodes = tuple(n.model_copy(update={"block": next((ids[p] for p in reversed(path) if p in ids), None)})
                  for n, path in zip(graph.nodes, paths))
    return graph.model_copy(update={"nodes": nodes, "blocks": tuple(blocks)})


def blocks_from_structure(graph: Graph, smallest: int = 3) -> Graph:
    """Blocks from the graph's shape, for a graph that has none: a node that every path from
    the inputs to the outputs passes through cuts the model; the nodes after one cut up to
    and with the next cut form a block when they branch (at least `smallest` nodes), named
    after its last node (`mixed0`, the Add of a residual block). Blocks of one structure get
    one kind, from their last node's class (`add_block`, `concatenate_block`)."""
    if graph.blocks or not graph.nodes:
        return graph
    order = topological_order(graph)
    if len(order) != len(graph.nodes):  # a cycle: no cut is certain
        return graph
    position = {node_id: i for i, node_id in enumerate(order)}
    covered = [0] * (len(order) + 1)  # how many wires pass over each position
    wires = [(position[r.node], position[n.id]) for n in graph.nodes for r in n.inputs if r.node in position]
    wires += [(-1, position[n.id]) for n in graph.inputs]  # from one source before every input
    wires += [(position[r.node], len(order)) for r in graph.model_outputs if r.node in position]  # to one sink
    for start, end in wires:
        if end - start > 1:
            covered[start + 1] += 1
            covered[end] -= 1
    cuts, running = [], 0
    for i in range(len(order)):
        running += covered[i]
        if running == 0:
            cuts.append(i)
    largest = max(smallest, len(order) // 4)  # a U-Net's skips make one region of most of it: no block
    regions = [order[a + 1:b + 1] for a, b in zip(cuts, cuts[1:]) if smallest <= b - a <= largest]
    if not regions:
        return graph
    made = []
    for index, region in enumerate(regions):
        last = graph.node(region[-1])
        made.append((f"b{index + 1}", last.name, f"{snake_case(last.class_name or last.kind)}_block", region))
    blocks = tuple(Block(id=block_id, name=name, kind=kind) for block_id, name, kind, _ in made)
    home = {node_id: block_id for block_id, _, _, region in made for node_id in region}
    nodes = tuple(n.model_copy(update={"block": home[n.id]}) if n.id in home else n for n in graph.nodes)
    return graph.model_copy(update={"nodes": nodes, "blocks": blocks})


def found_blocks(graph: Graph) -> Graph:
    """Blocks for a graph that has none: Keras's layer-name prefixes where they are, else
    the graph's structure."""
    named = blocks_from_names(graph)
    return named if named.blocks else blocks_from_structure(named)
