"""What each node costs: parameters, FLOPs per sample and activation memory.

Figures come from the weightless preview build (editor.building.build, weights=False): parameters
are Keras's own `count_params()` per layer; FLOPs are hand-derived per layer class from
the node's input and output shapes, counting a multiply-add as 2 FLOPs (biases and
activations not counted): Dense, Conv1D/2D/3D (and Transpose), depthwise and separable
convolutions, SimpleRNN/LSTM/GRU (and Bidirectional), MultiHeadAttention; an Embedding
is a lookup (0); any other layer or op costs one FLOP per output element. Activation
memory is the node's output elements x its dtype's size x the batch size. Free (None)
dimensions count as `none_dim`, run_settings.DEFAULT_NONE_DIM unless given, as the training
estimate does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from editor.building.plan import Step, plan
from editor.model.graph import Node, Project
from editor.model.run_settings import DEFAULT_NONE_DIM

DTYPE_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "int8": 1, "uint8": 1, "int16": 2,
               "int32": 4, "int64": 8, "bool": 1}


@dataclass(frozen=True)
class NodeCost:
    params: int
    flops: int  # per sample, forward
    activation_bytes: int  # the node's outputs for one batch


def _elements(shape, none_dim: int) -> int:
    return math.prod(none_dim if d is None else int(d) for d in shape)


def node_costs(project: Project, batch_size: int = 1, none_dim: int = DEFAULT_NONE_DIM,
               graph_id: Optional[str] = None) -> dict[str, NodeCost]:
    """Node id -> its cost, for every node of graph `graph_id` (default: main) that builds."""
    from editor.building.build import build_project

    graph_id = graph_id or project.main.id
    return costs_of(project, graph_id, build_project(project, graph_id, weights=False), batch_size, none_dim)


def costs_of(project: Project, graph_id: str, result, batch_size: int = 1, none_dim: int = DEFAULT_NONE_DIM) -> dict[str, NodeCost]:
    """node_costs from a build already made (editor.building.build.BuildResult of graph `graph_id`):
    the editor's preview computes them with the summary."""
    model = result.model
    if model is None:
        return {}
    layers = {layer.name: layer for layer in model.layers}
    graph_names = {g.id: g.name for g in project.graphs}
    costs = {}
    for step in plan(project.graph(graph_id)).steps:
        node = step.node
        shapes = result.shapes.get(node.id)
        if shapes is None:
            continue
        inputs = [result.shapes[r.node][r.output] for r in node.inputs if r.node in result.shapes
                  and r.output < len(result.shapes[r.node])]
        layer = _layer_of(step, layers, graph_names)
        params = layer.count_params() if layer is not None and step.first_call else 0
        outputs = [s[1:] for s in shapes]
        if node.kind == "model":  # what its layers cost, every call
            flops = model_flops(layer, none_dim) if layer is not None else 0
        elif layer is not None:
            flops = layer_flops(layer, [s[1:] for s in inputs], outputs, none_dim)
        else:
            flops = sum(_elements(s, none_dim) for s in outputs) if node.kind == "op" else 0
        size = DTYPE_BYTES.get(_dtype(node, layer), 4)
        costs[node.id] = NodeCost(params, int(flops),
                                  batch_size * size * sum(_elements(s, none_dim) for s in outputs))
    return costs


def _layer_of(step: Step, layers: dict, graph_names: dict):
    """The Keras layer a step calls: its owner's (its own, or a shared call's owner's), or the nested model."""
    node = step.node
    if node.kind in ("layer", "application"):
        return layers.get(step.owner.name) if step.owner is not None else None
    if node.kind == "model":
        return layers.get(graph_names.get(node.graph))
    return None


def _dtype(node: Node, layer) -> str:
    if node.kind == "input":
        return node.dtype
    policy = getattr(layer, "dtype_policy", None)
    return getattr(policy, "compute_dtype", None) or "float32"


def model_flops(model, none_dim: int = DEFAULT_NONE_DIM) -> int:
    """FLOPs per sample of a whole Keras model: each call of each layer (nested models too)."""
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += model_flops(layer, none_dim) * max(1, len(layer._inbound_nodes))
            continue
        for call in getattr(layer, "_inbound_nodes", ()):
            inputs = [tuple(t.shape)[1:] for t in call.input_tensors]
            outputs = [tuple(t.shape)[1:] for t in call.output_tensors]
            total += layer_flops(layer, inputs, outputs, none_dim)
    return total


