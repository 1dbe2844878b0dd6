"""Python code -> a project, without running it. Keras is loaded only when the code asks
what Keras must answer (a tensor's shape, a setting, an initializer, an application).

editor.code.reader reads the code (an abstract interpreter over `ast`: nothing is
imported, exec'd or eval'd); this module picks the model the code builds and turns
what the reader found into graphs: nodes in the order the code made them, nested
models as graphs of their own, compile() as the outputs' losses, loss weights and
metrics and the project's optimizer. Statements the editor cannot express are listed
with their line and reason (`CodeImport.skipped`); `strict` refuses the code instead.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Optional

from pydantic import ValidationError

from editor.model import expr, names
from editor.code.reader import MAX_BYTES, Reader, Refused
from editor.code.code_blocks import with_helper_blocks
from editor.code.code_values import CodeRefused, Function, ModelValue, Namespace, Optimizer, Record, Skip, Sym, kind_of
from editor.code.applications import application_node, check_before_building, lost
from editor.code.shape_queries import input_spec
from editor.code import data_builds
from editor.code.data_builds import DATA_METHODS, OWN_INPUT_DIM
from editor.code.compile_metrics import metric_name
from editor.code.left_out import check_builder_calls, check_last_model, check_model_taint, check_not_built, check_taints
from editor.code.reader.python_statements import Raised
from editor.code.package_modules import Modules, Package, named_lines
from editor.errors import UserError
from editor.model.graph import CUSTOM_LOSS_PREFIX, Graph, Node, Output, Project, Ref, Training
from editor.model.schema_messages import first_error


MAX_FILE_BYTES = MAX_BYTES  # the page and the command line refuse a bigger file before reading it


@dataclass(frozen=True)
class CodeImport:
    project: Project
    skipped: tuple[str, ...] = ()  # "line N: why", statements left out
    notes: tuple[str, ...] = ()
    steps: int = 0  # the reader's steps, of its budget of editor.code.reader.MAX_STEPS (MAX_STEPS + 1: spent)
    parsed: int = 0  # the file's syntax nodes (its size is checked before it is parsed)


def import_code(source: str, model: Optional[str] = None, filename: str = "model.py", strict: bool = False,
                package: Optional[Package] = None) -> CodeImport:
    """The project of the model `source` builds (`model`: its variable or model name when
    it builds several). CodeRefused if nothing usable is built, or (strict) if any line is
    left out. `package`: where the file lives, to read its own package's modules (editor.code.package_modules)."""
    def new_reader() -> Reader:
        reader = Reader(source, filename)
        reader.strict, reader.modules = strict, Modules(package) if package is not None else None
        return reader

    reader = new_reader()
    try:
        check_before_building(source, new_reader, _read)
        _read(reader)
        if model is None:
            check_last_model(reader)
        chosen = _choose(reader, model)
        skipped = tuple(str(s) for s in reader.skipped)
        if strict and skipped:
            raise CodeRefused(skipped[0])
        assembler = _Assembler(reader)
        project = assembler.project(chosen, filename)
        check_taints(reader, [*assembler.graph_ids, *assembler.record_ids, *assembler.whole_ids], chosen)
    except (CodeRefused, Refused, Skip) as err:
        raise CodeRefused(named_lines(reader, str(err)), reader.steps, reader.parsed) from None
    except RecursionError:
        raise CodeRefused("the code is nested too deeply to read", reader.steps, reader.parsed) from None
    return CodeImport(project, tuple(named_lines(reader, s) for s in skipped),
                      tuple(named_lines(reader, n) for n in [*reader.notes, *assembler.notes]), reader.steps, reader.parsed)


def _read(reader: Reader) -> None:
    reader.read()
    if not _top_models(reader):
        check_builder_calls(reader)
        _call_builders(reader)


# ----------------------------------------------------------------------------- which model

def _top_models(reader: Reader) -> list[ModelValue]:
    """Models no other model calls or holds."""
    inner = {id(r.model) for r in reader.records if r.kind == "model"}
    inner |= {id(item) for m in reader.all_models for item in (m.sequential or ()) if isinstance(item, ModelValue)}
    top = [m for m in reader.all_models if id(m) not in inner]
    built_on = [m for m in top if m.layers is None]  # a model made from an application's layers is the one
    return built_on or top


