"""A checked Keras model config -> the graphs of a project: one graph per (nested) model,
one node per layer call (the first call owns the layer, later ones share it), each
layer's config reduced to what differs from Keras's defaults. Used by editor.files.importer."""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

from pydantic import ValidationError

from editor.building.deadline import Deadline
from editor.files.config_calls import Calls, call_refs, histories, tensor_history
from editor.files.config_check import MODEL_CLASSES
from editor.files.op_import import OpRefused, is_op_entry, op_expression
from editor.files.safe_archive import ModelFileError
from editor.model import names
from editor.model.graph import DTYPES, Graph, Node, Output, Ref
from editor.model.schema_messages import first_error

MAX_LAYERS = 5_000


class Ids:
    """Unique ids (at most 64 characters: node ids of one graph, graph ids of a project)."""

    def __init__(self):
        self.taken: set[str] = set()

    def new(self, text: str) -> str:
        candidate = names.unique(text, self.taken, limit=64)
        self.taken.add(candidate)
        return candidate


def _layer_name(entry: dict) -> str:
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    name = entry.get("name", config.get("name"))
    if not isinstance(name, str) or not name:
        raise ModelFileError(f"a {entry.get('class_name')} layer has no name")
    if len(name) > 128:
        raise ModelFileError(f"layer '{name[:40]}…': names are limited to 128 characters")
    return name


def _where(entry: dict) -> str:
    kind = "model" if entry.get("class_name") in MODEL_CLASSES else "operation" if is_op_entry(entry) else "layer"
    return f"{kind} '{_layer_name(entry)}' ({entry.get('class_name')})"


