"""Existing Keras models -> an editable Project: .keras, legacy .h5, JSON configs, applications.

Safety first, in this order: `editor.files.safe_archive` reads the config out of the file
itself (size caps, zip-bomb and depth checks; Keras never opens the file), then
`editor.files.config_check` walks the whole config against an allowlist (no Lambda, custom
class, TFSMLayer, Python function, module outside Keras...), and only then does Keras
see anything: each layer's config, one at a time, through `keras.layers.deserialize`
(in `catalog.non_default_config`, which keeps only the arguments that differ from
Keras's defaults), always in Keras's safe mode. Finally the project is built by the
editor's own builder (without initialising weights) and refused if it does not build.

What is imported, and what is not:
- Structure only. Weights (model.weights.h5, the .h5 weight groups) and compile
  settings are not read: projects hold no weights, and a file that is never opened
  cannot attack the loader.
- Functional and Sequential models, at the top or nested: every nested model becomes a
  graph of the project, called by a "model" node (a Sequential one as a chain). A
  layer called at several places becomes one owner node plus nodes that `share` it.
- Calls as the editor makes them: one tensor, a list (merges, nested models with several
  inputs), or separate tensors (MultiHeadAttention's query, value, key, also when passed
  by keyword); several outputs of a layer (LSTM return_state) are `Ref.output` numbers.
  A call with other arguments the editor cannot express (training=True, a mask tensor,
  use_causal_mask=True...) is refused, naming the layer: importing it would change the
  model silently.
- Model outputs keep their order (and so their names: each is named after its layer).
  Dict inputs or outputs become lists in Keras's flattening order (sorted keys); a
  fixed batch size or trainable=False on a whole model is dropped. These come back as
  `notes` (the CLI prints them; the description records them).
- keras.applications by name (`applications:ResNet50`): built with weights=None, then
  imported from its config like any functional model, so every layer is an editable
  node and the generated code rebuilds exactly the same layers, names and connections
  (an "application" node would hide the layers and add a nesting level the original
  does not have). Only a model the editor cannot expand (ConvNeXt's LayerScale,
  MobileNetV3's keras.ops arithmetic) comes in as one "application" node, with a note.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import ValidationError

from editor.model import names
from editor.files.config_check import MODEL_CLASSES, check_model_config
from editor.files.op_import import OpRefused, is_op_entry, op_expression
from editor.building.deadline import Deadline, TooSlow
from editor.model.graph import (ARG_CALL_CLASSES, DTYPES, LIST_KEYWORDS, TENSOR_KEYWORDS, Graph, Node, Output, Project, Ref,
                          first_error)
from editor.files.safe_archive import ModelFileError, parse_config, read_model_file

APPLICATION_PREFIX = "applications:"
MAX_LAYERS = 5_000
_NEUTRAL_KWARGS = {"training": (None, False), "mask": (None,)}


@dataclass(frozen=True)
class ImportResult:
    project: Project
    notes: tuple[str, ...] = ()


def import_target(target: str) -> ImportResult:
    """A command-line FILE: a .keras/.h5/.json path, or `applications:NAME`."""
    if target.startswith(APPLICATION_PREFIX):
        return import_application(target[len(APPLICATION_PREFIX):])
    return import_file(target)


def import_file(path: Union[str, Path], name: Optional[str] = None) -> ImportResult:
    """Import a .keras archive, a legacy .h5 file or a JSON config (`model.to_json()`).

    `name` is the file's name as the person knows it (an upload's), for the title and messages.
    """
    path = Path(path)
    name = name or path.name
    try:
        model_file = read_model_file(path)
        version = f", Keras {model_file.keras_version}" if model_file.keras_version else ""
        return import_config(model_file.config, title=Path(name).stem or "Imported model", source=f"{name}{version}",
                             notes=model_file.notes)
    except ModelFileError as err:
        raise ModelFileError(f"{name}: {err}") from None


def import_application(name: str) -> ImportResult:
    """A keras.applications model by name (weights=None, default arguments), expanded into nodes.

    A model the editor cannot expand (ConvNeXt's LayerScale, MobileNetV3's keras.ops
    arithmetic...) becomes one "application" node instead, with a note saying why.
    """
    from editor.building import catalog

    if name not in catalog.applications():
        known = ", ".join(catalog.applications())
        raise ModelFileError(f"'{name}' is not a keras.applications model (known: {known})")
    import keras

    from editor.building.build import CONSTRUCTION, _forget_deferred_variables

    # The structure only, its weights never made (VGG16's 138 M took 2 GB), under the lock
    # every build holds (making layers draws seeds from Python's global random).
    with CONSTRUCTION:
        with keras.StatelessScope(initialize_variables=False):
            model = getattr(keras.applications, name)(weights=None)
        _forget_deferred_variables()
    config = parse_config(model.to_json())  # as a file would hold it: lists, not tuples
    source = f"keras.applications.{name} (weights=None)"
    try:
        return import_config(config, title=name, source=source)
    except ModelFileError as err:
        note = f"{name} is one application node: its layers cannot all be editor nodes ({err})"
        return _application_node(name, model, config, source, note)


def _application_node(name: str, model, config: dict, source: str, note: str) -> ImportResult:
    """Input -> one keras.applications node (built with weights=None) -> output."""
    if len(model.inputs) != 1:
        raise ModelFileError(f"{name}: takes {len(model.inputs)} inputs; the editor calls applications with one")
    tensor, first = model.inputs[0], config["config"]["layers"][0]
    input_name = first["name"] if first.get("class_name") == "InputLayer" else "input"
    nodes = (
        _node(id="input", kind="input", name=input_name, shape=tuple(tensor.shape[1:]), dtype=str(tensor.dtype),
              where=f"{name}'s input"),
        _node(id="application", kind="application", name=model.name, class_name=name, inputs=(Ref(node="input"),),
              where=name),
    )
    graph = Graph(id="main", name=model.name, nodes=nodes, outputs=(Output(ref=Ref(node="application")),))
    description = f"Imported from {source}. Structure only: weights and compile settings are not imported.\n{note}"
    project = _project(title=name, description=description[:10_000], graphs=(graph,))
    _check_builds(project)
    return ImportResult(project, (note,))


def import_config(config: Any, title: str = "Imported model", source: str = "a Keras config",
                  notes: tuple[str, ...] = ()) -> ImportResult:
    """A Project from a model config (as `model.to_json()` writes it); ModelFileError if refused.
    `notes`: what reading the file already changed (a large constant dropped), listed first."""
    check_model_config(config)
    translator = _Translator()
    try:
        translator.model(config)
    except TooSlow as err:
        raise ModelFileError(str(err)) from None
    notes = (*notes, *translator.notes)
    description = f"Imported from {source}. Structure only: weights and compile settings are not imported."
    if notes:
        description += "\n" + "\n".join(notes)
    project = _project(title=title[:200], description=description[:10_000], graphs=tuple(translator.graphs))
    _check_file_size(project)
    _check_builds(project)
    return ImportResult(project, notes)


def _project(**fields) -> Project:
    return _validated(Project, "cannot hold this model", fields)


def _check_file_size(project: Project) -> None:
    from editor.files import project_files

    size = len(project_files.dumps(project).encode("utf-8"))
    if size > project_files.MAX_BYTES:
        raise ModelFileError(f"the project would be {size:,} bytes; project files are limited to {project_files.MAX_BYTES:,}")


def _check_builds(project: Project) -> None:
    from editor.building.build import build_project

    result = build_project(project, weights=False)
    if not result.ok:
        raise ModelFileError(f"the imported model does not build in the editor: {result.first_error}")


# ----------------------------------------------------------------------------- translation

class _Ids:
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


class _Translator:
    """Walks a (checked) model config; every nested model becomes one more graph."""

    def __init__(self):
        self.graphs: list[Optional[Graph]] = []
        self.graph_ids = _Ids()
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
        self.graphs[slot] = _validated(Graph, f"model '{name}'", dict(
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
        inputs = _histories(config.get("input_layers"), f"model '{model_name}': input_layers", self.notes, model_name)
        input_names = [h[0] for h in inputs]
        for name in input_names:
            if by_name.get(name, {}).get("class_name") != "InputLayer":
                raise ModelFileError(f"model '{model_name}': its input '{name}' is not an InputLayer")
        ids, call_ids = _Ids(), {}
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
        calls = _Calls(call_ids, functional)
        nodes = [self._input(by_name[name], call_ids[(name, 0)]) for name in input_names]
        for entry in entries:
            if entry["class_name"] != "InputLayer" and entry.get("inbound_nodes"):
                nodes += self._calls(entry, calls)
        outputs = [Output(ref=calls.ref(h, f"model '{model_name}': output", counted_from_one=True))
                   for h in _histories(config.get("output_layers"), f"model '{model_name}': output_layers", self.notes, model_name)]
        return nodes, outputs

    def _calls(self, entry: dict, calls: "_Calls") -> list[Node]:
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
            refs, style, legacy, keywords = _call_refs(call, entry, where)
            node_id = calls.ids[(name, k)]
            fields = dict(base)
            if k and fields["kind"] == "layer":
                fields = {**fields, "config": {}, "shares": nodes[0].id}
            node = _node(id=node_id, name=name if k == 0 else node_id, inputs=tuple(calls.ref(h, where, legacy) for h in refs),
                         input_names=keywords, where=where, **fields)
            expected = node.call_style
            if style != expected:
                raise ModelFileError(f"{where}: called with {_STYLES[style]}, where the editor passes {_STYLES[expected]}")
            nodes.append(node)
        return nodes

    def _op(self, entry: dict, k: int, call: Any, calls: "_Calls") -> Node:
        """One call of a keras.ops operation: an op node computing it (editor.files.op_import)."""
        name, where = _layer_name(entry), _where(entry)
        if not isinstance(call, dict) or not isinstance(call.get("args"), list) or not isinstance(call.get("kwargs", {}), dict):
            raise ModelFileError(f"{where}: a call the editor cannot read")
        try:
            text, input_names, tensors = op_expression(entry["class_name"], dict(entry["config"]), call["args"],
                                                       call.get("kwargs") or {}, _tensor)
        except OpRefused as err:
            raise ModelFileError(f"{where}: {err}") from None
        node_id = calls.ids[(name, k)]
        return _node(id=node_id, kind="op", name=name if k == 0 else node_id, expression=text,
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
        return _node(id=node_id, kind="input", name=_layer_name(entry), shape=tuple(shape[1:]), dtype=dtype, where=where)

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
        ids = _Ids()
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
            node = _node(id=node_id, name=_layer_name(entry), inputs=(Ref(node=nodes[-1].id),),
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


def _node(where: str, **fields) -> Node:
    return _validated(Node, where, fields)


def _validated(schema, where: str, fields: dict):
    """schema(**fields), or a one-line ModelFileError naming the first field the schema refused."""
    try:
        return schema(**fields)
    except ValidationError as err:
        raise ModelFileError(f"{where}: {first_error(err)}") from None


# ----------------------------------------------------------------------------- connections

def _is_history(value: Any) -> bool:
    return (isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value[1:3]))


def _histories(value: Any, where: str, notes: list, model_name: str) -> list[tuple[str, int, int]]:
    """input_layers / output_layers: one [name, node, tensor], a list of them, or a dict (sorted keys)."""
    if isinstance(value, dict):
        notes.append(f"model '{model_name}': {where.rpartition(': ')[2]} given as a dict became a list (sorted by key)")
        value = [value[k] for k in sorted(value)]
    if _is_history(value):
        value = [value]
    if not isinstance(value, list) or not value or not all(_is_history(v) for v in value):
        raise ModelFileError(f"{where}: expected [layer name, node index, tensor index] entries")
    return [(v[0], v[1], v[2]) for v in value]


@dataclass(frozen=True)
class _Calls:
    """(layer name, call number) -> node id, for one functional graph."""

    ids: dict[tuple[str, int], str]
    functional: set[str]  # nested functional models: see _Translator._functional

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


def _tensor(value: Any) -> Optional[tuple[str, int, int]]:
    """The keras_history of a serialised KerasTensor, or None if `value` is not one."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        history = (value.get("config") or {}).get("keras_history")
        if _is_history(history):
            return (history[0], history[1], history[2])
        raise ModelFileError("a tensor without a valid keras_history")
    return None