def _call_builders(reader: Reader) -> None:
    """Exported code builds its model in `build_model()` and runs it only as a script: call
    the file's functions that take no argument (build_model first), as running it would."""
    functions = [(n, f) for n, f in reader.globals.vars.items() if isinstance(f, Function)
                 and len(f.node.args.args) == len(f.defaults)]
    functions.sort(key=lambda nf: nf[0] != "build_model")
    for name, function in functions:
        if name in ("train",):
            continue
        try:
            result = reader.call_function(function, [], {}, function.node.lineno)
        except Skip as skip:
            reader.skipped.append(skip)
            continue
        except Raised as raised:  # the file never calls it: a function that raises is no builder
            reader.skipped.append(Skip(raised.line, raised.reason))
            continue
        if isinstance(result, ModelValue):
            reader.models.append((name, result))
            return


def _choose(reader: Reader, wanted: Optional[str]) -> ModelValue:
    top = _top_models(reader)
    if wanted is not None:
        named = [m for var, m in reader.models if var == wanted] + [m for m in reader.all_models if m.name == wanted]
        if not named:
            check_not_built(reader, wanted, None)
            known = ", ".join(dict.fromkeys([var for var, _ in reader.models] + [m.name for m in reader.all_models]))
            raise CodeRefused(f"no model called '{wanted}' (the code builds: {known or 'none'})")
        return named[-1]
    if not top:
        first = reader.skipped[0] if reader.skipped else None
        raise CodeRefused(f"the code builds no keras model{f' ({first})' if first else ''}")
    if len(top) > 1:
        by_model = {id(m): var for var, m in reader.models}
        listed = ", ".join(by_model.get(id(m), m.name) for m in top)
        raise CodeRefused(f"the code builds {len(top)} models ({listed}): choose one with --model NAME")
    return top[0]


# ----------------------------------------------------------------------------- graphs

