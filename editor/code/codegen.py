"""Graph -> one readable Python file that rebuilds the model with the Keras functional API.

Modelled on torch.fx's `Graph.python_code`: each graph's call plan (editor.building.plan,
the steps the build runs) is written step by step, a namespace hands out legal unique names, imports are collected apart from the
body, one emitter per node kind adds lines, and the lines are joined at the end. The
file must build the very model `editor.building.build` builds (tests/test_codegen.py compares the
two), so every rule here mirrors build.py and losses.py. Keras is never imported here.

Safety: text a user typed reaches the file only as a `repr()` string literal, as a
sanitised identifier, or as a `#` comment cleaned of line breaks; class names and
keyword names must be plain ASCII identifiers. No name or value can inject code.
"""

from __future__ import annotations

import builtins
import json
import keyword
import math
import textwrap
from typing import Any, Optional

from editor.code import codegen_blocks, codegen_train
from editor.model import expr, names
from editor.model import run_settings
from editor.errors import UserError
from editor.model.problems import distinct, errors
from editor.building.plan import Step, owner, plan
from editor.model.graph import Graph, Node, Output, Project, Ref, application_arguments, call_order

RESERVED = names.KEYWORDS | frozenset(dir(builtins)) | {"keras", "layers", "ops", "model", "build_model", "AddLoss",
                                                       "named_op"}
WIDTH = 88

# keras.optimizers.get() looks names up lower-cased; these have a public class to spell out.
OPTIMIZERS = {name.lower(): name for name in (
    "Adam", "SGD", "RMSprop", "Adadelta", "AdamW", "Adagrad", "Adamax", "Adafactor", "Nadam", "Ftrl", "Lion")}

# Leading constructor arguments written positionally, as the documents do: `Dense(512, ...)`.
# tests/test_codegen.py checks each against the class's signature.
_CONV = ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
         "SeparableConv1D", "SeparableConv2D")
_POOL = tuple(f"{kind}{d}D" for kind in ("MaxPooling", "AveragePooling", "MaxPool", "AvgPool") for d in (1, 2, 3))
POSITIONAL = {
    **dict.fromkeys(("Dense", "LSTM", "GRU", "SimpleRNN"), ("units",)),
    **dict.fromkeys(_CONV, ("filters", "kernel_size")),
    **dict.fromkeys(_POOL, ("pool_size",)),
    **dict.fromkeys(("UpSampling1D", "UpSampling2D", "UpSampling3D"), ("size",)),
    **dict.fromkeys(("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianDropout"), ("rate",)),
    **dict.fromkeys(("TimeDistributed", "Bidirectional"), ("layer",)),
    "Embedding": ("input_dim", "output_dim"), "Activation": ("activation",), "Reshape": ("target_shape",),
    "Permute": ("dims",), "RepeatVector": ("n",), "MultiHeadAttention": ("num_heads", "key_dim"),
}

# Written only where expr.ops_need_names says so (a layer named like an operation Keras names
# itself); the code reader knows it verbatim, as it knows AddLoss.
NAMED_OP = '''\
def named_op(tensor, name):
    """Names the keras.ops operation that computed `tensor`. Keras names operations itself
    ("add", "add_1", ...) whatever the layers are named, and a layer here has such a name."""
    tensor._keras_history.operation.name = name
    return tensor
'''

ADD_LOSS_CLASS = '''\
class AddLoss(layers.Layer):
    """Adds fn(*tensors) * weight to the model's loss: the Keras 3 form of model.add_loss."""

    def __init__(self, fn, weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.fn = fn
        self.weight = weight

    def call(self, *tensors):
        value = self.fn(*tensors)
        self.add_loss(self.weight * value)
        return value

    def compute_output_shape(self, *shapes):
        return ()

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}'''


class CodegenError(UserError):
    """The project cannot be written as code; the message names the node at fault."""


def generate(project: Project, train=None, strategy: str = "default") -> str:
    """The source of a module whose `build_model()` builds and compiles the project's model.

    train: an editor.model.run_settings.Settings to also write `train()` on synthetic data with
    those settings as defaults (see editor.code.codegen_train); strategy: its default
    tf.distribute strategy ("default", "mirrored" or "multiworker").
    """
    if train is not None:
        project = run_settings.with_optimizer(project, train)
    return _Module(project, train, strategy).source()


