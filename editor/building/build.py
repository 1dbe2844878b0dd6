"""Graph -> real `keras.Model`, built node by node so errors land on the node at fault.

Layers are made by Keras's own deserialisation (`keras.layers.deserialize` with
module / class_name / config): no translator per layer class. Each step of the graph's
call plan (editor.building.plan) is called on its input tensors inside a try; a node
whose call fails gets a Problem with Keras's message, its consumers are skipped, and the
rest of the graph is still built, so output shapes are known for every valid part while another is broken.
"""

from __future__ import annotations

import math
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

import keras

from editor.building import catalog, losses, plan
from editor.model import expr
from editor.building.deadline import Deadline, TooSlow
from editor.errors import UserError
from editor.model.graph import Graph, Node, Project, application_arguments, call_order
from editor.model.problems import Problem, errors, one_line
from editor.model.validate import MAX_NODES, check_project

Shape = tuple[Optional[int], ...]

# Keras's map_graph walks a model depth first, a few Python frames a layer: a chain of
# about 1,000 layers exceeded Python's default limit of 1,000 frames. Python-to-Python
# calls do not grow the C stack (CPython 3.11+), so a higher limit is safe in any thread.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 6 * MAX_NODES + 1_000))

# Keras draws a new layer's default seeds (initializers, dropout) from Python's global
# `random` when the layer is made, so a build in one thread moves the seeds of a build in
# another. Every build holds this lock; a run seeds and builds under it in one go
# (`run_model.build_model(seed=...)`), so the same seed gives the same weights and dropout
# masks while another tab edits its model.
CONSTRUCTION = threading.RLock()


@dataclass
class BuildResult:
    """What a build gives: the model (None if any error), shapes and problems."""

    model: Optional[keras.Model]
    shapes: dict[str, list[Shape]] = field(default_factory=dict)  # main-graph node id -> per-output shapes
    problems: list[Problem] = field(default_factory=list)
    compile_args: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.model is not None and not errors(self.problems)

    @property
    def first_error(self) -> Optional[str]:
        """Why it does not build, in one line (the first error); None when it builds."""
        if self.ok:
            return None
        found = errors(self.problems)
        return found[0].message if found else "the model does not build"


class GraphBuilder:
    """Builds one graph of a project by running its call plan (editor.building.plan) with
    real Keras calls; nested graphs are built once and reused. The quick build runs the
    same plan with the same calls, on cached specs."""

    def __init__(self, project: Project, models: dict[str, Optional[keras.Model]], problems: list[Problem]):
        self.project = project
        self.models = models  # graph id -> built model (None if it failed)
        self.problems = problems
        self.deadline = Deadline("build")
        self.stopped = False
        self._op_naming: dict[str, bool] = {}  # graph id -> expr.ops_need_names

    def walk(self, graph: Graph, steps, operation) -> dict[str, tuple]:
        """Node id -> output values of each step `operation(graph, step, value)` ran without error;
        the others get a problem on their node."""
        def failed(step, err):
            self._report(graph, step.node, str(err) if isinstance(err, NodeError) else one_line(err))
        return plan.run(steps, lambda step, value: operation(graph, step, value), failed,
                        lambda values, ref: self.pick(graph, values, ref),
                        lambda step: self.over_budget(graph, step.node))

    def build(self, graph: Graph) -> tuple[Optional[keras.Model], dict[str, list[Shape]]]:
        calls = plan.plan(graph)
        layers: dict[str, Any] = {}  # step.layer -> layer object (shared layers)
        tensors = self.walk(graph, calls.steps, lambda g, step, value: call_outputs(self.call(g, step, value, layers)))
        if self.stopped:
            return None, {}
        shapes = {node_id: [tuple(t.shape) for t in ts] for node_id, ts in tensors.items()}
        # Nodes on a cycle are not in the plan at all: reported by check_cycles.
        if len(tensors) < len(graph.nodes) or not self.outputs_ok(graph, tensors):
            return None, shapes
        inputs = [tensors[n.id][0] for n in graph.inputs]
        outputs = [self.pick(graph, tensors, ref) for ref in calls.outputs]
        try:
            model = keras.Model(inputs=inputs, outputs=outputs, name=graph.name)
        except Exception as err:
            self.problems.append(Problem(f"model '{graph.name}': {one_line(err)}", graph=graph.id, check="build"))
            return None, shapes
        return model, shapes

    def _ops_need_names(self, graph: Graph) -> bool:
        if graph.id not in self._op_naming:
            self._op_naming[graph.id] = expr.ops_need_names((n.kind, n.name) for n in graph.nodes)
        return self._op_naming[graph.id]

    def over_budget(self, graph: Graph, node: Node) -> bool:
        """True once the build's time budget is spent; the node it stopped at gets the one problem."""
        if not self.stopped:
            try:
                self.deadline.check(f"node '{node.name}'")
            except TooSlow as err:
                self.stopped = True
                self.problems.append(Problem(str(err), node=node.id, graph=graph.id, check="build"))
        return self.stopped

    def outputs_ok(self, graph: Graph, tensors: dict[str, tuple]) -> bool:
        """The declared outputs exist and their custom losses work on their shapes (reads only `.shape`)."""
        ok = True
        for output in graph.outputs:
            produced = tensors.get(output.ref.node)
            if produced is None:
                continue
            node = graph.node(output.ref.node)
            if output.ref.output >= len(produced):
                self._report(graph, node, f"has {len(produced)} output(s); output {output.ref.output} does not exist")
                ok = False
                continue
            try:
                losses.check_output_loss(output, tuple(produced[output.ref.output].shape)[1:])
            except UserError as err:
                self._report(graph, node, str(err))
                ok = False
        return ok

    @staticmethod
    def pick(graph: Graph, values: dict[str, tuple], ref):
        produced = values[ref.node]
        if ref.output >= len(produced):
            source = graph.node(ref.node).name
            raise NodeError(f"takes output {ref.output} of '{source}', which has only {len(produced)}")
        return produced[ref.output]

    def call(self, graph: Graph, step: plan.Step, value, layers: dict[str, Any]):
        """What one step gives: Keras's call of the node on its inputs (`value(ref)` each)."""
        node = step.node
        if node.kind == "input":
            return keras.Input(shape=node.shape, dtype=node.dtype, name=node.name)
        positional, keywords = step.arguments(value)
        if node.kind == "op":
            result = apply_op(node, positional)
            if self._ops_need_names(graph) and all(result is not t for t in positional):
                result._keras_history.operation.name = node.name  # as exported code's named_op() does
            return result
        callable_ = self._layer(step, layers, positional)
        if keywords:
            _check_keywords(step.owner or node, keywords)
        if not positional:
            raise NodeError("takes no positional tensor: one input must be passed as the layer's main input")
        style = node.call_style
        if style == "list":
            return callable_(positional, **keywords)
        if style == "args":
            return callable_(*positional, **keywords)
        return callable_(positional[0], **keywords)

    def _layer(self, step: plan.Step, layers: dict[str, Any], args: list):
        node = step.node
        if node.kind == "loss":
            # (a rank-0 tensor, e.g. a Lambda's K.mean(...) of the whole batch, has no batch axis: None)
            return losses.loss_layer(node, [tuple(t.shape)[1:] if len(t.shape) else None for t in args])
        if node.kind == "model":
            model = self.models.get(node.graph)
            if model is None:
                raise NodeError(f"the nested model '{self.project.graph(node.graph).name}' does not build")
            return model
        if node.kind == "application":
            return make_application(node)
        if step.layer not in layers:
            layers[step.layer] = make_layer(step.owner)
        return layers[step.layer]

    def _report(self, graph: Graph, node: Node, message: str) -> None:
        self.problems.append(Problem(f"node '{node.name}': {message}", node=node.id, graph=graph.id, check="build"))