class _Assembler:
    def __init__(self, reader: Reader):
        self.reader = reader
        self.graph_ids: dict[int, str] = {}
        self.graphs: list[Graph] = []
        self.record_ids: set[int] = set()  # the records the project's graphs hold
        self.whole_ids: set[int] = set()  # keras.applications models that are one node, and their records
        self.notes: list[str] = []
        self.lines: dict[tuple[str, str], int] = {}  # (graph id, node id) -> the line that made the node

    def project(self, model: ModelValue, filename: str) -> Project:
        self.graph(model, main=True)
        for other in self.reader.all_models:  # an application whose layers are nodes: its weights are not kept
            if other.application and any(id(h.record) in self.record_ids for h in other.layers):
                lost(other, self.notes)
        training = _training(model.compile, model.line)
        description = f"Imported from {filename} (Python code, read without running it)."
        try:
            project = Project(title=model.name[:200], description=description, graphs=tuple(self.graphs),
                              training=training)
        except ValidationError as err:
            raise CodeRefused(f"model '{model.name}': {first_error(err)}") from None
        from editor.files.importer import _check_file_size
        from editor.files.safe_archive import ModelFileError

        try:
            _check_file_size(project)
        except ModelFileError as err:
            raise CodeRefused(str(err)) from None
        self._check(project)
        return project

    def _check(self, project: Project) -> None:
        """The editor's own checks of a project (its structure, names, and the file it saves):
        what the editor would refuse refuses the import, in one line naming the code's line."""
        from editor.files.project_files import ProjectError, checked
        from editor.model.problems import errors, printable
        from editor.model.validate import check_project

        problem = next(iter(errors(check_project(project))), None)
        if problem is not None:
            line = self.lines.get((problem.graph, problem.node))
            message = printable(problem.message)  # a name from the code may hold a bidi override
            raise CodeRefused(f"line {line}: {message}" if line else message)
        try:
            checked(project)
        except ProjectError as err:
            raise CodeRefused(printable(err)) from None

    def graph(self, model: ModelValue, main: bool = False) -> str:
        if id(model) in self.graph_ids:
            return self.graph_ids[id(model)]
        graph_id = names.unique(names.identifier(model.name) or "model", set(self.graph_ids.values()), limit=64)
        self.graph_ids[id(model)] = graph_id
        slot = len(self.graphs)
        self.graphs.append(None)  # the caller's graph comes before the graphs it calls
        whole = application_node(model, self.notes) if main and model.application else None
        if whole:  # `model = MobileNetV2(weights="imagenet")`: its input, then one application node
            self.graphs[slot] = self._application_graph(model, graph_id, whole)
            return graph_id
        if model.sequential is not None:
            _sequential_records(self.reader, model)
        every = [self.reader.make(o, model.line) for o in model.outputs]  # loss nodes' values too, as exported
        refs = [ref for ref in every if ref[0].kind != "loss"]
        losses = [r for r, _ in every if r.kind == "loss"] + list(model.losses)
        records = self._reached(model, refs, losses)
        if main:
            records = self._with_dead_ends(records)
        ids = {id(r): r.name for r in records}
        self.record_ids.update(ids)
        self.lines.update(((graph_id, ids[id(r)][:64]), r.line) for r in records)
        nodes = [self._node(r, ids, model) for r in records]
        compile_outputs = _outputs(self.reader, every, ids, model)
        try:
            graph = Graph(id=graph_id, name=model.name[:128], nodes=tuple(nodes), outputs=compile_outputs)
        except ValidationError as err:
            raise CodeRefused(f"line {model.line}: model '{model.name}': {first_error(err)}") from None
        self.graphs[slot] = with_helper_blocks(graph, records, ids, self.reader.source_lines())
        return graph_id

    def _application_graph(self, model: ModelValue, graph_id: str, fields: dict) -> Graph:
        record = self.reader.make(model.inputs[0], model.line)[0]
        node = Record(index=len(self.reader.records), kind="application", name=model.name, line=model.line)
        ids = {id(record): record.name[:64], id(node): names.unique(model.name[:64], {record.name[:64]}, limit=64)}
        self.whole_ids |= {id(model), *(id(h.record) for h in model.layers)}
        self.lines.update({(graph_id, ids[id(record)]): model.line, (graph_id, ids[id(node)]): model.line})
        try:
            return Graph(id=graph_id, name=model.name[:128], outputs=_outputs(self.reader, [(node, 0)], ids, model),
                         nodes=(Node(id=ids[id(record)], kind="input", name=record.name[:128], shape=record.shape,
                                     dtype=record.dtype),
                                Node(id=ids[id(node)], name=model.name[:128], inputs=(Ref(node=ids[id(record)]),),
                                     **fields)))
        except ValidationError as err:
            raise CodeRefused(f"line {model.line}: model '{model.name}': {first_error(err)}") from None

    def _reached(self, model: ModelValue, refs: list, losses: list) -> list[Record]:
        inputs = [self.reader.make(t, model.line)[0] for t in model.inputs]
        seen: dict[int, Record] = {id(r): r for r in inputs}
        stack = [r for r, _ in refs] + list(losses)
        while stack:
            record = stack.pop()
            if id(record) in seen:
                continue
            if record.kind == "input":
                raise CodeRefused(f"line {model.line}: model '{model.name}' uses the input '{record.name}' "
                                  "(line {0}), which is not one of its inputs".format(record.line))
            seen[id(record)] = record
            stack += [r for r, _ in record.inputs]  # (a shared layer's owner may be in another model: not followed)
        # In the order the code made them; the input nodes' order is the model's input order.
        ordered = sorted(seen.values(), key=lambda r: r.index)
        slots = iter(inputs)
        return [next(slots) if r.kind == "input" else r for r in ordered]

    def _with_dead_ends(self, records: list[Record]) -> list[Record]:
        """The main graph also keeps what its code computed from it without using it (a
        branch left unfinished): nodes no model's outputs reach, made from this graph's tensors."""
        used = {id(r) for m in self.reader.all_models for o in m.outputs if o.made for r in self._ancestors(o.made[0])}
        inside = {id(r) for r in records}
        extra = []
        for record in self.reader.records:
            if id(record) in inside or id(record) in used or record.kind == "input":
                continue
            if record.inputs and all(id(r) in inside for r, _ in record.inputs):
                inside.add(id(record))
                extra.append(record)
        return sorted(records + extra, key=lambda r: r.index) if extra else records

    @staticmethod
    def _ancestors(record: Record) -> list[Record]:
        found, stack, seen = [], [record], set()
        while stack:
            r = stack.pop()
            if id(r) not in seen:
                seen.add(id(r))
                found.append(r)
                stack += [s for s, _ in r.inputs]
        return found

    def _node(self, record: Record, ids: dict, model: ModelValue) -> Node:
        fields: dict[str, Any] = {"id": ids[id(record)][:64], "kind": record.kind, "name": record.name[:128],
                                  "inputs": tuple(Ref(node=ids[id(r)][:64], output=o) for r, o in record.inputs)}
        if record.kind == "input":
            fields.update(shape=record.shape, dtype=record.dtype)
        elif record.kind == "layer":
            owner = record.shares
            if owner is not None and id(owner) in ids:
                fields.update(class_name=owner.class_name, shares=ids[id(owner)][:64])
            elif owner is not None:  # the layer was first called in another model: this graph gets its own
                fields.update(class_name=owner.class_name, config=dict(owner.config))
                self.notes.append(f"layer '{owner.name}' is called in two models: each has its own copy here")
            else:
                fields.update(class_name=record.class_name, config=dict(record.config))
        elif record.kind == "model":
            whole = application_node(record.model, self.notes)  # weights="imagenet" kept: one application node
            fields.update(whole or {"kind": "model", "graph": self.graph(record.model)})
            if whole:
                self.whole_ids |= {id(record.model), *(id(h.record) for h in record.model.layers)}
        elif record.kind in ("op", "loss"):
            fields.update(expression=record.expression, input_names=tuple(record.input_names))
            if record.kind == "loss":
                fields.update(weight=record.weight)
        if record.kind == "layer" and any(record.input_names):
            fields["input_names"] = tuple(record.input_names)
        try:
            return Node(**fields)
        except ValidationError as err:
            raise CodeRefused(f"line {record.line}: '{record.name}': {first_error(err)}") from None