def layer_flops(layer, inputs: list[tuple], outputs: list[tuple], none_dim: int = DEFAULT_NONE_DIM) -> int:
    """FLOPs per sample of one call (shapes without the batch axis)."""
    name = type(layer).__name__
    n = lambda shape: _elements(shape, none_dim)  # noqa: E731
    dim = lambda d: none_dim if d is None else int(d)  # noqa: E731
    if not inputs or not outputs:
        return 0
    x, y = inputs[0], outputs[0]
    if name == "Dense":
        return 2 * dim(x[-1]) * layer.units * n(y[:-1])
    if name in ("Conv1D", "Conv2D", "Conv3D"):
        first = getattr(layer, "data_format", "channels_last") == "channels_first"
        channels, spatial = (dim(x[0]), y[1:]) if first else (dim(x[-1]), y[:-1])
        return 2 * math.prod(layer.kernel_size) * channels // max(layer.groups, 1) * layer.filters * n(spatial)
    if name in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
        first = getattr(layer, "data_format", "channels_last") == "channels_first"
        channels, spatial = (dim(x[0]), x[1:]) if first else (dim(x[-1]), x[:-1])
        return 2 * math.prod(layer.kernel_size) * channels * layer.filters * n(spatial)
    if name in ("DepthwiseConv1D", "DepthwiseConv2D"):
        first = getattr(layer, "data_format", "channels_last") == "channels_first"
        channels, spatial = (dim(x[0]), y[1:]) if first else (dim(x[-1]), y[:-1])
        return 2 * math.prod(layer.kernel_size) * channels * layer.depth_multiplier * n(spatial)
    if name in ("SeparableConv1D", "SeparableConv2D"):
        first = getattr(layer, "data_format", "channels_last") == "channels_first"
        channels, spatial = (dim(x[0]), y[1:]) if first else (dim(x[-1]), y[:-1])
        depthwise = 2 * math.prod(layer.kernel_size) * channels * layer.depth_multiplier * n(spatial)
        return depthwise + 2 * channels * layer.depth_multiplier * layer.filters * n(spatial)
    if name in ("SimpleRNN", "LSTM", "GRU"):
        gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[name]
        steps = dim(x[0]) if len(x) > 1 else 1
        return steps * 2 * gates * layer.units * (dim(x[-1]) + layer.units)
    if name == "Bidirectional":
        return layer_flops(layer.forward_layer, inputs, [o for o in outputs], none_dim) * 2
    if name == "MultiHeadAttention":
        query, value = x, inputs[1] if len(inputs) > 1 else x
        key = inputs[2] if len(inputs) > 2 else value
        heads, key_dim = layer.num_heads, layer.key_dim
        value_dim = layer.value_dim or key_dim
        t_q, t_v = n(query[:-1]), n(value[:-1])
        projections = 2 * heads * (t_q * dim(query[-1]) * key_dim + t_v * dim(key[-1]) * key_dim
                                   + t_v * dim(value[-1]) * value_dim)
        attention = 2 * heads * t_q * t_v * (key_dim + value_dim)
        output = 2 * t_q * heads * value_dim * dim(y[-1])
        return projections + attention + output
    if name == "Embedding":
        return 0
    return sum(n(o) for o in outputs)


def heat(value: float, top: float) -> str:
    """A colour from pale yellow (0) to deep red (`top`), on a square-root scale so that
    small and large figures both show."""
    share = 0.0 if top <= 0 else min(1.0, math.sqrt(max(value, 0) / top))
    low, high = (255, 247, 188), (189, 0, 38)
    r, g, b = (round(a + (c - a) * share) for a, c in zip(low, high))
    return f"#{r:02X}{g:02X}{b:02X}"


def figure(cost: NodeCost, which: str) -> int:
    return {"params": cost.params, "flops": cost.flops, "activations": cost.activation_bytes}[which]


def human(value: int, which: str) -> str:
    """12,345 params; 1.2 GFLOPs; 3.4 MB."""
    if which == "params":
        return f"{value:,} params"
    units = ("", "K", "M", "G", "T")
    scaled, k = float(value), 0
    while scaled >= 1000 and k < len(units) - 1:
        scaled, k = scaled / 1000, k + 1
    number = f"{scaled:.1f}" if k else f"{int(scaled)}"
    return f"{number} {units[k]}FLOPs" if which == "flops" else f"{number} {units[k]}B"