def call_outputs(result) -> tuple:
    """A call's outputs as a tuple (one tensor, or the list a multi-output layer returns)."""
    return tuple(result) if isinstance(result, (list, tuple)) else (result,)


class NodeError(UserError):
    """A problem on a node found while building (already phrased for the user)."""


def _check_keywords(node: Node, keywords: dict) -> None:
    """Keyword tensors only where the layer's call takes them (what Keras's signature says)."""
    accepted = catalog.call_keywords(node.class_name or "") if node.kind == "layer" else ()
    for keyword in keywords:
        if keyword not in accepted:
            takes = f"it takes {', '.join(accepted)}" if accepted else "it takes none"
            raise NodeError(f"{node.class_name or node.kind} has no tensor argument '{keyword}' ({takes})")


def apply_op(node: Node, tensors: list):
    """An op node's value: its expression computed with keras.ops on the symbolic tensors,
    which Keras records as operations of the model (saved as keras.src.ops.* entries)."""
    try:
        tree = expr.parse(node.expression or "", node.input_names)
    except expr.ExprError as err:
        raise NodeError(f"expression: {err}") from None
    unused = [name for name in node.input_names if name not in tree.names_used]
    if unused:
        raise NodeError(f"expression does not use input '{unused[0]}' (remove the wire or use the name)")
    result = expr.evaluate(tree, dict(zip(node.input_names, tensors)))
    if not isinstance(result, keras.KerasTensor):
        raise NodeError("expression must compute a tensor from its inputs")
    shapes = {name: tuple(t.shape)[1:] for name, t in zip(node.input_names, tensors)}
    small = all(expr.BATCH * math.prod(shape) <= expr.MAX_TEST_VALUES for shape in shapes.values())
    if small and all(d is not None for shape in shapes.values() for d in shape):  # free dims would be guessed
        try:  # symbolic shapes miss what only values show: reshape(x, (-1, 7)) of 4 values
            expr.dry_run(tree, shapes, "tensor", {n: str(t.dtype) for n, t in zip(node.input_names, tensors)})
        except expr.ExprError as err:
            raise NodeError(f"expression {err}") from None
    return result