def _call_refs(call: Any, entry: dict, where: str) -> tuple[list[tuple[str, int, int]], str, bool, tuple[str, ...]]:
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
        if not call or not all(_is_history(h) for h in call):
            raise ModelFileError(f"{where}: a call that is not a list of [layer, node, tensor] entries")
        kwargs = call[-1][3] if len(call[-1]) == 4 else {}
        args: list = [[{"class_name": "__keras_tensor__", "config": {"keras_history": h[:3]}} for h in call]]
        if len(call) == 1:
            args = args[0]
        kwargs = {k: ({"class_name": "__keras_tensor__", "config": {"keras_history": v[:3]}} if k in ports and _is_history(v) else v)
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
        tensor = _tensor(value)
        if tensor is not None and key in ports:
            named[key] = tensor
        elif key in TENSOR_KEYWORDS and not legacy and (tensor is not None or _is_tensor_list(value)):
            if (key in LIST_KEYWORDS) != (tensor is None):
                shape = "a list of tensors" if key in LIST_KEYWORDS else "one tensor"
                raise ModelFileError(f"{where}: '{key}' is given as {'one tensor' if tensor else 'a list'}; the editor passes {shape}")
            keywords += [(key, tensor)] if tensor is not None else [(key, _tensor(v)) for v in value]
        elif tensor is not None or _is_tensor_list(value):
            raise ModelFileError(f"{where}: called with a tensor as '{key}', which the editor cannot wire")
        elif value not in _NEUTRAL_KWARGS.get(key, (None,)):
            shown = json.dumps(value)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            raise ModelFileError(f"{where}: called with {key}={shown}, which the editor cannot express")
    if named:
        return _port_refs(args, named, ports, where), "args", legacy, keywords
    if len(args) == 1 and _tensor(args[0]) is not None:
        return [_tensor(args[0])], "single", legacy, keywords
    if len(args) == 1 and _is_tensor_list(args[0]):
        return [_tensor(v) for v in args[0]], "list", legacy, keywords
    if len(args) > 1 and all(_tensor(a) is not None for a in args):
        return [_tensor(a) for a in args], "args", legacy, keywords
    raise ModelFileError(f"{where}: called with arguments that are not tensors, which the editor cannot express")


def _is_tensor_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_tensor(v) is not None for v in value)


def _port_refs(args: list, named: dict, ports: tuple[str, ...], where: str) -> list[tuple[str, int, int]]:
    """MultiHeadAttention(query=..., value=...): positional and keyword tensors in port order."""
    if not all(_tensor(a) is not None for a in args) or len(args) > len(ports):
        raise ModelFileError(f"{where}: called with arguments the editor cannot wire")
    slots = [_tensor(a) for a in args] + [None] * (len(ports) - len(args))
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