def _refuse_if_fitted(reader: Reader, model: ModelValue) -> None:
    """An Embedding without `input_length` leaves the sequence length free, as Keras 2 did;
    Keras 3 instead builds the model at its first `fit`/`predict` from the data's shape. The
    data is not part of the model (the editor leaves it out), so a model the file fits on
    data would import with another input shape: refuse, naming the call."""
    for node in ast.walk(reader.tree) if reader.tree is not None else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DATA_METHODS \
                and isinstance(node.func.value, ast.Name) \
                and (reader.globals.vars.get(node.func.value.id) is model or node.func.value.id == model.name):
            raise CodeRefused(f"line {node.lineno}: {node.func.value.id}.{node.func.attr}() builds the Sequential "
                              f"model '{model.name}' from the data's shape, which is not in the code: give its "
                              "Embedding an input shape (keras.Input(shape=(length,)) first)")


def _sequential_records(reader: Reader, model: ModelValue) -> None:
    """A Sequential model's layers as a chain from its input (keras.Input, InputLayer or
    the first layer's input_shape / input_dim, as Keras 2 code gives it)."""
    check_model_taint(reader, model)  # (a left-out `.add` would make it look shorter)
    items = list(model.sequential or [])
    if not items:
        raise CodeRefused(f"line {model.line}: the Sequential model '{model.name}' has no layers")
    first = items[0]
    if isinstance(first, Sym):
        tensor, items = first, items[1:]
    else:
        shape, dtype = None, "float32"
        if getattr(first, "class_name", None) == "InputLayer":
            config = first.config
            shape = config.get("shape", config.get("input_shape", config.get("batch_shape", [None])[1:]
                                                   if config.get("batch_shape") else None))
            items = items[1:]
        elif isinstance(first, ModelValue) and len(first.inputs) == 1:  # Sequential([base_model, ...])
            record = reader.make(first.inputs[0], model.line)[0]
            shape, dtype = record.shape, record.dtype
        elif hasattr(first, "config"):
            config = first.config
            if "input_shape" in config:
                shape = config.pop("input_shape")
            elif "batch_input_shape" in config:
                shape = config.pop("batch_input_shape")[1:]
            elif first.class_name in OWN_INPUT_DIM:  # Keras 2: (input_length,), else one free dim
                length = config.pop("input_length", None)
                if length is None and model.data_shape is None:
                    _refuse_if_fitted(reader, model)
                shape = [length if isinstance(length, int) else None] if model.data_shape is None else None
            elif "input_dim" in config:
                shape = [config.pop("input_dim")]
        if shape is None and model.data_shape is not None:  # built by its first fit(), from the data's shape
            shape = data_builds.fitted_shape(reader, model)
        calls = [r.inputs[0] for r in reader.records if r.kind == "model" and r.model is model and r.inputs]
        if shape is None and calls and calls[0][0].kind == "input":  # data_augmentation(inputs): the input's shape
            shape, dtype = calls[0][0].shape, calls[0][0].dtype
        elif shape is None and calls:  # built by its first call, as Keras's Sequential.build: that tensor's shape
            shape, dtype = input_spec(reader, calls[0], model.line)
        if shape is None:
            raise CodeRefused(f"line {model.line}: the Sequential model '{model.name}' has no input shape "
                              "(start it with keras.Input(shape=...))")
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        record = reader.new_record("input", f"{model.name}_input", model.line, shape=shape, dtype=dtype)
        tensor = Sym.of(record)
    model.inputs = [tensor]
    for item in items:
        if isinstance(item, ModelValue):
            tensor = reader.call_model(item, [tensor], {}, item.line)
        else:
            tensor = reader.call_layer(item, [tensor], {}, item.line)
    model.outputs = [tensor]


# ----------------------------------------------------------------------------- compile

