"""The model graph a person edits: plain immutable data, no Keras, no Streamlit.

A `Project` holds one or more `Graph`s (the first is the main model; the others can
be called from it as nested models). A `Graph` is an ordered tuple of `Node`s plus an
ordered tuple of `Output`s. Nodes refer to each other by id through `Ref`s, so a
graph is easy to diff, serialise and edit with pure functions (see `editor.model.edits`).

The pydantic models here are also the project-file schema: loading a file is
`Project.model_validate_json`, so what can be stored is exactly what can be edited.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


# 2: a layer node's `input_names` name the call argument each input is passed as
#    (`initial_state`, `mask`...); version 1 files are migrated on load (project_files).
# 3: blocks (`Graph.blocks`, `Node.block`); a version 2 file is a version 3 file without any.
FORMAT_VERSION = 3

NodeKind = Literal["input", "layer", "model", "application", "loss", "op"]

DTYPES = ("float32", "float16", "bfloat16", "float64", "int32", "int64", "uint8", "bool")

# Layer classes that take a list of tensors as their one argument (merges and the
# dot-product attentions). Checked against Keras itself in tests/test_catalog.py.
LIST_CALL_CLASSES = frozenset(
    {
        "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
        "Attention", "AdditiveAttention",
    }
)
# Layer classes whose call takes several tensors as separate arguments, in this order.
ARG_CALL_CLASSES = {
    "MultiHeadAttention": ("query", "value", "key"),
    "GroupQueryAttention": ("query", "value", "key"),
}
# Call arguments that take tensors by keyword (`LSTM(...)(x, initial_state=[h, c])`),
# where a layer's call accepts them (editor.building.catalog.call_keywords asks Keras which do).
# Those in LIST_KEYWORDS take a list of tensors, in the order of the node's inputs.
TENSOR_KEYWORDS = ("initial_state", "mask", "constants", "attention_mask", "query_mask", "value_mask", "key_mask")
LIST_KEYWORDS = frozenset({"initial_state", "constants"})
MERGE_CLASSES = frozenset(
    {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}
)


# TensorFlow's name-scope rules, less '>' and '\\': a layer or model name outside them
# builds, then fails inside fit()/predict() with "'a b' is not a valid scope name"; and
# Graphviz refuses the diagram of a model whose layer name holds '>' (Keras writes names
# into HTML-like DOT labels unescaped).
_LAYER_NAME = re.compile(r"[A-Za-z0-9_.-]*")
_MODEL_NAME = re.compile(r"[A-Za-z0-9.][A-Za-z0-9_.-]*")


def name_problem(name: str, model: bool = False) -> Optional[str]:
    """Why Keras/TensorFlow would refuse `name` for a layer (or a model), or None."""
    if "/" in name:
        return "Keras names cannot contain '/'"
    if not (_MODEL_NAME if model else _LAYER_NAME).fullmatch(name):
        first = "; it must start with a letter, digit or '.'" if model else ""
        return f"names may hold only letters A-Z, digits and _ . -{first}"
    return None


class _Frozen(BaseModel):
    # allow_inf_nan=False: NaN or Infinity in a file is refused on load, in one line.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# Canvas positions (grid units; templates use 100 between rows). Bounded, so that the
# layout's arithmetic stays exact and every canvas coordinate is a finite pixel.
POSITION_LIMIT = 1_000_000
Coordinate = Annotated[float, Field(ge=-POSITION_LIMIT, le=POSITION_LIMIT)]


class Ref(_Frozen):
    """One tensor of the graph: output number `output` of node `node`."""

    node: str
    output: int = Field(default=0, ge=0, le=63)

    def label(self) -> str:
        return self.node if self.output == 0 else f"{self.node}:{self.output}"


class Node(_Frozen):
    """One box on the canvas.

    kind "input": `shape` (None for free dims) and `dtype`.
    kind "layer": any `keras.layers` class; `config` holds the constructor arguments
        that differ from Keras's defaults, as Keras config values.
    kind "model": calls graph `graph` of the same project as a layer.
    kind "application": a `keras.applications` model (`class_name`, e.g. "VGG16"),
        always built with weights=None.
    kind "loss": a loss node; `expression` over the tensors in `inputs`, named by
        `input_names`, added to the training loss times `weight`.
    kind "op": keras.ops on tensors (`x + inputs`, `expand_dims(x, 1)`): `expression`
        over the tensors in `inputs`, named by `input_names`, in the language of
        editor.model.expr that loss nodes use; its value is the node's one output.
    `shares`: id of another layer node whose layer (and weights) this node reuses.
    `input_names` of a layer or model node: the call argument each input is passed as,
        "" for positional (empty: all positional), e.g. ("", "initial_state", "initial_state").
    `block`: id of the innermost block (`Graph.blocks`) the node is grouped in, or None.
    """

    id: str = Field(min_length=1, max_length=64)
    kind: NodeKind
    name: str = Field(min_length=1, max_length=128)
    inputs: tuple[Ref, ...] = ()
    class_name: Optional[str] = Field(default=None, max_length=128)
    config: dict[str, Any] = Field(default_factory=dict)
    shape: Optional[tuple[Optional[int], ...]] = None
    dtype: str = "float32"
    graph: Optional[str] = None
    shares: Optional[str] = None
    expression: Optional[str] = Field(default=None, max_length=2000)
    input_names: tuple[str, ...] = ()
    weight: float = 1.0
    position: Optional[tuple[Coordinate, Coordinate]] = None
    block: Optional[str] = Field(default=None, max_length=64)

    @field_validator("shape")
    @classmethod
    def _dims_positive(cls, shape):
        if shape is not None:
            if len(shape) > 8:
                raise ValueError("an input has at most 8 dimensions")
            for dim in shape:
                if dim is not None and not 0 < dim <= 1_000_000:
                    raise ValueError(f"dimension {dim} must be a positive integer or None")
        return shape

    @field_validator("dtype")
    @classmethod
    def _known_dtype(cls, dtype):
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}")
        return dtype

    def keyword(self, index: int) -> str:
        """The call argument input `index` is passed as ("" positional); loss and op nodes: ""."""
        if self.names_inputs or index >= len(self.input_names):
            return ""
        return self.input_names[index]

    def call_arguments(self, values: list) -> tuple[list, dict[str, Any]]:
        """(positional values, keyword values) for a call on `values` (one per input, in
        order): keyword inputs go by name, those of LIST_KEYWORDS as one list each."""
        positional: list = []
        keywords: dict[str, Any] = {}
        for i, value in enumerate(values):
            keyword = self.keyword(i)
            if not keyword:
                positional.append(value)
            elif keyword in LIST_KEYWORDS:
                keywords.setdefault(keyword, []).append(value)
            else:
                keywords[keyword] = value
        return positional, keywords

    @property
    def positional_count(self) -> int:
        return sum(not self.keyword(i) for i in range(len(self.inputs)))

    @property
    def call_style(self) -> str:
        """How the node's positional tensors are passed: 'single', 'list' or 'args'."""
        if self.names_inputs:
            return "args"
        if self.kind in ("model", "application"):
            return "list" if self.positional_count > 1 else "single"
        if self.class_name in LIST_CALL_CLASSES:
            return "list"
        if self.class_name in ARG_CALL_CLASSES:
            return "args"
        return "single"

    @property
    def names_inputs(self) -> bool:
        """Loss and op nodes: an expression over inputs named by `input_names`."""
        return self.kind in ("loss", "op")

    @property
    def is_merge(self) -> bool:
        return self.kind == "layer" and self.class_name in MERGE_CLASSES


