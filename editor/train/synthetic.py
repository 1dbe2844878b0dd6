"""Synthetic training data for a project's main model: pure numpy, seeded, reproducible.

Every model input gets an array of its shape and dtype (free `None` dimensions get a
length the caller picks); every output supervised by a compile loss gets targets that
fit that loss (class indices, one-hot rows, 0/1 masks, probabilities or real values).
Outputs without a loss and the loss nodes' own outputs get no targets: `y` holds None
in their places, which Keras 3 accepts (also with `validation_split`); a model that
only loss nodes supervise gets `y=None` and trains on `x` alone.

Integer inputs (and float inputs used as token ids) that reach an `Embedding`,
directly, through other layers or through a nested model, stay inside the smallest
vocabulary (`input_dim`) they reach; other integer inputs take values in [0, 10).

Task "learnable" (the default): targets and label inputs (inputs that only loss nodes
read) are a fixed random function of the other inputs, so the loss visibly falls; task
"noise": the same kinds of values, independent of the inputs. This module decides what
each input and output gets; editor.train.arrays draws the numbers (standalone, so exported
code draws the very same arrays).

No Keras here: the caller passes the per-sample shapes of the outputs (with `None`
dims resolved when it can, see `editor.train.run_model.output_shapes`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

import numpy as np

from editor.building import plan
from editor.errors import UserError
from editor.train import arrays
from editor.train.arrays import numpy_dtype, target_shape
from editor.model.graph import Graph, Node, Project, custom_expression, upstream
from editor.model.run_settings import DEFAULT_NONE_DIM, TASKS

SMALL_INT_RANGE = 10  # integer inputs that reach no Embedding take values in [0, 10)
INTEGER_DTYPES = ("int32", "int64", "uint8")

Shape = tuple[Optional[int], ...]

# Target kind per Keras loss name (snake_case; aliases normalised by `target_kind`).
_KINDS = {
    "sparse_categorical_crossentropy": "classes",
    "categorical_crossentropy": "onehot",
    "categorical_focal_crossentropy": "onehot",
    "categorical_hinge": "onehot",
    "kl_divergence": "probabilities",
    "binary_crossentropy": "binary",
    "binary_focal_crossentropy": "binary",
    "hinge": "binary",
    "squared_hinge": "binary",
    "dice": "binary",
    "tversky": "binary",
    "circle": "labels",
    "ctc": "ctc",
}
_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "logcosh": "log_cosh",
    "bce": "binary_crossentropy",
    "cce": "categorical_crossentropy",
    "scce": "sparse_categorical_crossentropy",
}


@dataclass(frozen=True)
class SyntheticData:
    """Arrays for `model.fit(x, y)`: `x` in model input order, `y` in model output order."""

    x: list[np.ndarray]
    y: Optional[list[Optional[np.ndarray]]]  # None: no compile loss (loss nodes only)
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]  # graph outputs, then loss nodes

    @property
    def samples(self) -> int:
        return len(self.x[0]) if self.x else 0

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.x) + sum(a.nbytes for a in (self.y or []) if a is not None)

    def fit_args(self) -> tuple:
        """(x, y) as `model.fit` takes them: bare arrays for one input / one output."""
        x = self.x[0] if len(self.x) == 1 else list(self.x)
        if self.y is None:
            return x, None
        y = self.y[0] if len(self.y) == 1 else list(self.y)
        return x, y


class SyntheticDataError(UserError):
    """Settings no synthetic data can be made with (an unknown task, no samples...)."""


def target_kind(loss: Optional[str]) -> str:
    """What targets a loss wants: 'none', 'classes', 'onehot', 'probabilities', 'binary',
    'labels', 'ctc' or 'real' (regression and custom expression losses)."""
    if not loss:
        return "none"
    if custom_expression(loss) is not None:
        return "real"
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", loss).lower()  # MeanSquaredError -> mean_squared_error
    name = _ALIASES.get(name, name)
    return _KINDS.get(name, "real")


def resolve(shape: Sequence[Optional[int]], none_dim: int = DEFAULT_NONE_DIM) -> tuple[int, ...]:
    return tuple(none_dim if d is None else int(d) for d in shape)


# ---- which inputs feed an Embedding ---------------------------------------------------


def _embedding_dims(node: Node, graph: Graph) -> list[int]:
    """input_dim of the Embedding this layer node is (or wraps, or shares)."""
    owner = plan.owner(graph, node)
    if owner is None or owner.kind != "layer":
        return []
    dims = []
    if owner.class_name == "Embedding" and "input_dim" in owner.config:
        dims.append(int(owner.config["input_dim"]))
    stack = [v for v in owner.config.values() if isinstance(v, (dict, list))]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if value.get("class_name") == "Embedding" and isinstance(value.get("config"), dict):
                dim = value["config"].get("input_dim")
                if isinstance(dim, int):
                    dims.append(dim)
            stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, (dict, list)))
    return dims


def vocabulary_limits(project: Project, graph: Optional[Graph] = None) -> dict[str, int]:
    """Input node id -> the smallest Embedding `input_dim` it reaches (only inputs that reach one)."""
    memo: dict[str, dict[str, int]] = {}

    def limits(g: Graph, visiting: frozenset) -> dict[str, int]:
        if g.id in memo:
            return memo[g.id]
        consumers: dict[str, list[Node]] = {n.id: [] for n in g.nodes}
        for node in g.nodes:
            for ref in node.inputs:
                if ref.node in consumers:
                    consumers[ref.node].append(node)
        found: dict[str, int] = {}
        for inp in g.inputs:
            best: Optional[int] = None
            seen = {inp.id}
            stack = [(inp.id, c) for c in consumers[inp.id]]
            while stack:
                source, node = stack.pop()
                dims = _embedding_dims(node, g) if node.kind == "layer" else []
                if node.kind == "model" and node.graph and node.graph not in visiting:
                    try:
                        inner = project.graph(node.graph)
                    except KeyError:
                        inner = None
                    if inner is not None:
                        inner_limits = limits(inner, visiting | {g.id})
                        for position, ref in enumerate(node.inputs):
                            if ref.node == source and position < len(inner.inputs):
                                dim = inner_limits.get(inner.inputs[position].id)
                                if dim is not None:
                                    dims.append(dim)
                for dim in dims:
                    best = dim if best is None else min(best, dim)
                if node.id not in seen:
                    seen.add(node.id)
                    stack.extend((node.id, c) for c in consumers[node.id])
            if best is not None:
                found[inp.id] = best
        memo[g.id] = found
        return found

    graph = graph or project.main
    return limits(graph, frozenset())


def label_inputs(graph: Graph) -> list[str]:
    """Ids of the inputs that only loss nodes read (the seeds' label / target inputs)."""
    feeding_outputs = upstream(graph, [o.ref.node for o in graph.outputs])
    return [n.id for n in graph.inputs if n.id not in feeding_outputs]


# ---- generation -----------------------------------------------------------------------


def input_high(node: Node, vocab: dict[str, int]) -> Optional[int]:
    """Exclusive upper bound of integer values for this input, or None for real values."""
    if node.id in vocab:
        return max(1, vocab[node.id])
    if node.dtype in INTEGER_DTYPES:
        return SMALL_INT_RANGE
    if node.dtype == "bool":
        return 2
    return None


def synthetic_data(project: Project, output_shapes: Sequence[Sequence[Optional[int]]], *, samples: int,
                   seed: int = 0, none_dim: int = DEFAULT_NONE_DIM, task: str = "learnable") -> SyntheticData:
    """Inputs and targets for the main model of `project`.

    `output_shapes`: per-sample shapes of the graph's outputs, in order (loss nodes
    excluded); `None` dims become `none_dim`. Same arguments, same arrays.
    """
    if task not in TASKS:
        raise SyntheticDataError(f"task must be one of {', '.join(TASKS)}, not '{task}'")
    if samples < 1:
        raise SyntheticDataError("samples must be at least 1")
    if none_dim < 1:
        raise SyntheticDataError("the length of None dimensions must be at least 1")
    graph = project.main
    if len(output_shapes) != len(graph.outputs):
        raise SyntheticDataError(f"{len(output_shapes)} output shapes given for {len(graph.outputs)} outputs")
    vocab = vocabulary_limits(project, graph)
    labels = set(label_inputs(graph))
    inputs = [(resolve(n.shape or (), none_dim), n.dtype, input_high(n, vocab), n.id in labels) for n in graph.inputs]
    kinds = [target_kind(o.loss) for o in graph.outputs]
    needed = [None if kind == "none" else (kind, resolve(shape, none_dim)) for kind, shape in zip(kinds, output_shapes)]
    x, targets = arrays.make_arrays(inputs, needed, samples, seed, task)
    calls = plan.plan(graph)
    y = calls.padded(targets, None) if any(t is not None for t in targets) else None
    names = tuple(graph.node(ref.node).name for ref in calls.outputs)
    return SyntheticData(
        x=x,
        y=y,
        input_names=tuple(n.name for n in graph.inputs),
        output_names=names,
    )


def data_bytes(project: Project, output_shapes: Sequence[Sequence[Optional[int]]], *, samples: int,
               none_dim: int = DEFAULT_NONE_DIM) -> int:
    """What `synthetic_data` would hold, without making it."""
    graph = project.main
    total = 0
    for node in graph.inputs:
        itemsize = numpy_dtype(node.dtype).itemsize
        total += itemsize * int(np.prod(resolve(node.shape or (), none_dim), dtype=np.int64))
    for output, shape in zip(graph.outputs, output_shapes):
        kind = target_kind(output.loss)
        if kind != "none":
            total += 4 * int(np.prod(target_shape(kind, resolve(shape, none_dim)), dtype=np.int64))
    return total * samples
