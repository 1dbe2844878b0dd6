"""The call plan of a graph: which calls, in which order, on which tensors, and what the
model returns. Pure: no Keras.

Keras runs real and shape-only calls through one walk (`Functional._run_through_graph(
inputs, operation_fn)`), and torch.fx keeps one graph that both running and code
generation read. Here `plan(graph)` is that one reading of a graph: the build (real Keras
calls), the quick build (calls on cached specs), the code writer, node costs and the
synthetic data all take their steps and outputs from it, and `run` is the one walk.

As Keras keeps a layer (`Operation`) apart from each call of it (`Node`), a step names the
node it calls (`node`) and the node whose layer that call uses (`owner`): a shared call
is one more step on the owner's layer, made at its first call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional, Union

from editor.model.graph import Graph, Node, Output, Ref, topological_order

Argument = Union[Ref, tuple[Ref, ...]]


def owner(graph: Graph, node: Node) -> Optional[Node]:
    """The node whose layer `node` calls: itself, or the node it shares (None if missing).
    A sharing node holds no config of its own: the layer, and its config, are the owner's.
    (The rule is Graph.layer_owner, in the model layer, so that edits can use it too.)"""
    return graph.layer_owner(node)


@dataclass(frozen=True)
class Step:
    """One call: `node` on its input tensors, with the layer of `owner`."""

    node: Node
    owner: Optional[Node]
    positional: tuple[Ref, ...]
    keywords: tuple[tuple[str, Argument], ...]
    layer: str  # what the call's layer is: the owner's id; a nested model's graph id ("graph:<id>")
    first_call: bool  # the layer is made (and its weights counted) at this step
    shared: bool  # the layer is called by more than one step

    @property
    def kind(self) -> str:
        return self.node.kind

    def arguments(self, value: Callable[[Ref], Any]) -> tuple[list, dict[str, Any]]:
        """(positional values, keyword values) of the call, `value` giving each tensor's value:
        keyword tensors by name, those that take a list (initial_state) as one list."""
        positional = [value(ref) for ref in self.positional]
        keywords = {k: [value(r) for r in refs] if isinstance(refs, tuple) else value(refs)
                    for k, refs in self.keywords}
        return positional, keywords


@dataclass(frozen=True)
class Plan:
    """A graph's steps (producers first) and the model's outputs."""

    graph: Graph
    steps: tuple[Step, ...]
    declared: tuple[Output, ...]  # the outputs a person marked, each with its compile settings
    loss_nodes: tuple[Node, ...]  # each adds one model output, after the declared ones

    @property
    def complete(self) -> bool:
        """Every node is a step (False: nodes on a cycle were left out)."""
        return len(self.steps) == len(self.graph.nodes)

    @property
    def outputs(self) -> tuple[Ref, ...]:
        """What the model returns, in order: the declared outputs, then one per loss node."""
        return self.graph.model_outputs

    def padded(self, per_output: list, fill: Any) -> list:
        """A compile list (losses, weights, metrics, targets): one entry per declared output,
        then `fill` for each loss node's output, which no compile loss supervises."""
        return list(per_output) + [fill] * len(self.loss_nodes)


def plan(graph: Graph) -> Plan:
    """The call plan of `graph` (see the module docstring)."""
    nodes = [graph.node(node_id) for node_id in topological_order(graph)]
    layers = [_layer(graph, node) for node in nodes]
    calls: dict[str, int] = {}
    for key in layers:
        calls[key] = calls.get(key, 0) + 1
    made: set[str] = set()
    steps = []
    for node, key in zip(nodes, layers):
        positional, keywords = node.call_arguments(list(node.inputs))
        steps.append(Step(node=node, owner=owner(graph, node), positional=tuple(positional),
                          keywords=tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in keywords.items()),
                          layer=key, first_call=key not in made, shared=calls[key] > 1))
        made.add(key)
    return Plan(graph=graph, steps=tuple(steps), declared=graph.outputs, loss_nodes=graph.loss_nodes)


def _layer(graph: Graph, node: Node) -> str:
    if node.kind == "model" and node.graph:
        return f"graph:{node.graph}"  # a nested model called twice: one model, its weights shared
    return node.shares if node.kind == "layer" and node.shares else node.id


def run(steps: tuple[Step, ...], operation: Callable[[Step, Callable[[Ref], Any]], tuple],
        failed: Callable[[Step, Exception], None], pick: Callable[[dict, Ref], Any],
        stop: Callable[[Step], bool] = lambda step: False) -> dict[str, tuple]:
    """The one walk of a plan: node id -> the values `operation(step, value)` gave, where
    `value(ref)` is an input's value (see Step.arguments).

    A step whose operation raises is reported to `failed` and gives nothing; a step with a
    missing input (an upstream failure, already reported) or without inputs is skipped;
    `stop(step)`, asked before each step, ends the walk (a spent time budget).
    `pick(values, ref)` gives one input value (it may raise, as the step's failure)."""
    values: dict[str, tuple] = {}
    for step in steps:
        node = step.node
        if stop(step):
            break
        if node.kind != "input" and (not node.inputs or any(r.node not in values for r in node.inputs)):
            continue
        try:
            values[node.id] = operation(step, lambda ref: pick(values, ref))
        except Exception as err:  # Keras raises many types; the caller phrases each
            failed(step, err)
    return values
