"""`base.trainable = False`, `layer.trainable = False`: what transfer learning does to a model's layers.

Keras's `Model.trainable = False` sets `trainable` on every layer the model holds, nested
models' included; the reader does the same to the layers' configs (`"trainable": False`, a
base Layer argument), so that the project counts the same trainable parameters. A layer
is one object wherever it is called: its owner record holds the setting.
"""

from __future__ import annotations

from typing import Any

from editor.code.code_values import Layer, LayerHandle, ModelValue, Record, Skip, Sym


def set_attribute(reader, owner: Any, attribute: str, value: Any, line: int) -> None:
    """`owner.attribute = value` in the code: `trainable` of a layer or model, nothing else."""
    if attribute != "trainable" or not isinstance(owner, (Layer, LayerHandle, ModelValue)):
        raise Skip(line, "assignment to attribute: only names and tuples of names")
    if not isinstance(value, bool):
        raise Skip(line, "trainable set to something other than True or False")
    if isinstance(owner, ModelValue):
        for layer in _model_layers(reader, owner, line):
            _set(layer, value)
    else:
        _set(owner, value)


def _set(layer: Any, value: bool) -> None:
    configs = []
    if isinstance(layer, ModelValue):  # a model inside a Sequential
        for inner in _model_layers(None, layer, layer.line):
            _set(inner, value)
        return
    if isinstance(layer, Layer):
        configs.append(layer.config)
        layer = layer.owner
    if isinstance(layer, LayerHandle):
        layer = layer.record
    if isinstance(layer, Record):
        layer = layer.shares or layer
        if layer.kind == "model" and layer.model is not None:
            for inner in _model_layers(None, layer.model, layer.line):
                _set(inner, value)
            return
        if layer.kind == "layer":
            configs.append(layer.config)
            if layer.layer is not None:
                configs.append(layer.layer.config)
    for config in configs:
        if value:
            config.pop("trainable", None)
        else:
            config["trainable"] = False


def _model_layers(reader, model: ModelValue, line: int) -> list:
    """The model's layers as they are now: its layer records (and those of the models it calls)."""
    if model.layers is not None:  # a keras.applications model: all its layers, as Keras built them
        return list(model.layers)
    if model.sequential is not None:
        return [item for item in model.sequential if not isinstance(item, Sym)]
    inputs = {id(t.made[0]) for t in model.inputs if isinstance(t, Sym) and t.made}
    found, seen = [], set()
    stack = [t.made[0] for t in model.outputs if isinstance(t, Sym) and t.made]
    while stack:
        record = stack.pop()
        if id(record) in seen or id(record) in inputs:
            continue
        seen.add(id(record))
        if reader is not None:
            reader.charge(1, line)
        found.append(record)
        stack += [r for r, _ in record.inputs]
    return found