CUSTOM_LOSS_PREFIX = "expr:"  # Output.loss of a custom loss: "expr:<expression of y_true, y_pred>"


class Output(_Frozen):
    """A model output, with how it is supervised.

    `loss`: a keras.losses name (e.g. "mean_squared_error"), "expr:<expression of
    y_true and y_pred>" for a custom loss, or None for an output that no loss
    supervises (as the first document's outputs, supervised by loss nodes).
    """

    ref: Ref
    loss: Optional[str] = Field(default=None, max_length=2100)
    loss_weight: float = 1.0
    metrics: tuple[str, ...] = ()

    @property
    def custom_expression(self) -> Optional[str]:
        """The expression of a custom loss ("expr:..."), else None."""
        return custom_expression(self.loss)


def custom_expression(loss: Optional[str]) -> Optional[str]:
    """The expression of a custom loss string ("expr:..."), else None."""
    return loss[len(CUSTOM_LOSS_PREFIX):] if loss and loss.startswith(CUSTOM_LOSS_PREFIX) else None


def application_arguments(node: Node) -> dict[str, Any]:
    """A keras.applications node's constructor arguments, less the ones the editor sets
    itself: weights (always None: nothing is downloaded), input_tensor and name, and
    trainable (set on the built model, as `base.trainable = False` does)."""
    return {k: v for k, v in node.config.items() if k not in ("weights", "input_tensor", "name", "trainable")}


