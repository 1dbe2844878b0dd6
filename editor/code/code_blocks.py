"""Blocks from the helper functions of imported code: every call of a function of the file
that made nodes is a block named after the function (`residual_block`, `residual_block_1`,
...; or after its `name=` text argument, as exported code and keras.applications pass one),
its kind the function's name; calls inside calls nest. A call that made fewer than two
nodes, or every node of its model (a `build_model()`), groups nothing and is no block."""

from __future__ import annotations

from editor.code.code_values import Record
from editor.model import blocks
from editor.model.graph import Block, Graph, name_problem


def with_helper_blocks(graph: Graph, records: list[Record], ids: dict[int, str]) -> Graph:
    """`graph` (made from `records`, `ids`: id(record) -> node id) with a block per helper call."""
    block_of_call: dict[int, str] = {}
    made: list[Block] = []
    taken: set[str] = set()
    home: dict[str, str] = {}
    for record in records:
        parent = None
        for call in record.calls:
            if id(call) not in block_of_call:
                block_id = f"b{len(made) + 1}"
                block_of_call[id(call)] = block_id
                made.append(Block(id=block_id, name=_name(call, taken), kind=(call.function if call.kind is None else call.kind)[:128], parent=parent))
            parent = block_of_call[id(call)]
        if parent is not None:
            home[ids[id(record)][:64]] = parent
    if not made:
        return graph
    nodes = tuple(n.model_copy(update={"block": home.get(n.id)}) for n in graph.nodes)
    graph = graph.model_copy(update={"nodes": nodes, "blocks": tuple(made)})
    everything = len([n for n in graph.nodes if n.kind != "input"])
    for block in made:
        inside = [n for n in blocks.members(graph, block.id) if n.kind != "input"]
        if len(inside) < 2 or len(inside) == everything:
            graph = blocks.ungroup(graph, block.id)
    return graph


def _name(call, taken: set[str]) -> str:
    wanted = call.name if call.name and not name_problem(call.name) and len(call.name) <= 128 else call.function
    name, i = wanted[:120], 1
    while name in taken:
        name, i = f"{wanted[:120]}_{i}", i + 1
    taken.add(name)
    return name