def refusal(problems) -> Optional[str]:
    """Why no code is written for a project with these problems (what `validate` and the
    Problems tab report), or None. Code of a graph with errors only moves the error into a
    Keras traceback when run (an empty graph wrote `keras.Model(inputs=[], outputs=[])`), so
    every error refuses it: the Code tab and `export-code` both ask here. One line."""
    found = distinct(errors(problems))
    if not found:
        return None
    return "the graph has errors: " + "; ".join(p.message for p in found)


# ----------------------------------------------------------------------------- names and values

class Namespace:
    """Hands out unique identifiers; keywords, builtins and the file's own names get a suffix."""

    def __init__(self, taken=RESERVED):
        self._taken = set(taken)

    def child(self) -> Namespace:
        """A namespace for one function: every name taken so far stays taken."""
        return Namespace(self._taken)

    def name(self, text: str, suffix: str = "") -> str:
        candidate = names.unique(names.identifier(text + suffix), self._taken)
        self._taken.add(candidate)
        return candidate


def value(obj: Any) -> str:
    """A Python literal for a config value; a serialised Keras layer becomes `layers.X(...)`;
    a block parameter (codegen_blocks.Code) is written as its name."""
    if isinstance(obj, codegen_blocks.Code):
        return str(obj)
    if obj is None or isinstance(obj, bool):
        return repr(obj)
    if isinstance(obj, int):
        return repr(int(obj))
    if isinstance(obj, float):
        if math.isnan(obj):
            return 'float("nan")'
        return repr(float(obj)) if math.isfinite(obj) else ('float("inf")' if obj > 0 else '-float("inf")')
    if isinstance(obj, str):
        text = repr(str(obj))  # escapes quotes, backslashes and every line break
        return f'"{text[1:-1]}"' if text[0] == "'" and '"' not in obj else text
    if isinstance(obj, list):
        return "[" + ", ".join(map(value, obj)) + "]"
    if isinstance(obj, tuple):
        return f"({value(obj[0])},)" if len(obj) == 1 else "(" + ", ".join(map(value, obj)) + ")"
    if isinstance(obj, dict):
        if _is_layer_dict(obj):
            return layer_expression(obj["class_name"], obj.get("config") or {})
        return "{" + ", ".join(f"{value(k)}: {value(v)}" for k, v in obj.items()) + "}"
    raise CodegenError(f"cannot write a value of type {type(obj).__name__}")


def _is_layer_dict(obj: dict) -> bool:
    """{"module": "keras.layers", "class_name": X, "config": {...}}: how wrappers hold their layer."""
    return (set(obj) <= {"module", "class_name", "config", "registered_name", "build_config"}
            and obj.get("module") == "keras.layers" and _plain_name(obj.get("class_name"))
            and isinstance(obj.get("config") or {}, dict) and obj.get("registered_name") in (None, obj["class_name"]))


def _plain_name(text: Any) -> bool:
    """An ASCII identifier: safe as a class or keyword name (no NFKC folding surprises)."""
    return isinstance(text, str) and text.isascii() and text.isidentifier() and not keyword.iskeyword(text)


def layer_expression(class_name: str, config: dict, name: Optional[str] = None,
                     module: str = "layers", first: tuple[str, ...] = ()) -> str:
    """`layers.X(positional, key=value, ..., name=...)`: the stored config in order; name wins, as in build.py."""
    if not _plain_name(class_name):
        raise CodegenError(f"{class_name!r} is not a Keras class name")
    config, args = dict(config), list(first)
    if name is not None:
        config.pop("name", None)
    for key in POSITIONAL.get(class_name, ()) if module == "layers" else ():
        if key not in config:
            break
        args.append(value(config.pop(key)))
    odd = {k: v for k, v in config.items() if not _plain_name(k)}  # keys no keyword argument can spell
    args += [f"{k}={value(v)}" for k, v in config.items() if k not in odd]
    args += [f"name={value(name)}"] if name is not None else []
    args += [f"**{value(odd)}"] if odd else []
    return f"{module}.{class_name}({', '.join(args)})"


def comment(text: str) -> list[str]:
    """`text` as `#` lines: split at every line break, non-printable characters blanked."""
    lines = []
    for line in text.splitlines() or [""]:
        clean = "".join(c if c.isprintable() else " " for c in line)
        lines += [f"# {part}" for part in textwrap.wrap(clean, WIDTH - 2)] or ["#"]
    return lines


