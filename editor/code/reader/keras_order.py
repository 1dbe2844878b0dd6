"""`model.layers` in the order Keras gives it, so that code picking layers by index
(`decoder_lstm = model.layers[3]`, keras-io's seq2seq inference) takes the layers Keras does.

A functional model's layers are its graph's operations as keras.src.ops.function.map_graph
orders them: by depth from the outputs (deepest first), then by when a depth-first walk
from the outputs first met them; InputLayers included, tensor operations left out. A
Sequential's are its added layers, without the InputLayer Keras makes at the bottom.
"""

from __future__ import annotations

from typing import Any

from editor.code.code_values import Layer, LayerHandle, ModelValue, Record, Skip, Sym


def model_layers(model: ModelValue, line: int) -> list:
    if model.layers is not None:  # a keras.applications model: its layers, as Keras built them
        return list(model.layers)
    if model.sequential is not None:
        items = list(model.sequential)
        if items and (isinstance(items[0], Sym) or getattr(items[0], "class_name", None) == "InputLayer"):
            items = items[1:]
        return items
    inputs = [t.made[0] for t in model.inputs if isinstance(t, Sym) and t.made]
    outputs = [t.made[0] for t in model.outputs if isinstance(t, Sym) and t.made]
    if len(inputs) != len(model.inputs) or len(outputs) != len(model.outputs):
        raise Skip(line, f"the layers of model '{model.name}' (its inputs or outputs are not layers' tensors)")
    return [_value(record) for record in operations(inputs, outputs, model, line)
            if record.kind in ("input", "layer", "model")]


def operations(inputs: list[Record], outputs: list[Record], model: ModelValue, line: int) -> list[Record]:
    """map_graph's operations (one record each: a shared layer's or model's first call here)."""
    order: list[Record] = []  # nodes, inputs to outputs (the walk's post-order)
    first_seen: dict[int, int] = {}  # operation -> when the walk first met it
    finished: set[int] = set()
    given = {id(r) for r in inputs}
    stack: list[tuple[Record, bool]] = [(r, False) for r in reversed(outputs)]
    while stack:  # _build_map_helper, without recursion
        record, done = stack.pop()
        if done:
            finished.add(id(record))
            order.append(record)
            continue
        if id(record) in finished:
            continue
        if record.kind in ("op", "loss"):
            raise Skip(line, f"the layers of model '{model.name}': its tensor operations (line {record.line}) "
                             "make Keras's order of them unknown to the editor")
        if record.kind != "input" and id(record) in given:
            finished.add(id(record))
            continue
        first_seen.setdefault(_operation(record), len(first_seen))
        stack.append((record, True))
        if record.kind != "input":
            stack += [(r, False) for r in reversed(_input_order(record))]
    in_graph = {id(r) for r in order}
    depth: dict[int, int] = {}
    op_depth: dict[int, int] = {}
    ops: dict[int, Record] = {}
    for record in reversed(order):
        d = max(depth.setdefault(id(record), 0), op_depth.get(_operation(record), 0))
        op_depth[_operation(record)] = depth[id(record)] = d
        ops.setdefault(_operation(record), record)
        for parent, _ in record.inputs:
            if id(parent) in in_graph:
                depth[id(parent)] = max(d + 1, depth.get(id(parent), 0))
    for record in inputs:  # inputs no output uses: still layers of the model
        if record.kind == "input" and _operation(record) not in op_depth:
            op_depth[_operation(record)], first_seen[_operation(record)] = 0, -1
            ops[_operation(record)] = record
    keys = sorted(op_depth, key=lambda op: (-op_depth[op], first_seen[op]))
    return [ops[op] for op in keys]


def _input_order(record: Record) -> list[Record]:
    """A node's input tensors as Keras flattens its call's (args, kwargs): keywords by name."""
    names = list(record.input_names) or [""] * len(record.inputs)
    pairs = list(zip(names, [r for r, _ in record.inputs]))
    positional = [r for name, r in pairs if not name]
    return positional + [r for _, r in sorted(((n, r) for n, r in pairs if n), key=lambda nr: nr[0])]


def _operation(record: Record) -> int:
    """The Keras object a node calls: a shared layer's owner, a nested model, the input."""
    if record.kind == "layer" and record.shares is not None:
        return id(record.shares)
    if record.kind == "model":
        return id(record.model)
    return id(record)


def _value(record: Record) -> Any:
    if record.kind == "model":
        return record.model
    owner = record.shares or record
    if record.kind == "layer" and isinstance(owner.layer, Layer):
        return owner.layer
    return LayerHandle(owner)
