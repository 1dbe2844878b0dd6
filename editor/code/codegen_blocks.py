"""Blocks as helper functions in the exported code, as a person writes a ResNet: one `def`
per kind of block, its varying config values as arguments, called at each block; a block
with blocks inside calls their defs (a stage calling its residual blocks). A block alone
of its kind is a def called once, so that importing the code gives the blocks back.

Only what is certainly the same model is written this way; any other block is written
flat, node by node, and comes back from an import without its block. A block becomes a
call when its nodes are plain layer calls (no shared layer, no keyword tensors, no second
output), one tensor leaves it, its nodes come one after another in the call plan (so the
call sits where they were), it holds at least two nodes but not every layer of the model
(the importer's rule for helper calls, editor.code.code_blocks) and every block inside it
is a call too, named by its name plus an ending. Layer names stay exactly the model's:
`name + "_1_conv"` where every block's names are its own name plus the same endings, else
the names are passed in. The def's docstring names the blocks' kind, which the importer
reads back (editor.code.code_blocks.kind_of).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Optional

from editor.building.plan import Plan
from editor.model import blocks
from editor.model.graph import Graph, Node

KIND_DOC = "A block of kind {}: each call makes new layers."


class Code(str):
    """Source text that codegen.value() writes as it is (a parameter of a block's def)."""


@dataclass
class BlockDef:
    """One `def` and the blocks that call it."""

    name: str
    kind: str
    instances: list[str]  # block ids, in graph order
    inputs: int
    prefix_names: bool  # names are `name + ending`; else a `names` tuple is passed in
    arguments: list[tuple[str, list[tuple[int, str]]]]  # parameter -> (node position, config key) it sets
    def_of: dict[str, "BlockDef"] = field(default_factory=dict)  # every block written as a call -> its def (shared)


@dataclass
class BlockPlan:
    defs: list[BlockDef] = field(default_factory=list)  # inner kinds first
    calls: dict[str, tuple[BlockDef, str]] = field(default_factory=dict)  # first node id -> (def, block id)
    inside: set[str] = field(default_factory=set)  # node ids written inside a def (not in the body)
    headers: dict[str, list[str]] = field(default_factory=dict)  # first node id -> comments opening flat blocks
    marks: dict[str, str] = field(default_factory=dict)  # node id (or a call's first node) -> its line's flat block


def plan_blocks(graph: Graph, calls: Plan, name: Callable[[str], str]) -> BlockPlan:
    """Which blocks of `graph` become calls of which def; `name` hands out module-level names."""
    result = BlockPlan()
    if not graph.blocks or not calls.complete:
        return result
    callable_ = _Callable(graph, {step.node.id: i for i, step in enumerate(calls.steps)})
    groups: dict[tuple, list[str]] = {}
    for block in sorted(graph.blocks, key=lambda b: -len(blocks.chain(graph, b.id))):  # inner blocks first
        key = callable_.key(block.id)
        if key is not None:
            groups.setdefault(key, []).append(block.id)
    def_of: dict[str, BlockDef] = {}
    place = {b.id: i for i, b in enumerate(graph.blocks)}
    for (kind, *_), instances in groups.items():
        instances.sort(key=place.__getitem__)
        definition = _definition(graph, instances, name(kind or "block"), kind, def_of)
        result.defs.append(definition)
        def_of.update((b, definition) for b in instances)
    for block in graph.blocks:
        if block.id in def_of and block.parent not in def_of:
            nodes = blocks.structure(graph, block.id)[0]
            result.calls[nodes[0].id] = (def_of[block.id], block.id)
            result.inside.update(n.id for n in nodes)
    _mark_flat_blocks(graph, result, def_of)
    return result


def _mark_flat_blocks(graph: Graph, result: BlockPlan, def_of: dict[str, BlockDef]) -> None:
    """The comments that bring back the blocks written flat (editor.code.code_blocks reads
    them): a header before each one's first line, and its name after each of its lines."""
    named = {b.id: b.name for b in graph.blocks}
    flat = [b for b in graph.blocks if b.id not in def_of]
    if not flat:
        return
    opening: dict[str, list[tuple[int, str]]] = {}
    for block in flat:
        first = blocks.structure(graph, block.id)[0][0]
        header = json.dumps({"name": block.name, "kind": block.kind, "in": named.get(block.parent), "model": graph.name})
        opening.setdefault(first.id, []).append((len(blocks.chain(graph, block.id)), f"# block: {header}"))
    result.headers = {node: [text for _, text in sorted(found)] for node, found in opening.items()}
    flat_ids = {b.id for b in flat}
    for node in graph.nodes:
        if node.id not in result.inside and node.block in flat_ids:
            result.marks[node.id] = named[node.block]
    for first, (_, block_id) in result.calls.items():
        parent = blocks.block(graph, block_id).parent
        if parent in flat_ids:
            result.marks[first] = named[parent]


class _Callable:
    """Which blocks can be calls, and the key that puts blocks of one def together."""

    def __init__(self, graph: Graph, order: dict[str, int]):
        self.graph, self.order = graph, order
        self.layers = len([n for n in graph.nodes if n.kind != "input"])
        self.shared = {n.shares for n in graph.nodes if n.shares}
        self.memo: dict[str, Optional[tuple]] = {}

    def key(self, block_id: str) -> Optional[tuple]:
        """None when the block is written flat; blocks with equal keys share a def."""
        if block_id not in self.memo:
            self.memo[block_id] = self._key(block_id)
        return self.memo[block_id]

    def _key(self, block_id: str) -> Optional[tuple]:
        graph = self.graph
        nodes, shape = blocks.structure(graph, block_id)
        if not 2 <= len(nodes) < self.layers or not self._plain(block_id, nodes):
            return None
        kids = blocks.children(graph, block_id)
        kid_keys = [self.key(k.id) for k in kids]
        if None in kid_keys:
            return None
        position = {n.id: i for i, n in enumerate(nodes)}
        inner = sorted((position[blocks.structure(graph, k.id)[0][0].id], key) for k, key in zip(kids, kid_keys))
        return (blocks.block(graph, block_id).kind, shape, tuple(inner))

    def _plain(self, block_id: str, nodes: list[Node]) -> bool:
        graph, ids = self.graph, {n.id for n in nodes}
        if any(n.kind != "layer" or n.shares or n.id in self.shared or n.input_names or not n.inputs for n in nodes):
            return False
        if any(r.output for n in graph.nodes for r in n.inputs if r.node in ids):
            return False
        if any(v is True for n in nodes for k, v in n.config.items() if k in ("return_state", "return_attention_scores",
                                                                             "return_sequences_and_state")):
            return False
        edge = blocks.boundary(graph, block_id)
        if len(edge.outputs) != 1 or edge.outputs[0].output or not edge.inputs:
            return False
        places = sorted(self.order[i] for i in ids)
        return places[-1] - places[0] + 1 == len(places)


def _ending(prefix: str, name: str) -> Optional[str]:
    return name[len(prefix) + 1:] if name.startswith(prefix + "_") and len(name) > len(prefix) + 1 else None


def _inner_block_names(graph: Graph, block_id: str) -> list[str]:
    """The names of the blocks inside `block_id`, at any depth, in structure order (outer first)."""
    position = {n.id: i for i, n in enumerate(blocks.structure(graph, block_id)[0])}
    inner = [b for b in graph.blocks if b.id != block_id and block_id in blocks.chain(graph, b.id)]
    first = {b.id: min(position[n.id] for n in blocks.members(graph, b.id)) for b in inner}
    return [b.name for b in sorted(inner, key=lambda b: (first[b.id], len(blocks.chain(graph, b.id))))]


def _items(graph: Graph, block_id: str) -> list[tuple[str, str]]:
    """The block's direct nodes and the blocks directly inside it, in structure order:
    ("node", id) or ("block", id); a block sits where its first node is."""
    out, seen = [], set()
    for node in blocks.structure(graph, block_id)[0]:
        kid = _child_of(graph, node.block, block_id)
        if kid is None:
            out.append(("node", node.id))
        elif kid not in seen:
            seen.add(kid)
            out.append(("block", kid))
    return out


def _child_of(graph: Graph, inner: Optional[str], block_id: str) -> Optional[str]:
    path = blocks.chain(graph, inner)
    index = path.index(block_id)
    return path[index - 1] if index > 0 else None


def bundle(graph: Graph, block_id: str, def_of: dict[str, "BlockDef"]):
    """What names a block in a call: its name, or (its name, one entry per item: a node's
    name or an inner block's bundle) when its def takes the names in."""
    me = blocks.block(graph, block_id).name
    if def_of[block_id].prefix_names:
        return me
    return (me, tuple(graph.node(i).name if what == "node" else bundle(graph, i, def_of)
                      for what, i in _items(graph, block_id)))


def _definition(graph: Graph, instances: list[str], def_name: str, kind: str, def_of: dict[str, BlockDef]) -> BlockDef:
    shapes = [blocks.structure(graph, b)[0] for b in instances]
    named = [blocks.block(graph, b).name for b in instances]
    endings = [[_ending(prefix, name) for name in [n.name for n in nodes] + _inner_block_names(graph, b)]
               for prefix, nodes, b in zip(named, shapes, instances)]
    prefix_names = all(e == endings[0] and None not in e for e in endings)
    by_values: dict[tuple, list[tuple[int, str]]] = {}
    for position, node in enumerate(shapes[0]):
        for key in sorted(node.config):
            values = tuple(repr(nodes[position].config.get(key)) for nodes in shapes)
            if len(set(values)) > 1:
                by_values.setdefault(values, []).append((position, key))
    used = {"x", "name", "names"} | {f"x{i + 1}" for i in range(len(blocks.boundary(graph, instances[0]).inputs))}
    arguments = []
    for places in by_values.values():
        key = places[0][1]
        parameter, i = key, 1
        while parameter in used:
            parameter, i = f"{key}_{i}", i + 1
        used.add(parameter)
        arguments.append((parameter, places))
    inputs = len(blocks.boundary(graph, instances[0]).inputs)
    return BlockDef(def_name, kind, instances, inputs, prefix_names, arguments, def_of)


def def_lines(graph: Graph, definition: BlockDef, layer_expression, value, namespace) -> list[str]:
    """The `def` of a kind of block, written from its first block; `namespace` hands out
    its local names (the module's names taken)."""
    first = definition.instances[0]
    nodes, _ = blocks.structure(graph, first)
    inputs = blocks.boundary(graph, first).inputs
    tensor_params = ["x"] if definition.inputs == 1 else [f"x{i + 1}" for i in range(definition.inputs)]
    params = tensor_params + ["name"] + ([] if definition.prefix_names else ["names"]) + [p for p, _ in definition.arguments]
    set_by = {place: parameter for parameter, places in definition.arguments for place in places}
    prefix = blocks.block(graph, first).name
    for param in params:
        namespace.name(param)
    local = {ref.node: name for ref, name in zip(inputs, tensor_params)}
    position = {n.id: i for i, n in enumerate(nodes)}
    lines = [f"def {definition.name}({', '.join(params)}):", f'    """{_docstring(definition.kind)}"""']
    variable = "x"
    for item, (what, item_id) in enumerate(_items(graph, first)):
        if what == "block":
            inner = definition.def_of[item_id]
            out = block_output(graph, item_id)
            naming = _names_in_def(bundle(graph, item_id, definition.def_of), prefix, definition.prefix_names, item, value)
            arguments = ([local[r.node] for r in blocks.boundary(graph, item_id).inputs] + naming
                         + _inner_values(graph, inner, item_id, position, set_by, value))
            ending = _ending(prefix, out.name)
            variable = local[out.id] = namespace.name(_variable(ending) if definition.prefix_names and ending else
                                                      _snake(out.class_name))
            lines.append(f"    {variable} = {inner.name}({', '.join(arguments)})")
            continue
        node, place = graph.node(item_id), position[item_id]
        config = {k: (Code(set_by[(place, k)]) if (place, k) in set_by else v) for k, v in node.config.items()}
        ending = node.name[len(prefix) + 1:]
        name = Code(f"name + {value('_' + ending)}") if definition.prefix_names else Code(f"names[{item}]")
        tensors = [local[r.node] for r in node.inputs]
        argument = "[" + ", ".join(tensors) + "]" if node.call_style == "list" else ", ".join(tensors)
        variable = local[node.id] = namespace.name(_variable(ending) if definition.prefix_names and ending else
                                                   _snake(node.class_name))
        lines.append(f"    {variable} = {layer_expression(node.class_name, config, name)}({argument})")
    return lines + [f"    return {variable}"]


def _names_in_def(naming, prefix: str, prefix_names: bool, item: int, value) -> list[str]:
    """The name (and names) arguments of a block's call inside the def of the block around
    it: made from that def's `name` (every name is it plus an ending), or its `names` entry."""
    if not prefix_names:
        return [f"names[{item}]"] if isinstance(naming, str) else [f"names[{item}][0]", f"names[{item}][1]"]

    def code(entry) -> str:
        if isinstance(entry, str):
            return f"name + {value('_' + _ending(prefix, entry))}"
        return "(" + "".join(code(e) + ", " for e in entry) + ")"
    return [code(naming)] if isinstance(naming, str) else [code(naming[0]), code(naming[1])]


def _inner_values(graph: Graph, inner: BlockDef, block_id: str, position: dict[str, int],
                  set_by: dict[tuple[int, str], str], value) -> list[str]:
    """The values of a block's call inside an outer def: the outer def's parameter where
    the value varies between the outer blocks, else the value itself."""
    nodes, _ = blocks.structure(graph, block_id)
    out = []
    for _, places in inner.arguments:
        at, key = places[0]
        outer = (position[nodes[at].id], key)
        out.append(set_by[outer] if outer in set_by else value(nodes[at].config[key]))
    return out


def _docstring(kind: str) -> str:
    """The docstring naming the kind, as Python source (json's escapes kept as backslashes)."""
    return KIND_DOC.format(json.dumps(kind)).replace("\\", "\\\\")


def _variable(ending: str) -> str:
    """A local name from a layer name's ending: '1_conv' -> 'conv_1', 'out' -> 'out'."""
    words = ending.split("_")
    numbers = [w for w in words if w.isdigit()]
    return "_".join([w for w in words if not w.isdigit()] + numbers)


def _snake(class_name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(class_name))


def call_arguments(graph: Graph, definition: BlockDef, block_id: str, tensors: list[str], value) -> list[str]:
    """The arguments of one block's call, in the def's order: its tensors, its name (and the
    names inside it), its values (positional, as people call their block helpers)."""
    nodes, _ = blocks.structure(graph, block_id)
    naming = bundle(graph, block_id, definition.def_of)
    naming = [value(naming)] if isinstance(naming, str) else [value(naming[0]), value(naming[1])]
    return tensors + naming + [value(nodes[places[0][0]].config[places[0][1]]) for _, places in definition.arguments]


def block_inputs(graph: Graph, block_id: str):
    return blocks.boundary(graph, block_id).inputs


def block_output(graph: Graph, block_id: str) -> Node:
    return graph.node(blocks.boundary(graph, block_id).outputs[0].node)
