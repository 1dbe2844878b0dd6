"""Previews of big graphs that keep up with editing.

A full preview builds a Keras model of every node and asks Keras for its summary: at
1,000 nodes that is seconds per edit (measured: 4 s to build, 2 s for Keras's rich table).
Here each node is called on fresh symbolic inputs of the right specs, exactly as the build
calls it (the same call plan and GraphBuilder.call, so the same problems on the same nodes), and what
it gives (output specs, parameter counts, the built layer) is kept in a cache keyed by
what determines it: the node's own content and its input specs. An edit then calls only
the nodes it changed and those whose input specs changed; the rest are dictionary hits.

What it does not make is the keras.Model itself: the page builds that on request (the
diagram, FLOPs of the cost overlay) and the Train tab and exports build their own. So
the summary is the editor's table in Keras's columns, with Keras's totals lines.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Optional

import keras

from editor.building import plan
from editor.building.build import (CONSTRUCTION, BuildResult, GraphBuilder, call_outputs, forget_deferred_variables,
                                   param_counts)
from editor.model.graph import Graph, Project
from editor.model.problems import Problem, errors
from editor.model.validate import check_project

# Graphs with more nodes than this get the quick preview (if quick() accepts them); the
# full build of a smaller one takes well under a second.
QUICK_ABOVE = 300
CACHE_SIZE = 50_000  # node results kept (a few KB each)

_cache: "OrderedDict[tuple, _Called]" = OrderedDict()
_cache_lock = threading.Lock()  # sessions build at once; an OrderedDict's move_to_end is not thread-safe


@dataclass(frozen=True)
class _Called:
    specs: tuple  # ((shape, dtype), ...) of the node's outputs
    layer: Any  # the built layer (None for inputs and ops)
    params: Optional[dict] = None  # the layer's param_counts, counted once with the call


@dataclass
class QuickResult:
    """What a preview needs, without a model: shapes and problems as build_project gives
    them, the summary rows, the parameter counts, and the layers for editor.building.node_cost."""

    shapes: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # (name, type, output shapes, params, connected to)
    counts: dict = field(default_factory=dict)
    layers: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def applies(project: Project, graph_id: str) -> bool:
    """Big graphs of inputs, layers, ops and loss nodes (nested models and applications
    take the full build: their cost is the nested model's)."""
    graph = project.graph(graph_id)
    return len(graph.nodes) > QUICK_ABOVE and all(n.kind in ("input", "layer", "op", "loss") for n in graph.nodes)


def _key(step: plan.Step, specs: list) -> tuple:
    own = step.node.model_dump(mode="json", exclude={"position", "inputs", "id"})
    layer = step.owner.model_dump(mode="json", exclude={"position", "inputs", "id"}) if step.node.shares else None
    return json.dumps([own, layer], sort_keys=True), tuple(specs)


class _QuickBuilder(GraphBuilder):
    def quick(self, graph: Graph) -> QuickResult:
        result = QuickResult(problems=self.problems)
        counted: set[str] = set()  # step.layer of the layers counted
        steps = plan.plan(graph).steps
        calls: dict[str, _Called] = {}  # node id -> its call

        def operation(g: Graph, step: plan.Step, value) -> tuple:
            calls[step.node.id] = self._called(g, step, value)
            return calls[step.node.id].specs

        specs = self.walk(graph, steps, operation)
        if self.stopped:
            return result
        trainable = non_trainable = 0
        for step in steps:
            if step.node.id not in specs:
                continue
            called = calls[step.node.id]
            params = 0
            if called.layer is not None and step.layer not in counted:
                counted.add(step.layer)
                layer = called.params
                trainable += layer["trainable_params"]
                non_trainable += layer["non_trainable_params"]
                params = layer["total_params"]
                result.layers.append(called.layer)
            node = step.node
            connected = ", ".join(f"{graph.node(r.node).name}[{r.output}]" for r in node.inputs)
            kind = "InputLayer" if node.kind == "input" else (node.class_name or node.kind)
            result.rows.append((node.name, kind, [s for s, _ in called.specs], params, connected))
        result.shapes = {node_id: [s for s, _ in value] for node_id, value in specs.items()}
        self._check_outputs(graph, specs)
        result.counts = {"total_params": trainable + non_trainable, "trainable_params": trainable,
                         "non_trainable_params": non_trainable}
        return result

    def _called(self, graph: Graph, step: plan.Step, value) -> _Called:
        inputs = [value(ref) for ref in step.node.inputs]
        key = _key(step, inputs)
        with _cache_lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
                return found
        tensors = {ref: keras.KerasTensor(shape, dtype=dtype) for ref, (shape, dtype) in zip(step.node.inputs, inputs)}
        layers: dict[str, Any] = {}
        outputs = call_outputs(self.call(graph, step, tensors.__getitem__, layers))
        layer = next(iter(layers.values()), None) if step.kind == "layer" else None
        called = _Called(tuple((tuple(t.shape), str(t.dtype)) for t in outputs), layer,
                         param_counts(layer) if layer is not None else None)
        with _cache_lock:
            _cache[key] = called
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return called

    def _check_outputs(self, graph: Graph, specs: dict) -> None:
        """The output checks of the full build, on specs (they read only shapes)."""
        self.outputs_ok(graph, {k: tuple(_Spec(s) for s, _ in v) for k, v in specs.items()})


@dataclass(frozen=True)
class _Spec:
    shape: tuple


def quick_build(project: Project, graph_id: str) -> QuickResult:
    """Shapes, problems, summary rows and counts of graph `graph_id` (see applies()); under
    CONSTRUCTION, as every build (a new layer's seeds come from Python's global random)."""
    with CONSTRUCTION:
        problems: list[Problem] = check_project(project)
        builder = _QuickBuilder(project, {}, problems)
        with keras.StatelessScope(initialize_variables=False):
            result = builder.quick(project.graph(graph_id))
        forget_deferred_variables()
    return result


def as_build_result(result: QuickResult) -> BuildResult:
    """A BuildResult stand-in for editor.building.node_cost.costs_of: its layers by name and the shapes."""

    return BuildResult(model=SimpleNamespace(layers=result.layers), shapes=result.shapes, problems=result.problems)


def summary_table(name: str, result: QuickResult, limit: Optional[int] = None) -> str:
    """The summary in Keras's columns and totals lines (Keras's own table takes 2 s at
    1,000 rows; this takes milliseconds)."""
    from keras.src.utils.summary_utils import readable_memory_size

    rows = [("Layer (type)", "Output Shape", "Param #", "Connected to")]
    for layer_name, kind, shapes, params, connected in result.rows[:limit]:
        shape_text = ", ".join(str(s) for s in shapes) if len(shapes) > 1 else str(shapes[0])
        rows.append((f"{layer_name} ({kind})", shape_text, f"{params:,}", connected or "-"))
    widths = [min(max(len(r[i]) for r in rows), 48) for i in range(4)]

    def line(row) -> str:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]), row[3]]
        return "  ".join(cells).rstrip()

    rule = "─" * (sum(widths) + 6)
    counts = result.counts
    out = [f'Model: "{name}"', rule, line(rows[0]), rule]
    out += [line(r) for r in rows[1:]]
    if limit is not None and len(result.rows) > limit:
        out.append(f"… {len(result.rows) - limit:,} more")
    out += [rule]
    for label, key in (("Total", "total_params"), ("Trainable", "trainable_params"),
                       ("Non-trainable", "non_trainable_params")):
        out.append(f" {label} params: {counts[key]:,} ({readable_memory_size(counts[key] * 4)})")
    return "\n".join(out)