class Translator:
    """Walks a (checked) model config; every nested model becomes one more graph."""

    def __init__(self):
        self.graphs: list[Optional[Graph]] = []
        self.graph_ids = Ids()
        self.notes: list[str] = []
        self.layers = 0
        self.configs: dict[tuple, tuple[str, dict]] = {}  # reduced configs, by class and config
        self.deadline = Deadline("import")

    def model(self, entry: dict) -> str:
        """Translate a Functional/Sequential entry; returns its graph id."""
        config = entry.get("config")
        if not isinstance(config, dict):
            raise ModelFileError(f"a {entry['class_name']} model without a config")
        name = next((n for n in (config.get("name"), entry.get("name")) if isinstance(n, str) and n), "model")
        graph_id = self.graph_ids.new(name)
        slot = len(self.graphs)
        self.graphs.append(None)  # keeps the caller's graph before the graphs it calls
        if config.get("trainable") is False:
            self.notes.append(f"model '{name}': trainable=False on the whole model was dropped (set it per layer)")
        if entry["class_name"] == "Sequential":
            nodes, outputs = self._sequential(config, name)
        else:
            nodes, outputs = self._functional(config, name)
        self.graphs[slot] = validated(Graph, f"model '{name}'", dict(
            id=graph_id, name=name[:128], nodes=tuple(nodes), outputs=tuple(outputs)))
        return graph_id

    def _count(self, entries: list) -> None:
        self.layers += len(entries)
        if self.layers > MAX_LAYERS:
            raise ModelFileError(f"the model has more than {MAX_LAYERS:,} layers")

    # --- functional models

    def _functional(self, config: dict, model_name: str) -> tuple[list[Node], list[Output]]:
        entries = config.get("layers")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ModelFileError(f"model '{model_name}': its layers are not a list of layer configs")
        self._count(entries)
        by_name: dict[str, dict] = {}
        for entry in entries:
            name = _layer_name(entry)
            if name in by_name:
                raise ModelFileError(f"model '{model_name}': two layers are named '{name}'")
            by_name[name] = entry
        inputs = histories(config.get("input_layers"), f"model '{model_name}': input_layers", self.notes, model_name)
        input_names = [h[0] for h in inputs]
        for name in input_names:
            if by_name.get(name, {}).get("class_name") != "InputLayer":
                raise ModelFileError(f"model '{model_name}': its input '{name}' is not an InputLayer")
        ids, call_ids = Ids(), {}
        for name in input_names:
            call_ids[(name, 0)] = ids.new(name)
        layers: list[tuple[str, int]] = []
        for entry in entries:
            name = _layer_name(entry)
            if entry["class_name"] == "InputLayer":
                if name not in input_names:
                    raise ModelFileError(f"model '{model_name}': input '{name}' is not one of the model's inputs")
                continue
            calls = entry.get("inbound_nodes") or []
            if not isinstance(calls, list):
                raise ModelFileError(f"{_where(entry)}: its inbound_nodes are not a list")
            layers.append((name, len(calls)))
        for name, count in layers:  # first calls keep the layer's name as their id
            if count:
                call_ids[(name, 0)] = ids.new(name)
        for name, count in layers:
            for k in range(1, count):
                call_ids[(name, k)] = ids.new(f"{name}_call{k + 1}")
        # A nested functional model's node 0 links its own inputs to its outputs: Keras counts
        # its calls from 1 in input_layers / output_layers and in legacy inbound nodes, from 0
        # in the tensors of today's inbound nodes (functional.get_config / serialize_node).
        functional = {n for n, e in by_name.items() if e.get("class_name") in ("Functional", "Model")}
        calls = Calls(call_ids, functional)
        nodes = [self._input(by_name[name], call_ids[(name, 0)]) for name in input_names]
        for entry in entries:
            if entry["class_name"] != "InputLayer" and entry.get("inbound_nodes"):
                nodes += self._calls(entry, calls)
        outputs = [Output(ref=calls.ref(h, f"model '{model_name}': output", counted_from_one=True))
                   for h in histories(config.get("output_layers"), f"model '{model_name}': output_layers", self.notes, model_name)]
        return nodes, outputs

    def _calls(self, entry: dict, calls: "Calls") -> list[Node]:
        """One node per call of a layer: the first owns the layer, the others share it."""
        name, where = _layer_name(entry), _where(entry)
        if is_op_entry(entry):
            return [self._op(entry, k, call, calls) for k, call in enumerate(entry["inbound_nodes"])]
        if entry["class_name"] in MODEL_CLASSES:
            base = {"kind": "model", "graph": self.model(entry)}
        else:
            class_name, config = self._layer_config(entry)
            base = {"kind": "layer", "class_name": class_name, "config": config}
        nodes = []
        for k, call in enumerate(entry["inbound_nodes"]):
            refs, style, legacy, keywords = call_refs(call, entry, where)
            node_id = calls.ids[(name, k)]
            fields = dict(base)
            if k and fields["kind"] == "layer":
                fields = {**fields, "config": {}, "shares": nodes[0].id}
            node = new_node(id=node_id, name=name if k == 0 else node_id, inputs=tuple(calls.ref(h, where, legacy) for h in refs),
                         input_names=keywords, where=where, **fields)
            expected = node.call_style
            if style != expected:
                raise ModelFileError(f"{where}: called with {_STYLES[style]}, where the editor passes {_STYLES[expected]}")
            nodes.append(node)
        return nodes

    def _op(self, entry: dict, k: int, call: Any, calls: "Calls") -> Node:
        """One call of a keras.ops operation: an op node computing it (editor.files.op_import)."""
        name, where = _layer_name(entry), _where(entry)
        if not isinstance(call, dict) or not isinstance(call.get("args"), list) or not isinstance(call.get("kwargs", {}), dict):
            raise ModelFileError(f"{where}: a call the editor cannot read")
        try:
            text, input_names, tensors = op_expression(entry["class_name"], dict(entry["config"]), call["args"],
                                                       call.get("kwargs") or {}, tensor_history)
        except OpRefused as err:
            raise ModelFileError(f"{where}: {err}") from None
        node_id = calls.ids[(name, k)]
        return new_node(id=node_id, kind="op", name=name if k == 0 else node_id, expression=text,
                     input_names=tuple(input_names), inputs=tuple(calls.ref(t, where) for t in tensors), where=where)

    def _layer_config(self, entry: dict) -> tuple[str, dict]:
        """(palette class name, the config without Keras's defaults), through Keras's own get_config."""
        from editor.building import catalog
        from editor.model.problems import one_line

        self.deadline.check(_where(entry))
        class_name = catalog.canonical_name(entry["class_name"])
        raw = _unshared({k: v for k, v in entry["config"].items() if k != "name"})
        legacy = "module" not in entry  # .h5 and older files: let Keras bring the config up to date
        key = (class_name, legacy, json.dumps(raw, sort_keys=True, default=str))
        if key not in self.configs:
            try:
                full = raw
                if legacy:
                    import keras

                    full = keras.layers.deserialize(
                        {"module": "keras.layers", "class_name": class_name, "config": raw}).get_config()
                self.configs[key] = (class_name, _exact(class_name, full, catalog.non_default_config(class_name, full)))
            except Exception as err:  # Keras raises many types for a bad config
                raise ModelFileError(f"{_where(entry)}: invalid {class_name} settings: {one_line(err)}") from None
        class_name, config = self.configs[key]
        return class_name, copy.deepcopy(config)

    def _input(self, entry: dict, node_id: str) -> Node:
        config, where = entry["config"], f"input '{_layer_name(entry)}'"
        shape = config.get("batch_shape", config.get("batch_input_shape"))
        if shape is None and "shape" in config:
            shape = [config.get("batch_size"), *(config["shape"] or [])]
        if not isinstance(shape, list) or not shape:
            raise ModelFileError(f"{where} has no shape")
        if shape[0] is not None:
            self.notes.append(f"{where}: the fixed batch size {shape[0]} was dropped")
        for flag in ("sparse", "ragged", "optional"):
            if config.get(flag):
                raise ModelFileError(f"{where} is {flag}, which the editor cannot express")
        dtype = config.get("dtype", "float32")
        if isinstance(dtype, dict):
            dtype = (dtype.get("config") or {}).get("name")
        if dtype not in DTYPES:
            raise ModelFileError(f"{where} has dtype {dtype!r}; the editor offers {', '.join(DTYPES)}")
        return new_node(id=node_id, kind="input", name=_layer_name(entry), shape=tuple(shape[1:]), dtype=dtype, where=where)

    # --- sequential models

    def _sequential(self, config: dict, model_name: str) -> tuple[list[Node], list[Output]]:
        entries = config.get("layers")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ModelFileError(f"model '{model_name}': its layers are not a list of layer configs")
        self._count(entries)
        entries = list(entries)
        if entries and entries[0].get("class_name") == "InputLayer":
            first = entries.pop(0)
        else:
            shape = config.get("build_input_shape")
            if shape is None and entries:
                inner = entries[0].get("config") or {}
                shape = inner.get("batch_shape", inner.get("batch_input_shape"))
            if not isinstance(shape, list):
                raise ModelFileError(f"model '{model_name}': a Sequential model without an input shape cannot be imported")
            first = {"class_name": "InputLayer", "config": {"batch_shape": shape, "name": "input_layer"}}
        if not entries:
            raise ModelFileError(f"model '{model_name}': the Sequential model has no layers")
        names = [_layer_name(e) for e in entries]
        if len(set(names)) != len(names):
            raise ModelFileError(f"model '{model_name}': two layers have the same name")
        ids = Ids()
        layer_ids = [ids.new(name) for name in names]
        nodes = [self._input(first, ids.new(_layer_name(first)))]
        for entry, node_id in zip(entries, layer_ids):
            if entry.get("class_name") == "InputLayer":
                raise ModelFileError(f"model '{model_name}': an InputLayer in the middle of a Sequential model")
            where = _where(entry)
            if entry["class_name"] in MODEL_CLASSES:
                fields = {"kind": "model", "graph": self.model(entry)}
            else:
                class_name, layer_config = self._layer_config(entry)
                fields = {"kind": "layer", "class_name": class_name, "config": layer_config}
            node = new_node(id=node_id, name=_layer_name(entry), inputs=(Ref(node=nodes[-1].id),),
                         where=where, **fields)
            if node.call_style != "single":
                raise ModelFileError(f"{where}: takes {_STYLES[node.call_style]}, but a Sequential model passes one tensor")
            nodes.append(node)
        return nodes, [Output(ref=Ref(node=nodes[-1].id))]


