"""How a model is supervised: per-output losses and weights, custom loss expressions,
and loss nodes (the seeds' "loss as a layer + add_loss" pattern, in Keras 3 form).

Keras 3 refuses `model.add_loss(tensor)` on a functional model, so a loss node is a
small layer whose `call()` computes the expression and calls `self.add_loss`; its
value is also a model output (as in seed 000), which no compile loss supervises.
Expressions are parsed by `editor.model.expr` into a whitelisted tree: never eval'd.
"""

from __future__ import annotations

from typing import Any

import keras

from editor.model import expr
from editor.errors import UserError
from editor.building.plan import plan
from editor.model.graph import Graph, Node, Output, Project
from editor.model.problems import Problem

PACKAGE = "keras_graph_studio"


@keras.saving.register_keras_serializable(package=PACKAGE)
class ExpressionLoss(keras.layers.Layer):
    """A loss node: computes `expression` of its input tensors and adds it, weighted, to the loss."""

    def __init__(self, expression: str, input_names, weight: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.expression = expression
        self.input_names = tuple(input_names)
        self.weight = float(weight)
        self._tree = expr.parse(expression, self.input_names)

    def call(self, *tensors):
        value = expr.evaluate(self._tree, dict(zip(self.input_names, tensors)))
        self.add_loss(self.weight * value)
        return value

    def compute_output_shape(self, *shapes):
        return ()

    def get_config(self):
        return {**super().get_config(), "expression": self.expression, "input_names": list(self.input_names), "weight": self.weight}


@keras.saving.register_keras_serializable(package=PACKAGE)
class ExpressionLossFunction(keras.losses.Loss):
    """A per-output custom loss written as an expression of y_true and y_pred."""

    def __init__(self, expression: str, name: str = "custom_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.expression = expression
        self._tree = expr.parse(expression, ("y_true", "y_pred"))

    def call(self, y_true, y_pred):
        y_true = keras.ops.cast(y_true, y_pred.dtype)
        return expr.evaluate(self._tree, {"y_true": y_true, "y_pred": y_pred})

    def get_config(self):
        return {**super().get_config(), "expression": self.expression}


class LossError(UserError):
    """A loss expression that does not give the number (or one per sample) a loss must."""


def loss_layer(node: Node, input_shapes) -> ExpressionLoss:
    """The node's layer, after a dry run on small random tensors of the wired-in shapes
    (per sample, batch left out) shows the expression gives one finite number."""
    try:
        layer = ExpressionLoss(node.expression or "", node.input_names, node.weight, name=node.name)
        expr.dry_run(layer._tree, dict(zip(node.input_names, input_shapes)), "scalar")
    except expr.ExprError as err:
        raise LossError(f"loss expression: {err}") from None
    return layer


def check_output_loss(output: Output, shape) -> None:
    """A custom per-output loss must give a finite number or one per sample (dry run)."""
    if output.custom_expression is not None:
        try:
            tree = expr.parse(output.custom_expression, ("y_true", "y_pred"))
            expr.dry_run(tree, {"y_true": shape, "y_pred": shape}, "per_sample")
        except expr.ExprError as err:
            raise LossError(f"custom loss: {err}") from None


def output_loss(output: Output, name: str) -> Any:
    """What compile() gets for one output: a Keras loss name, a custom loss object or None."""
    if not output.loss:
        return None
    if output.custom_expression is not None:
        return ExpressionLossFunction(output.custom_expression, name=f"{name}_loss")
    return output.loss


class UnknownOptimizer(UserError):
    """The project (or a run's settings) names an optimizer keras.optimizers does not have."""


def optimizer(project: Project):
    """The project's optimizer, for compile, training and estimates alike."""
    return keras.optimizers.get(optimizer_config(project))


def optimizer_config(project: Project) -> dict:
    """The one resolver of an optimizer name (any case: "adam", "Adam") and learning rate:
    what keras.optimizers.get makes the optimizer from. Checking a name needs no optimizer
    (making one creates its variables: a third of an mlp's preview build)."""
    from editor.building import compile_choices

    settings = project.training
    classes = {n.lower(): n for n in compile_choices.optimizer_strings()}
    class_name = classes.get(settings.optimizer.lower())
    if class_name is None:
        raise UnknownOptimizer(f"unknown optimizer '{settings.optimizer}' (known: {', '.join(compile_choices.optimizers())})")
    config = {"learning_rate": settings.learning_rate} if settings.learning_rate else {}
    return {"class_name": class_name, "config": config}


def setting_problems(project: Project) -> list[Problem]:
    """Names compile() would not know: the optimizer and each output's loss (Keras's own
    keras.losses.get decides, so "mse" and "Huber" pass). Found before compile, so that
    `validate`, the Problems tab and the code's refusal name them, not a Keras traceback."""
    found: list[Problem] = []
    try:
        optimizer_config(project)
    except UnknownOptimizer as err:
        found.append(Problem(str(err), check="check_optimizer"))
    graph = project.main
    for output in graph.outputs:
        if not output.loss or output.custom_expression is not None:
            continue
        try:
            keras.losses.get(output.loss)
        except (ValueError, TypeError):
            node = graph.get(output.ref.node)
            where = f"output '{node.name}'" if node is not None else "an output"
            found.append(Problem(f"{where}: unknown loss '{output.loss}'", node=output.ref.node, graph=graph.id,
                                 check="check_losses"))
    return found


def compile_args(project: Project, graph: Graph) -> dict[str, Any]:
    """Keyword arguments for `model.compile`, in the order of the model's outputs.

    Outputs without a loss (and the loss nodes' own outputs) get None. A model
    supervised only by loss nodes compiles with an optimizer alone (seed 003 method 2).
    """
    args: dict[str, Any] = {"optimizer": optimizer(project)}
    calls = plan(graph)
    outputs = calls.declared
    if not any(o.loss for o in outputs):
        return args
    names = [graph.node(o.ref.node).name for o in outputs]
    args["loss"] = calls.padded([output_loss(o, n) for o, n in zip(outputs, names)], None)
    args["loss_weights"] = calls.padded([o.loss_weight for o in outputs], 1.0)
    if any(o.metrics for o in outputs):
        args["metrics"] = calls.padded([list(o.metrics) or None for o in outputs], None)
    return args