def call_lines(head: str, args: list[str], indent: str = "    ") -> list[str]:
    """`head(args)` on one line if it fits, else one argument a line."""
    one = f"{indent}{head}({', '.join(args)})"
    if len(one) <= WIDTH:
        return [one]
    return [f"{indent}{head}(", *(f"{indent}    {a}," for a in args), f"{indent})"]


def _tensors(names: list[str]) -> str:
    """One tensor as itself (as the documents write it), else a list."""
    return names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"


def graph_order(project: Project) -> list[Graph]:
    """The graphs the main model needs, nested ones before their callers."""
    return [project.graph(graph_id) for graph_id in call_order(project)]


# ----------------------------------------------------------------------------- the module

class _Module:
    """One project as one file. Module-level names are all chosen before any function body."""

    def __init__(self, project: Project, train=None, strategy: str = "default"):
        self.project, self.graphs = project, graph_order(project)
        self.train, self.strategy = train, strategy
        self.main, self.nested = self.graphs[-1], self.graphs[:-1]
        self.uses: set[str] = set()  # "layers", "ops", "AddLoss"
        self.names = names = Namespace(RESERVED | (codegen_train.NAMES if train is not None else frozenset()))
        self.builders = {g.id: names.name("build_" + g.name) for g in self.nested} | {self.main.id: "build_model"}
        self.model_vars = {g.id: names.name(g.name) for g in self.nested}
        self.loss_fns = {(g.id, n.id): names.name(n.name, "_fn") for g in self.graphs for n in g.loss_nodes}
        self.output_fns = {i: names.name(getattr(self.main.get(o.ref.node), "name", o.ref.node), "_loss")
                           for i, o in enumerate(self.main.outputs) if o.custom_expression is not None}
        self.block_plans = {g.id: codegen_blocks.plan_blocks(g, plan(g), names.name) for g in self.graphs}

    def source(self) -> str:
        functions = [self._loss_function(g, n) for g in self.graphs for n in g.loss_nodes]
        functions += [self._output_loss_function(self.main.outputs[i], name) for i, name in self.output_fns.items()]
        functions += [codegen_blocks.def_lines(g, d, layer_expression, value, self.names.child())
                      for g in self.graphs for d in self.block_plans[g.id].defs]
        functions += [_GraphWriter(self, graph).lines() for graph in self.graphs]
        if any(self.block_plans[g.id].defs for g in self.graphs):
            self.uses.add("layers")
        blocks = ([ADD_LOSS_CLASS.splitlines()] if "AddLoss" in self.uses else [])
        blocks += ([NAMED_OP.splitlines()] if "named_op" in self.uses else []) + functions
        header = comment(self.project.title) + ["#", *comment(self._facts())]
        imports = ["import keras"] + [f"from keras import {m}" for m in ("layers", "ops") if m in self.uses]
        if self.train is None:
            blocks.append(['if __name__ == "__main__":', "    model = build_model()", "    model.summary()"])
            header += ["#", "# Generated by Keras Graph Studio: run it to build the model and print its summary.", ""]
        else:
            blocks += codegen_train.blocks(self.project, self.train, self.strategy, value)
            blocks.append(['if __name__ == "__main__":', "    main()"])
            header += ["#", "# Generated by Keras Graph Studio: run it to build the model, print its summary and",
                       "# train it on synthetic data (--help for the options).", ""]
            imports = codegen_train.IMPORTS + [""] + imports
        return "\n".join(header + imports + [line for block in blocks for line in ["", "", *block]]) + "\n"

    def _facts(self) -> str:
        """What the header says about the model: read off the graph now, so that it stays
        true after edits (a template's description, with its parameter count, would not)."""
        main = self.main

        def port(ref: Ref) -> str:
            node = main.get(ref.node)
            name = node.name if node is not None else ref.node
            return f"{name}[{ref.output}]" if ref.output else name

        inputs = ", ".join(f"{n.name} {tuple(n.shape or ())} {n.dtype}" for n in main.inputs) or "none"
        outputs = []
        for output in main.outputs:
            loss = "no loss" if output.loss is None else (
                "a custom loss" if output.custom_expression is not None else output.loss)
            weight = f", weight {output.loss_weight:g}" if output.loss_weight != 1.0 else ""
            outputs.append(f"{port(output.ref)} ({loss}{weight})")
        loss_nodes = [n.name for n in main.loss_nodes]
        lines = [f"Model {main.name}: {len(main.nodes)} nodes.", f"Inputs: {inputs}.",
                 f"Outputs: {', '.join(outputs) or 'none'}."]
        if loss_nodes:
            lines.append(f"Loss nodes (added with add_loss): {', '.join(loss_nodes)}.")
        if self.nested:
            lines.append(f"Nested models: {', '.join(g.name for g in self.nested)}.")
        lines.append(f"Optimizer: {self.project.training.optimizer}.")
        return "\n".join(lines)

    def called(self, caller: Graph) -> list[str]:
        """The nested models a graph calls (its build function's arguments), in build order."""
        return [self.model_vars[g.id] for g in self.nested if any(n.graph == g.id for n in caller.nodes)]

    def _expression(self, text: str, names: tuple[str, ...], rename: dict[str, str], where: str) -> str:
        try:
            tree = expr.parse(text, names)
        except expr.ExprError as err:
            raise CodegenError(f"{where}: {err}") from None
        self.uses.add("ops")
        return expr.to_python(tree, rename)

    def _loss_function(self, graph: Graph, node: Node) -> list[str]:
        """`def <name>_fn(a, b): return ...`: the loss node's expression of its input tensors."""
        local = Namespace()
        params = [local.name(name) for name in node.input_names]
        rename = dict(zip(node.input_names, params))  # a repeated name means its last tensor, as dict(zip()) does
        body = self._expression(node.expression or "", node.input_names, rename, f"loss node '{node.name}'")
        return [f"def {self.loss_fns[(graph.id, node.id)]}({', '.join(params)}):", f"    return {body}"]

    def _output_loss_function(self, output: Output, name: str) -> list[str]:
        """A custom per-output loss, computed as losses.ExpressionLossFunction does."""
        body = self._expression(output.custom_expression, ("y_true", "y_pred"), {}, f"loss of output '{self.main.tensor_name(output.ref)}'")
        return [f"def {name}(y_true, y_pred):", "    y_true = ops.cast(y_true, y_pred.dtype)", f"    return {body}"]


