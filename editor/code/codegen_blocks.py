"""Blocks as helper functions in the exported code, as a person writes a ResNet: one `def`
per kind of block, its varying config values as arguments, called at each block.

Only what is certainly the same model is written this way; any other block is written
flat, node by node. A block becomes a call when it holds no other block, at least one
more block has its kind and structure (editor.model.blocks.structure), its nodes are plain
layer calls (no shared layer, no keyword tensors, no second output), one tensor leaves it,
and its nodes come one after another in the call plan (so the call sits where they were).
Layer names stay exactly the model's: `name + "_1_conv"` where every block's names are
its own name plus the same endings, else the names are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from editor.building.plan import Plan
from editor.model import blocks
from editor.model.graph import Graph, Node


class Code(str):
    """Source text that codegen.value() writes as it is (a parameter of a block's def)."""


@dataclass
class BlockDef:
    """One `def` and the blocks that call it."""

    name: str
    instances: list[str]  # block ids, in graph order
    inputs: int
    prefix_names: bool  # names are `name + ending`; else a `names` tuple is passed in
    arguments: list[tuple[str, list[tuple[int, str]]]]  # parameter -> (node position, config key) it sets


@dataclass
class BlockPlan:
    defs: list[BlockDef] = field(default_factory=list)
    calls: dict[str, tuple[BlockDef, str]] = field(default_factory=dict)  # first node id -> (def, block id)
    inside: set[str] = field(default_factory=set)  # node ids written inside a def (not in the body)


def plan_blocks(graph: Graph, calls: Plan, name: Callable[[str], str]) -> BlockPlan:
    """Which blocks of `graph` become calls of which def; `name` hands out module-level names."""
    result = BlockPlan()
    if not graph.blocks or not calls.complete:
        return result
    order = {step.node.id: i for i, step in enumerate(calls.steps)}
    groups: dict[tuple, list[str]] = {}
    for block in graph.blocks:
        if blocks.children(graph, block.id) or not _plain(graph, block.id, order):
            continue
        nodes, shape = blocks.structure(graph, block.id)
        groups.setdefault((block.kind, shape), []).append(block.id)
    for (kind, _), instances in groups.items():
        if len(instances) < 2:
            continue
        definition = _definition(graph, instances, name(kind or "block"))
        result.defs.append(definition)
        for block_id in instances:
            nodes, _ = blocks.structure(graph, block_id)
            first = min(nodes, key=lambda n: order[n.id])
            result.calls[first.id] = (definition, block_id)
            result.inside.update(n.id for n in nodes)
    return result


def _plain(graph: Graph, block_id: str, order: dict[str, int]) -> bool:
    nodes = blocks.members(graph, block_id)
    ids = {n.id for n in nodes}
    shared = {n.shares for n in graph.nodes if n.shares}
    if any(n.kind != "layer" or n.shares or n.id in shared or n.input_names or not n.inputs for n in nodes):
        return False
    if any(r.output for n in graph.nodes for r in n.inputs if r.node in ids):
        return False
    if any(v is True for n in nodes for k, v in n.config.items() if k in ("return_state", "return_attention_scores",
                                                                         "return_sequences_and_state")):
        return False
    edge = blocks.boundary(graph, block_id)
    if len(edge.outputs) != 1 or edge.outputs[0].output or not edge.inputs:
        return False
    places = sorted(order[i] for i in ids)
    return places[-1] - places[0] + 1 == len(places)


def _definition(graph: Graph, instances: list[str], def_name: str) -> BlockDef:
    shapes = [blocks.structure(graph, b)[0] for b in instances]
    named = [blocks.block(graph, b).name for b in instances]
    endings = [[n.name[len(prefix) + 1:] if n.name.startswith(prefix + "_") else None for n in nodes]
               for prefix, nodes in zip(named, shapes)]
    prefix_names = all(e == endings[0] and None not in e for e in endings)
    by_values: dict[tuple, list[tuple[int, str]]] = {}
    for argument in blocks.arguments(graph, instances[0]):
        values = tuple(repr(argument.values[b]) for b in instances)
        by_values.setdefault(values, []).append((argument.position, argument.key))
    used = {"x", "name", "names"}
    arguments = []
    for places in by_values.values():
        key = places[0][1]
        parameter, i = key, 1
        while parameter in used:
            parameter, i = f"{key}_{i}", i + 1
        used.add(parameter)
        arguments.append((parameter, places))
    inputs = len(blocks.boundary(graph, instances[0]).inputs)
    return BlockDef(def_name, instances, inputs, prefix_names, arguments)


def def_lines(graph: Graph, definition: BlockDef, layer_expression, value, namespace) -> list[str]:
    """The `def` of a kind of block, written from its first block; `namespace` hands out
    its local names (the module's names taken)."""
    nodes, _ = blocks.structure(graph, definition.instances[0])
    inputs = blocks.boundary(graph, definition.instances[0]).inputs
    tensor_params = ["x"] if definition.inputs == 1 else [f"x{i + 1}" for i in range(definition.inputs)]
    params = tensor_params + ["name" if definition.prefix_names else "names"] + [p for p, _ in definition.arguments]
    set_by = {place: parameter for parameter, places in definition.arguments for place in places}
    prefix = blocks.block(graph, definition.instances[0]).name
    for param in params:
        namespace.name(param)
    local = {ref.node: name for ref, name in zip(inputs, tensor_params)}
    lines = [f"def {definition.name}({', '.join(params)}):",
             '    """A block of the model; each call makes new layers."""']
    variable = "x"
    for position, node in enumerate(nodes):
        config = {k: (Code(set_by[(position, k)]) if (position, k) in set_by else v) for k, v in node.config.items()}
        ending = node.name[len(prefix) + 1:]
        name = Code(f"name + {value('_' + ending)}") if definition.prefix_names else Code(f"names[{position}]")
        tensors = [local[r.node] for r in node.inputs]
        argument = "[" + ", ".join(tensors) + "]" if node.call_style == "list" else ", ".join(tensors)
        variable = local[node.id] = namespace.name(_variable(ending) if definition.prefix_names and ending else
                                                   _snake(node.class_name))
        lines.append(f"    {variable} = {layer_expression(node.class_name, config, name)}({argument})")
    return lines + [f"    return {variable}"]


def _variable(ending: str) -> str:
    """A local name from a layer name's ending: '1_conv' -> 'conv_1', 'out' -> 'out'."""
    words = ending.split("_")
    numbers = [w for w in words if w.isdigit()]
    return "_".join([w for w in words if not w.isdigit()] + numbers)


def _snake(class_name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(class_name))


def call_arguments(graph: Graph, definition: BlockDef, block_id: str, tensors: list[str], value) -> list[str]:
    """The arguments of one block's call, in the def's order: its tensors, its name (or
    names), its values (positional, as people call their block helpers)."""
    nodes, _ = blocks.structure(graph, block_id)
    name = value(blocks.block(graph, block_id).name) if definition.prefix_names else value(tuple(n.name for n in nodes))
    return tensors + [name] + [value(nodes[places[0][0]].config[places[0][1]]) for _, places in definition.arguments]


def block_inputs(graph: Graph, block_id: str):
    return blocks.boundary(graph, block_id).inputs


def block_output(graph: Graph, block_id: str) -> Node:
    return graph.node(blocks.boundary(graph, block_id).outputs[0].node)
