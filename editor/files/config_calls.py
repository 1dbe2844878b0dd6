"""The calls in a Keras model config (`inbound_nodes`, `input_layers`, `output_layers`):
which tensors each layer call takes, how it passes them, and the node ids they become.
Refuses, in one line naming the layer, a call the editor cannot express."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from editor.files.safe_archive import ModelFileError
from editor.model.graph import ARG_CALL_CLASSES, LIST_KEYWORDS, TENSOR_KEYWORDS, Ref

_NEUTRAL_KWARGS = {"training": (None, False), "mask": (None,)}


def is_history(value: Any) -> bool:
    return (isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value[1:3]))


def histories(value: Any, where: str, notes: list, model_name: str) -> list[tuple[str, int, int]]:
    """input_layers / output_layers: one [name, node, tensor], a list of them, or a dict (sorted keys)."""
    if isinstance(value, dict):
        notes.append(f"model '{model_name}': {where.rpartition(': ')[2]} given as a dict became a list (sorted by key)")
        value = [value[k] for k in sorted(value)]
    if is_history(value):
        value = [value]
    if not isinstance(value, list) or not value or not all(is_history(v) for v in value):
        raise ModelFileError(f"{where}: expected [layer name, node index, tensor index] entries")
    return [(v[0], v[1], v[2]) for v in value]


@dataclass(frozen=True)
class Calls:
    """(layer name, call number) -> node id, for one functional graph."""

    ids: dict[tuple[str, int], str]
    functional: set[str]  # nested functional models: see config_translate.Translator._functional

    def ref(self, history: tuple[str, int, int], where: str, counted_from_one: bool = False) -> Ref:
        name, node_index, tensor_index = history
        if counted_from_one and name in self.functional:
            node_index -= 1
        node_id = self.ids.get((name, node_index))
        if node_id is None:
            raise ModelFileError(f"{where}: takes a tensor of '{name}' (call {node_index}), which the model does not have")
        if tensor_index > 63:
            raise ModelFileError(f"{where}: takes output {tensor_index} of '{name}'; the editor handles up to 64 outputs")
        return Ref(node=node_id, output=tensor_index)


def tensor_history(value: Any) -> Optional[tuple[str, int, int]]:
    """The keras_history of a serialised KerasTensor, or None if `value` is not one."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        history = (value.get("config") or {}).get("keras_history")
        if is_history(history):
            return (history[0], history[1], history[2])
        raise ModelFileError("a tensor without a valid keras_history")
    return None


def call_refs(call: Any, entry: dict, where: str) -> tuple[list[tuple[str, int, int]], str, bool, tuple[str, ...]]:
    """The tensors one call takes, how its positional ones are passed ("single", "list" or
    "args"), whether the call is in the legacy list form (which counts a functional
    model's calls from 1), and the keyword of each tensor ("" positional; () if none is)."""
    refs, style, legacy, keywords = _positional_refs(call, entry, where)
    if not keywords:
        return refs, style, legacy, ()
    return refs + [t for _, t in keywords], style, legacy, ("",) * len(refs) + tuple(k for k, _ in keywords)


def _positional_refs(call: Any, entry: dict, where: str):
    ports = ARG_CALL_CLASSES.get(entry["class_name"], ())
    legacy = isinstance(call, list)
    if legacy:  # [[name, node, tensor, kwargs], ...]
        if not call or not all(is_history(h) for h in call):
            raise ModelFileError(f"{where}: a call that is not a list of [layer, node, tensor] entries")
        kwargs = call[-1][3] if len(call[-1]) == 4 else {}
        args: list = [[{"class_name": "__keras_tensor__", "config": {"keras_history": h[:3]}} for h in call]]
        if len(call) == 1:
            args = args[0]
        kwargs = {k: ({"class_name": "__keras_tensor__", "config": {"keras_history": v[:3]}} if k in ports and is_history(v) else v)
                  for k, v in (kwargs or {}).items()}
    elif isinstance(call, dict):
        args, kwargs = call.get("args", []), call.get("kwargs", {})
    else:
        raise ModelFileError(f"{where}: a call that is neither a list nor an object")
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise ModelFileError(f"{where}: a call whose args or kwargs are malformed")
    named = {}
    keywords: list[tuple[str, tuple[str, int, int]]] = []
    for key, value in kwargs.items():
        tensor = tensor_history(value)
        if tensor is not None and key in ports:
            named[key] = tensor
        elif key in TENSOR_KEYWORDS and not legacy and (tensor is not None or _is_tensor_list(value)):
            if (key in LIST_KEYWORDS) != (tensor is None):
                shape = "a list of tensors" if key in LIST_KEYWORDS else "one tensor"
                raise ModelFileError(f"{where}: '{key}' is given as {'one tensor' if tensor else 'a list'}; the editor passes {shape}")
            keywords += [(key, tensor)] if tensor is not None else [(key, tensor_history(v)) for v in value]
        elif tensor is not None or _is_tensor_list(value):
            raise ModelFileError(f"{where}: called with a tensor as '{key}', which the editor cannot wire")
        elif value not in _NEUTRAL_KWARGS.get(key, (None,)):
            shown = json.dumps(value)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            raise ModelFileError(f"{where}: called with {key}={shown}, which the editor cannot express")
    if named:
        return _port_refs(args, named, ports, where), "args", legacy, keywords
    if len(args) == 1 and tensor_history(args[0]) is not None:
        return [tensor_history(args[0])], "single", legacy, keywords
    if len(args) == 1 and _is_tensor_list(args[0]):
        return [tensor_history(v) for v in args[0]], "list", legacy, keywords
    if len(args) > 1 and all(tensor_history(a) is not None for a in args):
        return [tensor_history(a) for a in args], "args", legacy, keywords
    raise ModelFileError(f"{where}: called with arguments that are not tensors, which the editor cannot express")


def _is_tensor_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(tensor_history(v) is not None for v in value)


def _port_refs(args: list, named: dict, ports: tuple[str, ...], where: str) -> list[tuple[str, int, int]]:
    """MultiHeadAttention(query=..., value=...): positional and keyword tensors in port order."""
    if not all(tensor_history(a) is not None for a in args) or len(args) > len(ports):
        raise ModelFileError(f"{where}: called with arguments the editor cannot wire")
    slots = [tensor_history(a) for a in args] + [None] * (len(ports) - len(args))
    for key, tensor in named.items():
        index = ports.index(key)
        if slots[index] is not None:
            raise ModelFileError(f"{where}: '{key}' is given twice")
        slots[index] = tensor
    while slots and slots[-1] is None:
        slots.pop()
    if None in slots:
        missing = ports[slots.index(None)]
        raise ModelFileError(f"{where}: called without '{missing}' but with a later argument; the editor cannot wire that")
    return slots