class _GraphWriter:
    """The `build_<graph>()` function of one graph: one emitter per node kind."""

    def __init__(self, module: _Module, graph: Graph):
        self.module, self.graph = module, graph
        self.names = module.names.child()
        self.tensors: dict[str, str] = {}  # node id -> variable
        self.layer_vars: dict[str, str] = {}  # owner node id -> variable holding its shared layer
        self.plan = plan(graph)
        self.multi = self._multi_output_nodes()
        self.ops_need_names = expr.ops_need_names((n.kind, n.name) for n in graph.nodes)  # named_op(...) then
        self.body: list[str] = []
        self.emitters = {"input": self._input, "layer": self._layer, "model": self._model,
                         "application": self._application, "loss": self._loss, "op": self._op}

    def _multi_output_nodes(self) -> set[str]:
        """Nodes whose call returns a list, so consumers index it (`lstm[1]`)."""
        refs = [r for n in self.graph.nodes for r in n.inputs] + [o.ref for o in self.graph.outputs]
        multi = {r.node for r in refs if r.output > 0}
        graphs = {g.id: g for g in self.module.project.graphs}
        for node in self.graph.nodes:
            config = (owner(self.graph, node) or node).config  # a shared call: its owner's layer
            wrapped = config.get("layer") if isinstance(config.get("layer"), dict) else {}
            configs = (config, wrapped.get("config") if isinstance(wrapped.get("config"), dict) else {})
            if node.kind == "layer" and any(c.get(k) is True for c in configs for k in ("return_state", "return_attention_scores")):
                multi.add(node.id)
            if node.kind == "model" and node.graph in graphs:  # a nested model returns its outputs and loss values
                nested = graphs[node.graph]
                if len(nested.model_outputs) > 1:
                    multi.add(node.id)
        return multi

    def lines(self) -> list[str]:
        graph, module = self.graph, self.module
        is_main = graph is module.main
        called = module.called
        doc = "Build and compile the model." if is_main else "A nested model: built once, every call shares its weights."
        lines = [f"def {module.builders[graph.id]}({'' if is_main else ', '.join(called(graph))}):", f'    """{doc}"""']
        if is_main:
            lines += [f"    {module.model_vars[g.id]} = {module.builders[g.id]}({', '.join(called(g))})" for g in module.nested]
        if not self.plan.complete:
            raise CodegenError(f"model '{graph.name}' has a cycle")
        blocks = module.block_plans[graph.id]
        for step in self.plan.steps:
            node = step.node
            self.body += ["    " + header for header in blocks.headers.get(node.id, ())]
            if node.id in blocks.calls:
                self._block_call(*blocks.calls[node.id], blocks.marks.get(node.id))
            if node.id in blocks.inside:
                continue
            emitter = self.emitters.get(node.kind)
            if emitter is None:
                raise CodegenError(f"node '{node.name}': unknown kind {node.kind!r}")
            call = emitter(step)  # may first define a shared layer
            self.tensors[node.id] = variable = self.names.name(node.name)
            # A node with no name= in its call (an op, a nested model's or a shared layer's call)
            # keeps its name in a comment when the variable cannot be it: the code importer reads it.
            named_here = node.kind in ("op", "model", "application") or bool(node.shares)
            notes = [f"node: {json.dumps(node.name)}"] if named_here and variable != node.name else []
            notes += [f"in block: {json.dumps(blocks.marks[node.id])}"] if node.id in blocks.marks else []
            self.body.append(f"    {variable} = {call}" + ("  # " + "; ".join(notes) if notes else ""))
        inputs = [self.tensors[n.id] for n in graph.inputs]
        outputs = [self.tensor(ref) for ref in self.plan.outputs]
        args = [f"inputs={_tensors(inputs) if inputs else '[]'}", f"outputs={_tensors(outputs) if outputs else '[]'}",
                f"name={value(graph.name)}"]
        lines += self.body + call_lines("model = keras.Model", args)
        if is_main:
            lines += call_lines("model.compile", self._compile_args())
        return lines + ["    return model"]

    def _block_call(self, definition, block_id: str, in_block: Optional[str]) -> None:
        """`x = residual_block(x, name=..., filters=...)`: a block written as a call of its def
        (`in_block`: the block written flat around it, named in a comment)."""
        graph = self.graph
        tensors = [self.tensor(ref) for ref in codegen_blocks.block_inputs(graph, block_id)]
        out = codegen_blocks.block_output(graph, block_id)
        self.tensors[out.id] = variable = self.names.name(out.name)
        args = codegen_blocks.call_arguments(graph, definition, block_id, tensors, value)
        lines = call_lines(f"{variable} = {definition.name}", args)
        if in_block is not None:
            lines[0] += f"  # in block: {json.dumps(in_block)}"
        self.body += lines

    def tensor(self, ref: Ref) -> str:
        if ref.node not in self.tensors:
            raise CodegenError(f"model '{self.graph.name}': node '{ref.node}' does not exist or is used before it is made")
        return f"{self.tensors[ref.node]}[{ref.output}]" if ref.node in self.multi else self.tensors[ref.node]

    def _arguments(self, step: Step) -> str:
        """The call's tensors, passed as build.py passes them: a list, separate arguments, or
        one; then the keyword tensors (`initial_state=[state_h, state_c]`, `mask=mask`)."""
        node = step.node
        tensors, keywords = step.arguments(self.tensor)
        named = [f"{k}=[{', '.join(v)}]" if isinstance(v, list) else f"{k}={v}" for k, v in keywords.items()]
        if node.call_style == "list":
            return ", ".join(["[" + ", ".join(tensors) + "]", *named])
        if node.call_style == "single" and len(tensors) != 1:
            raise CodegenError(f"node '{node.name}' takes one tensor, it has {len(tensors)}")
        return ", ".join(tensors + named)

    # --- one emitter per node kind: each returns the right-hand side of `variable = ...`

    def _input(self, step: Step) -> str:
        node = step.node
        dtype = [f"dtype={value(node.dtype)}"] if node.dtype != "float32" else []
        return f"keras.Input({', '.join([f'shape={value(node.shape)}', *dtype, f'name={value(node.name)}'])})"

    def _layer(self, step: Step) -> str:
        self.module.uses.add("layers")
        node, owner = step.node, step.owner
        if owner is None:
            raise CodegenError(f"node '{node.name}' shares the layer of '{node.shares}', which does not exist")
        if not step.shared:
            return f"{layer_expression(owner.class_name, owner.config, owner.name)}({self._arguments(step)})"
        if step.first_call:  # a shared layer is made once, just before its first call
            self.layer_vars[step.layer] = var = self.names.name(owner.name, "_layer")
            self.body.append(f"    {var} = {layer_expression(owner.class_name, owner.config, owner.name)}")
        return f"{self.layer_vars[step.layer]}({self._arguments(step)})"

    def _model(self, step: Step) -> str:
        node = step.node
        if node.graph not in self.module.model_vars:
            raise CodegenError(f"model node '{node.name}' calls graph '{node.graph}', which cannot be nested here")
        return f"{self.module.model_vars[node.graph]}({self._arguments(step)})"

    def _application(self, step: Step) -> str:
        node = step.node
        if not _plain_name(node.class_name) or not node.class_name[:1].isupper():
            raise CodegenError(f"'{node.class_name}' is not a keras.applications model")
        # weights="imagenet" kept as the code it came from said (the editor itself builds with None)
        weights = "weights=\"imagenet\"" if node.config.get("weights") == "imagenet" else "weights=None"
        model = layer_expression(node.class_name, application_arguments(node), node.name, "keras.applications",
                                 (weights,))
        if node.config.get("trainable", True) is not False:
            return f"{model}({self._arguments(step)})"
        var = self.names.name(node.name, "_model")  # a frozen base: `base.trainable = False` before its call
        self.body += [f"    {var} = {model}", f"    {var}.trainable = False"]
        return f"{var}({self._arguments(step)})"

    def _loss(self, step: Step) -> str:
        node = step.node
        self.module.uses.update({"AddLoss", "layers"})
        fn = self.module.loss_fns[(self.graph.id, node.id)]
        weight = f", weight={value(node.weight)}" if node.weight != 1.0 else ""
        return f"AddLoss({fn}{weight}, name={value(node.name)})({self._arguments(step)})"

    def _op(self, step: Step) -> str:
        """The expression as a person writes it: `x + inputs`, `ops.expand_dims(x, 1)`."""
        node = step.node
        rename = {name: self.tensor(ref) for name, ref in zip(node.input_names, node.inputs)}
        text = self.module._expression(node.expression or "", node.input_names, rename, f"op node '{node.name}'")
        if not self.ops_need_names or text in rename.values():
            return text
        self.module.uses.add("named_op")
        return f"named_op({text}, {value(node.name)})"

    def _compile_args(self) -> list[str]:
        """As losses.compile_args: lists per model output (None for loss nodes); plain values for one output."""
        training, module, calls = self.module.project.training, self.module, self.plan
        outputs, count = calls.declared, len(calls.outputs)
        if not training.learning_rate:
            optimizer = value(training.optimizer)
        elif training.optimizer.lower() in OPTIMIZERS:
            optimizer = f"keras.optimizers.{OPTIMIZERS[training.optimizer.lower()]}(learning_rate={value(training.learning_rate)})"
        else:
            config = {"class_name": training.optimizer, "config": {"learning_rate": training.learning_rate}}
            optimizer = f"keras.optimizers.get({value(config)})"
        args = [f"optimizer={optimizer}"]
        if not any(o.loss for o in outputs):
            return args
        losses = calls.padded([module.output_fns[i] if i in module.output_fns else value(o.loss or None)
                               for i, o in enumerate(outputs)], "None")
        weights = calls.padded([value(o.loss_weight) for o in outputs], "1.0")
        metrics = calls.padded([value(list(o.metrics) or None) for o in outputs], "None")
        if count == 1:  # as the documents write it: loss="...", metrics=[...]
            args.append(f"loss={losses[0]}")
            args += [f"loss_weights={weights[0]}"] if outputs[0].loss_weight != 1.0 else []
            return args + ([f"metrics={metrics[0]}"] if outputs[0].metrics else [])
        args += [f"loss=[{', '.join(losses)}]", f"loss_weights=[{', '.join(weights)}]"]
        return args + ([f"metrics=[{', '.join(metrics)}]"] if any(o.metrics for o in outputs) else [])
