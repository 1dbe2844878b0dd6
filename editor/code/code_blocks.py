"""Blocks from the helper functions of imported code: every call of a function of the file
that made nodes is a block named after the function (`residual_block`, `residual_block_1`,
...; or after its `name=` text argument, as exported code and keras.applications pass one),
its kind the function's name (or the kind its docstring names, as exported code writes
it); calls inside calls nest. A call that made fewer than two nodes, or every node of its
model (a `build_model()`), groups nothing and is no block.

Exported code also writes the blocks it cannot write as calls (editor.code.codegen_blocks)
flat, marked by comments: `# block: {"name": ..., "kind": ..., "in": ..., "model": ...}`
before their first line and `# in block: "name"` after each of their lines. They come back
as they were (JSON strings: read, never run; names the editor refuses are not read).
"""

from __future__ import annotations

import json
import re
from typing import Optional, Sequence

from editor.code.code_values import Record, comment_string
from editor.model import blocks
from editor.model.graph import Block, Graph, name_problem

HEADER = re.compile(r"^\s*#\s*block:\s*(\{.{0,1000}\})\s*$")
IN_BLOCK = re.compile(r'[#;]\s*in block:\s*("(?:[^"\\]|\\.){0,300}")\s*$')


def with_helper_blocks(graph: Graph, records: list[Record], ids: dict[int, str], lines: Sequence[str] = ()) -> Graph:
    """`graph` (made from `records`, `ids`: id(record) -> node id) with a block per helper
    call, and the marked blocks of exported code (`lines`: the file's lines)."""
    block_of_call: dict[int, str] = {}
    made: list[Block] = []
    taken: set[str] = set()
    home: dict[str, str] = {}
    call_lines: dict[str, int] = {}  # a call's block -> the line it is called on
    for record in records:
        parent = None
        for call in record.calls:
            if id(call) not in block_of_call:
                block_id = f"b{len(made) + 1}"
                block_of_call[id(call)] = block_id
                made.append(Block(id=block_id, name=_name(call, taken), kind=(call.function if call.kind is None
                                                                              else call.kind)[:128], parent=parent))
                call_lines[block_id] = call.line
            parent = block_of_call[id(call)]
        if parent is not None:
            home[ids[id(record)][:64]] = parent
    if made:
        nodes = tuple(n.model_copy(update={"block": home.get(n.id)}) for n in graph.nodes)
        graph = graph.model_copy(update={"nodes": nodes, "blocks": tuple(made)})
        everything = len([n for n in graph.nodes if n.kind != "input"])
        for block in made:
            inside = [n for n in blocks.members(graph, block.id) if n.kind != "input"]
            if len(inside) < 2 or len(inside) == everything:
                graph = blocks.ungroup(graph, block.id)
    return _with_marked_blocks(graph, records, ids, lines, call_lines, taken, len(made))


def _with_marked_blocks(graph: Graph, records: list[Record], ids: dict[int, str], lines: Sequence[str],
                        call_lines: dict[str, int], taken: set[str], count: int) -> Graph:
    """`graph` with the blocks exported code wrote flat: a marked line's nodes in its block,
    a marked call's block inside it."""
    marks = {ids[id(r)][:64]: _in_block(lines, r.line) for r in records} if lines else {}
    called_in = {b: _in_block(lines, line) for b, line in call_lines.items()} if lines else {}
    used = (set(marks.values()) | set(called_in.values())) - {None}
    if not used:
        return graph
    marked = _marked_blocks(graph.name, lines, taken, count)
    by_name = {b.name: b.id for b in marked}
    nodes = tuple(n.model_copy(update={"block": by_name[marks[n.id]]}) if marks.get(n.id) in by_name else n
                  for n in graph.nodes)
    kept = tuple(b.model_copy(update={"parent": by_name[called_in[b.id]]}) if called_in.get(b.id) in by_name else b
                 for b in graph.blocks)
    return blocks.pruned(graph.model_copy(update={"nodes": nodes, "blocks": kept + tuple(marked)}))


def _marked_blocks(model: str, lines: Sequence[str], taken: set[str], count: int) -> list[Block]:
    """The blocks of model `model` that headers in `lines` name (but a helper call's names)."""
    headers: dict[str, tuple[str, Optional[str]]] = {}
    for text in lines:
        found = HEADER.match(text) if "block:" in text else None
        entry = _header(found.group(1)) if found else None
        if entry and entry[3] == model and entry[0] not in taken and entry[0] not in headers:
            headers[entry[0]] = (entry[1], entry[2])
    ids = {name: f"b{count + i + 1}" for i, name in enumerate(headers)}
    parents = {ids[name]: ids.get(parent) for name, (_, parent) in headers.items()}
    for block_id in parents:  # a header naming a block around itself, at any depth, is not read as such
        seen, at = set(), block_id
        while at is not None and at not in seen:
            seen.add(at)
            at = parents[at]
        if at is not None:
            parents[block_id] = None
    return [Block(id=ids[name], name=name, kind=kind, parent=parents[ids[name]]) for name, (kind, _) in headers.items()]


def _header(text: str) -> Optional[tuple[str, str, Optional[str], str]]:
    """(name, kind, the block around it, model) of a block header, or None when it is not one."""
    try:
        entry = json.loads(text)
    except ValueError:
        return None
    if not isinstance(entry, dict):
        return None
    name, kind, parent, model = (entry.get(k) for k in ("name", "kind", "in", "model"))
    if not isinstance(name, str) or not name or len(name) > 128 or name_problem(name) is not None:
        return None
    if not isinstance(kind, str) or len(kind) > 128 or (kind and name_problem(kind) is not None):
        return None
    if not (parent is None or isinstance(parent, str)) or not isinstance(model, str):
        return None
    return name, kind, parent, model


def _in_block(lines: Sequence[str], line: int) -> Optional[str]:
    return comment_string(lines, line, IN_BLOCK)


def _name(call, taken: set[str]) -> str:
    wanted = call.name if call.name and not name_problem(call.name) and len(call.name) <= 128 else call.function
    name, i = wanted[:120], 1
    while name in taken:
        name, i = f"{wanted[:120]}_{i}", i + 1
    taken.add(name)
    return name