def _exact(class_name: str, full: dict, reduced: dict) -> dict:
    """`reduced`, with the keys put back whose rebuilt value differs from `full` even in the
    names of wrapped layers, which non_default_config ignores (Bidirectional rebuilt without
    its backward_layer names it "backward_forward_lstm", not "backward_lstm")."""
    from editor.building import catalog

    target = catalog._plain({k: v for k, v in full.items() if k != "name"})
    rebuilt = catalog._plain(catalog._build(class_name, reduced).get_config())
    for key, value in target.items():
        if key not in reduced and rebuilt.get(key) != value:
            reduced = {**reduced, key: _reduced_layer(value)}
    return reduced


def _reduced_layer(value: Any) -> Any:
    """A wrapped layer's config without its defaults (name kept); other values as they are."""
    from editor.building import catalog

    if isinstance(value, dict) and value.get("module") == "keras.layers" and isinstance(value.get("config"), dict):
        inner = value["config"]
        try:
            reduced = catalog.non_default_config(value["class_name"], inner)
        except KeyError:
            return value
        return {**value, "config": {**({"name": inner["name"]} if "name" in inner else {}), **reduced}}
    return value


def _unshared(value: Any) -> Any:
    """`value` without the "shared_object_id" keys .keras files add (a saving detail, not a setting)."""
    if isinstance(value, dict):
        return {k: _unshared(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, list):
        return [_unshared(v) for v in value]
    return value


_STYLES = {"single": "one tensor", "list": "a list of tensors", "args": "separate tensor arguments"}


def new_node(where: str, **fields) -> Node:
    return validated(Node, where, fields)


def validated(schema, where: str, fields: dict):
    """schema(**fields), or a one-line ModelFileError naming the first field the schema refused."""
    try:
        return schema(**fields)
    except ValidationError as err:
        raise ModelFileError(f"{where}: {first_error(err)}") from None