def make_layer(node: Node):
    """A Keras layer from the node's class and config, through Keras serialisation.

    Only palette classes are built (editor.building.catalog): no Lambda, TFSMLayer or wrapped
    Python code, also not inside a wrapper's `layer` config.
    """
    _check_allowed(node.class_name or "")
    for class_name in _nested_layer_classes(node.config):
        _check_allowed(class_name)
    try:
        return keras.layers.deserialize(
            {"module": "keras.layers", "class_name": node.class_name, "config": {**node.config, "name": node.name}}
        )
    except Exception as err:
        raise NodeError(f"invalid {node.class_name} settings: {one_line(err)}") from None


def _nested_layer_classes(config: Any):
    """Classes of the layer configs nested in a config (a wrapper's `layer`, ...)."""
    stack = [config]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            nested = value.get("class_name")
            if value.get("module") in ("keras.layers", None) and catalog.is_layer_class(nested):
                yield str(nested)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _check_allowed(class_name: str) -> None:
    try:
        name = catalog.canonical_name(class_name)
    except KeyError:
        raise NodeError(f"unknown layer class '{class_name}' (not in keras.layers)") from None
    reason = catalog.excluded().get(name)
    if reason:
        raise NodeError(f"{name} cannot be used in the editor: {reason}")


def make_application(node: Node):
    """A keras.applications model; weights are never downloaded (weights=None)."""
    builder = getattr(keras.applications, node.class_name or "", None)
    if builder is None or not callable(builder) or not node.class_name[:1].isupper():
        raise NodeError(f"'{node.class_name}' is not a keras.applications model")
    try:
        model = builder(weights=None, name=node.name, **application_arguments(node))
    except Exception as err:
        raise NodeError(f"invalid {node.class_name} settings: {one_line(err)}") from None
    model.trainable = node.config.get("trainable", True) is not False  # a frozen base (transfer learning)
    return model


def build_project(project: Project, graph_id: Optional[str] = None, weights: bool = True) -> BuildResult:
    """Check the project, then build graph `graph_id` (default: the main graph).

    weights=False builds a preview model: shapes, parameter counts, summary and diagram
    are all there, but no weight is initialised (Keras's StatelessScope defers it), which
    makes the U-Net ten times faster to build. Such a model must not be trained or saved,
    and has no compile arguments.
    """
    graph_id = graph_id or project.main.id
    with CONSTRUCTION:
        return _build_project(project, graph_id, weights)


def _build_project(project: Project, graph_id: str, weights: bool) -> BuildResult:
    if weights:
        model, shapes, problems = _build_graphs(project, graph_id)
    else:
        with keras.StatelessScope(initialize_variables=False):
            model, shapes, problems = _build_graphs(project, graph_id)
        forget_deferred_variables()
    problems = problems + losses.setting_problems(project)  # an unknown loss or optimizer name
    ok = model is not None and not errors(problems)
    # A preview is never compiled: its optimizer (variables made) would be wasted work.
    compile_args = losses.compile_args(project, project.graph(graph_id)) if ok and weights else {}
    return BuildResult(model=model, shapes=shapes, problems=problems, compile_args=compile_args)


def _build_graphs(project: Project, graph_id: str):
    """Nested graphs first, then `graph_id`; the model is None if anything has an error."""
    problems = check_project(project)
    models: dict[str, Optional[keras.Model]] = {}
    builder = GraphBuilder(project, models, problems)
    shapes: dict[str, list[Shape]] = {}
    structural = {p.graph for p in errors(problems)}
    for gid in call_order(project):
        if gid in structural and gid != graph_id:
            models[gid] = None
            continue
        model, graph_shapes = builder.build(project.graph(gid))
        models[gid] = model
        if gid == graph_id:
            shapes = graph_shapes
    if graph_id not in models:  # a graph the main model does not call
        models[graph_id], shapes = builder.build(project.graph(graph_id))
    model = models[graph_id] if not errors(problems) else None
    return model, shapes, problems


def forget_deferred_variables() -> None:
    """Keras keeps every variable created in a StatelessScope in a global list, to
    initialise later; a preview never is, so drop the list instead of letting it grow."""
    from keras.src.backend.common import global_state

    global_state.set_global_attribute("uninitialized_variables", [])




def compiled_model(project: Project) -> keras.Model:
    """The main model, compiled as the project says; raises BuildError if it does not build."""
    result = build_project(project)
    if not result.ok:
        raise BuildError(result.first_error)
    result.model.compile(**result.compile_args)
    return result.model


class BuildError(UserError):
    """The project does not build; the message names the first node at fault."""


def summary_text(model: keras.Model, line_length: Optional[int] = None) -> str:
    """`model.summary()` exactly as Keras prints it, as a string."""
    lines: list[str] = []
    model.summary(line_length=line_length, print_fn=lambda text, line_break=True: lines.append(text))
    return "\n".join(lines)


def param_counts(model: keras.Model) -> dict[str, int]:
    """Total, trainable and non-trainable parameters of a model (or of one layer)."""
    trainable = sum(weight_size(w) for w in model.trainable_weights)
    non_trainable = sum(weight_size(w) for w in model.non_trainable_weights)
    return {"total_params": trainable + non_trainable, "trainable_params": trainable, "non_trainable_params": non_trainable}


def weight_size(weight) -> int:
    size = 1
    for dim in weight.shape:
        size *= int(dim)
    return size