class Block(_Frozen):
    """A named group of nodes, as people think of a model (a residual block, a U-Net stage):
    an editor grouping only, so the built model is the same with or without it. Its nodes
    say they are in it (`Node.block`); `parent` nests it in another block; `kind` names
    what it is an instance of (the helper function it came from, e.g. "residual_block")."""

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=128)
    kind: str = Field(default="", max_length=128)
    parent: Optional[str] = Field(default=None, max_length=64)


class Graph(_Frozen):
    """One functional model: its nodes in insertion order and its ordered outputs."""

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=128)
    nodes: tuple[Node, ...] = ()
    outputs: tuple[Output, ...] = ()
    blocks: tuple[Block, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self):
        """Node ids are how wires, outputs and the canvas find a node: two alike is no graph."""
        names: dict[str, str] = {}
        for node in self.nodes:
            if node.id in names:
                raise ValueError(f"nodes '{names[node.id]}' and '{node.name}' have the same id '{node.id}'")
            names[node.id] = node.name
        return self

    @model_validator(mode="after")
    def _blocks_nest(self):
        """Every block a node or block names exists, names are unique, and nesting is a tree."""
        parents: dict[str, Optional[str]] = {}
        block_names: set[str] = set()
        for block in self.blocks:
            if block.id in parents or block.name in block_names:
                raise ValueError(f"two blocks are both '{block.name if block.name in block_names else block.id}'")
            parents[block.id] = block.parent
            block_names.add(block.name)
        for block in self.blocks:
            seen, at = {block.id}, block.parent
            while at is not None:
                if at not in parents:
                    raise ValueError(f"block '{block.name}' is inside a block that does not exist ('{at}')")
                if at in seen:
                    raise ValueError(f"block '{block.name}' is inside itself")
                seen.add(at)
                at = parents[at]
        for node in self.nodes:
            if node.block is not None and node.block not in parents:
                raise ValueError(f"node '{node.name}' is in a block that does not exist ('{node.block}')")
        return self

    def _index(self) -> dict[str, Node]:
        return _node_index(self.nodes)

    def node(self, node_id: str) -> Node:
        return self._index()[node_id]

    def get(self, node_id: str) -> Optional[Node]:
        return self._index().get(node_id)

    @property
    def inputs(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind == "input")

    def consumers(self, node_id: str) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if any(r.node == node_id for r in n.inputs))

    def tensor_name(self, ref: Ref) -> str:
        """A tensor as messages name it: the node's name, and its output when not the first."""
        node = self.get(ref.node)
        name = node.name if node is not None else "a removed node"
        return name if ref.output == 0 else f"{name} (output {ref.output})"

    def output_index(self, ref: Ref) -> Optional[int]:
        return next((i for i, o in enumerate(self.outputs) if o.ref == ref), None)

    def layer_owner(self, node: Node) -> Optional[Node]:
        """The node whose layer `node` calls: itself, or the node it shares (None if missing).
        The one home of this rule (editor.building.plan.owner reads it): a sharing node holds
        no config of its own; the layer, and its config, are the owner's."""
        return self.get(node.shares) if node.shares else node

    @property
    def loss_nodes(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind == "loss")

    @property
    def model_outputs(self) -> tuple[Ref, ...]:
        """What the built model returns, in order: the declared outputs, then each loss
        node's value (a model output that no compile loss supervises). The one home of this
        rule; editor.building.plan pads the compile lists to match."""
        return tuple(o.ref for o in self.outputs) + tuple(Ref(node=n.id) for n in self.loss_nodes)