def _outputs(reader: Reader, refs: list, ids: dict, model: ModelValue) -> tuple[Output, ...]:
    """The model's outputs with compile()'s settings; `refs` are all its outputs in order,
    loss nodes' values included (exported code lists them, with None as their loss)."""
    settings = model.compile
    line = settings.get("__line__", model.line)
    names_out = [ids[id(r)][:64] for r, _ in refs]
    count = len(refs)
    losses = _per_output(settings.get("loss"), names_out, "loss", line)
    weights = _per_output(settings.get("loss_weights"), names_out, "loss_weights", line)
    metrics = settings.get("metrics")
    if isinstance(metrics, (list, tuple)) and metrics and all(isinstance(m, (list, tuple, type(None))) for m in metrics):
        per_metrics = [list(m or []) for m in metrics] + [[]] * (count - len(metrics))
    elif isinstance(metrics, dict):
        per_metrics = [list(_listed(metrics.get(n, []))) for n in names_out]
    else:
        per_metrics = [list(_listed(metrics or []))] * count
    outputs = []
    for i, (record, output) in enumerate(refs):
        if record.kind == "loss":
            continue
        loss = _loss_text(reader, losses[i], line)
        weight = weights[i]
        if weight is not None and (isinstance(weight, bool) or not isinstance(weight, (int, float))):
            raise CodeRefused(f"line {line}: compile(loss_weights=...) with a {kind_of(weight)} for output "
                              f"'{names_out[i]}': the editor reads numbers only")
        try:
            outputs.append(Output(ref=Ref(node=names_out[i], output=output), loss=loss,
                                  loss_weight=1.0 if weight is None else float(weight),
                                  metrics=tuple(t for t in (metric_name(reader, m, line) for m in per_metrics[i]) if t)))
        except ValidationError as err:
            raise CodeRefused(f"line {line}: compile(): {first_error(err)}") from None
    return tuple(outputs)


def _listed(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _per_output(value: Any, names_out: list[str], what: str, line: int) -> list:
    count = len(names_out)
    if isinstance(value, dict):
        unknown = set(value) - set(names_out)
        if unknown:
            raise CodeRefused(f"line {line}: compile({what}=...) names '{sorted(unknown)[0]}', which is not an output")
        return [value.get(n) for n in names_out]
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise CodeRefused(f"line {line}: compile({what}=...) has {len(value)} entries for {count} outputs")
        return list(value)
    return [value] * count


def _loss_text(reader: Reader, loss: Any, line: int) -> Optional[str]:
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    if isinstance(loss, Namespace) and loss.path.startswith("keras.losses."):
        return loss.path.rpartition(".")[2]
    if isinstance(loss, Function):
        return CUSTOM_LOSS_PREFIX + _loss_expression(reader, loss, line)
    raise CodeRefused(f"line {line}: compile(loss=...) with a {kind_of(loss)}, which the editor cannot express")


def _loss_expression(reader: Reader, function: Function, line: int) -> str:
    """A custom loss function of the file as an expression of y_true and y_pred, computed
    by walking its body on two symbolic tensors of those names."""
    params = [a.arg for a in function.node.args.args]
    if len(params) != 2:
        raise CodeRefused(f"line {function.node.lineno}: the loss {function.name}() must take (y_true, y_pred)")
    placeholders = [Sym(expr.Name(n), {n: None}) for n in ("y_true", "y_pred")]
    try:
        value = reader.call_function(function, placeholders, {}, line)
    except Skip as skip:
        raise CodeRefused(f"{skip} (in the loss {function.name}())") from None
    if not isinstance(value, Sym):
        raise CodeRefused(f"line {function.node.lineno}: the loss {function.name}() does not compute a tensor expression")
    text = expr.normalise(value.tree)
    try:
        expr.parse(text, ("y_true", "y_pred"))
    except expr.ExprError as err:
        raise CodeRefused(f"line {function.node.lineno}: the loss {function.name}(): {err}") from None
    return text


def _training(settings: dict, line: int) -> Training:
    optimizer = settings.get("optimizer", "adam")
    rate = None
    if isinstance(optimizer, Optimizer):
        rate = optimizer.config.get("learning_rate", optimizer.config.get("lr"))
        optimizer = optimizer.name
    if not isinstance(optimizer, str):
        raise CodeRefused(f"line {line}: compile(optimizer=...) with a {kind_of(optimizer)}")
    try:
        return Training(optimizer=optimizer, learning_rate=rate if isinstance(rate, (int, float)) else None)
    except ValidationError as err:
        raise CodeRefused(f"line {line}: compile(): {first_error(err)}") from None