_INDEXES: "OrderedDict[int, tuple[tuple[Node, ...], dict[str, Node]]]" = OrderedDict()
_INDEXES_LOCK = threading.Lock()  # sessions' threads share the index: no lookup may see a half-made eviction


def _node_index(nodes: tuple[Node, ...]) -> dict[str, Node]:
    """id -> node (the first, if ids repeat) for a nodes tuple, for O(1) lookups.

    Kept outside the model so equality and copies are unaffected; keyed on the tuple's
    identity in a small LRU: edits make new tuples. Each entry holds its tuple, so the id
    cannot be reused while the entry lives, and an entry answers only for that very tuple.
    """
    key = id(nodes)
    with _INDEXES_LOCK:
        cached = _INDEXES.get(key)
        if cached is not None and cached[0] is nodes:
            _INDEXES.move_to_end(key)
            return cached[1]
    index: dict[str, Node] = {}
    for node in nodes:
        index.setdefault(node.id, node)
    with _INDEXES_LOCK:
        _INDEXES[key] = (nodes, index)
        _INDEXES.move_to_end(key)
        while len(_INDEXES) > 64:
            _INDEXES.popitem(last=False)
    return index


class Training(_Frozen):
    """Compile settings of the main graph (losses live on each Output)."""

    optimizer: str = "adam"
    learning_rate: Optional[float] = Field(default=None, gt=0, le=10)


class Project(_Frozen):
    """What a project file holds. `graphs[0]` is the model the project builds."""

    format_version: int = FORMAT_VERSION
    title: str = Field(default="Untitled", max_length=200)
    description: str = Field(default="", max_length=10_000)
    graphs: tuple[Graph, ...] = Field(min_length=1)
    training: Training = Training()

    @model_validator(mode="after")
    def _unique_graph_ids(self):
        seen: set[str] = set()
        for graph in self.graphs:
            if graph.id in seen:
                raise ValueError(f"two graphs have the id '{graph.id}'")
            seen.add(graph.id)
        return self

    @property
    def main(self) -> Graph:
        return self.graphs[0]

    def graph(self, graph_id: str) -> Graph:
        for graph in self.graphs:
            if graph.id == graph_id:
                return graph
        raise KeyError(graph_id)

    def replace_graph(self, graph: Graph) -> "Project":
        return self.model_copy(
            update={"graphs": tuple(graph if g.id == graph.id else g for g in self.graphs)}
        )


def call_order(project: Project) -> list[str]:
    """Ids of the graphs the main model needs, nested models before the graphs that call
    them (main last); a graph on a circle of calls is visited once."""
    ids = {g.id for g in project.graphs}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(graph_id: str) -> None:
        if graph_id in order or graph_id in visiting:
            return
        visiting.add(graph_id)
        for node in project.graph(graph_id).nodes:
            if node.kind == "model" and node.graph in ids:
                visit(node.graph)
        visiting.discard(graph_id)
        order.append(graph_id)

    visit(project.main.id)
    return order


def topological_order(graph: Graph) -> list[str]:
    """Node ids, producers before consumers; nodes on a cycle are left out.

    Ties keep the order in which nodes were added, so generated code and summaries
    read in the order the person built the model.
    """
    ids = [n.id for n in graph.nodes]
    known = set(ids)
    indegree = {n.id: 0 for n in graph.nodes}
    consumers: dict[str, list[str]] = {i: [] for i in ids}
    for node in graph.nodes:
        for src in {r.node for r in node.inputs}:
            if src in known:
                indegree[node.id] += 1
                consumers[src].append(node.id)
    position = {node_id: i for i, node_id in enumerate(ids)}
    ready = [(position[i], i) for i in ids if indegree[i] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, node_id = heapq.heappop(ready)
        order.append(node_id)
        for consumer in consumers[node_id]:
            indegree[consumer] -= 1
            if indegree[consumer] == 0:
                heapq.heappush(ready, (position[consumer], consumer))
    return order


def upstream(graph: Graph, node_ids: Iterable[str]) -> set[str]:
    """Every node the given nodes depend on, themselves included."""
    seen: set[str] = set()
    stack = list(node_ids)
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = graph.get(node_id)
        if node is not None:
            stack.extend(r.node for r in node.inputs)
    return seen
