"""Edits: pure functions `(graph, ...) -> new graph`. Nothing is changed in place.

Every edit that cannot apply raises `EditError` with a one-line message naming the
node at fault, so the caller can show it and keep the graph it had (undo/redo is a
stack of graphs, see editor.model.history).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union

from editor.model import blocks, names
from editor.errors import UserError
from editor.model.graph import Graph, Node, Output, Ref, name_problem
from editor.model.schema_messages import first_error


class EditError(UserError):
    """An edit that does not make sense on this graph."""


def _require(graph: Graph, node_id: str) -> Node:
    node = graph.get(node_id)
    if node is None:
        raise EditError(f"no node with id '{node_id}'")
    return node


def _replace(graph: Graph, node: Node) -> Graph:
    return graph.model_copy(update={"nodes": tuple(node if n.id == node.id else n for n in graph.nodes)})


def new_id(graph: Graph, prefix: str = "n") -> str:
    """A fresh node id: n1, n2, ... (editor.model.names.numbered)."""
    return names.numbered(prefix, (n.id for n in graph.nodes))


def unique_name(graph: Graph, base: str) -> str:
    """`base`, or base_1, base_2, ... if a node already has that name (editor.model.names.unique)."""
    return names.unique(base, {n.name for n in graph.nodes})


def snake_case(class_name: str) -> str:
    """Keras's default layer name for a class: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def add_node(graph: Graph, node: Node) -> Graph:
    """Append a node; its id must be new, its inputs must exist, its name must be free."""
    if graph.get(node.id) is not None:
        raise EditError(f"a node with id '{node.id}' already exists")
    if any(n.name == node.name for n in graph.nodes):
        raise EditError(f"the name '{node.name}' is already used by another node")
    for ref in node.inputs:
        _require(graph, ref.node)
    return graph.model_copy(update={"nodes": graph.nodes + (node,)})


@dataclass(frozen=True)
class Op:
    """What the palette adds for an op node: its name and starting expression of `x` (the
    tensor it is added after) and maybe `y` (named when it is wired in), editor.building.op_palette."""

    name: str
    expression: str


def add_layer(
    graph: Graph,
    class_name: Union[str, Op],
    config: Optional[dict[str, Any]] = None,
    after: Optional[str] = None,
    name: Optional[str] = None,
) -> tuple[Graph, str]:
    """Add a layer node (an op node for an `Op`) fed by node `after` (if given); returns
    the graph and the new id."""
    node_id = new_id(graph)
    inputs = (Ref(node=after),) if after else ()
    if isinstance(class_name, Op):
        node = Node(id=node_id, kind="op", name=name or unique_name(graph, class_name.name), inputs=inputs,
                    expression=class_name.expression, input_names=("x",) if after else ())
        return add_node(graph, node), node_id
    node = Node(
        id=node_id,
        kind="layer",
        name=name or unique_name(graph, snake_case(class_name)),
        class_name=class_name,
        config=dict(config or {}),
        inputs=inputs,
    )
    return add_node(graph, node), node_id


def add_input(
    graph: Graph, shape: Iterable[Optional[int]], name: Optional[str] = None, dtype: str = "float32"
) -> tuple[Graph, str]:
    node_id = new_id(graph)
    node = Node(id=node_id, kind="input", name=name or unique_name(graph, "input"), shape=tuple(shape), dtype=dtype)
    return add_node(graph, node), node_id


def remove_node(graph: Graph, node_id: str) -> Graph:
    """Remove a node, the wires leaving it, outputs on it and shares of its layer."""
    _require(graph, node_id)
    nodes = []
    for n in graph.nodes:
        if n.id == node_id:
            continue
        update: dict[str, Any] = {}
        if any(r.node == node_id for r in n.inputs):
            keep = [i for i, r in enumerate(n.inputs) if r.node != node_id]
            update["inputs"] = tuple(n.inputs[i] for i in keep)
            if n.input_names or n.names_inputs:
                update["input_names"] = _names_at(n, keep)
        if n.shares == node_id:  # the removed layer's config becomes theirs: each gets its own layer
            update.update(shares=None, config=dict(_require(graph, node_id).config))
        nodes.append(n.model_copy(update=update) if update else n)
    outputs = tuple(o for o in graph.outputs if o.ref.node != node_id)
    return blocks.pruned(graph.model_copy(update={"nodes": tuple(nodes), "outputs": outputs}))


def rename(graph: Graph, node_id: str, name: str) -> Graph:
    node = _require(graph, node_id)
    name = name.strip()
    if not name:
        raise EditError(f"node '{node.name}': the name cannot be empty")
    problem = name_problem(name)
    if problem:
        raise EditError(f"node '{node.name}': {problem}")
    if any(n.name == name and n.id != node_id for n in graph.nodes):
        raise EditError(f"node '{node.name}': the name '{name}' is already used by another node")
    return _replace(graph, node.model_copy(update={"name": name}))


def set_inputs(graph: Graph, node_id: str, refs: Iterable[Ref], names: Optional[Iterable[str]] = None) -> Graph:
    """Rewire a node: `refs` in call order (reorder = set the same refs in a new order).

    A loss or op node's `input_names` stay aligned with its inputs: pass `names` to set them,
    otherwise a tensor it already took keeps its name, a tensor put where another one was
    takes that one's name (so its expression still works), and a new one gets a fresh name.
    """
    node = _require(graph, node_id)
    refs = tuple(refs)
    if node.kind == "input" and refs:
        raise EditError(f"node '{node.name}' is an input and takes no tensors")
    for ref in refs:
        _require(graph, ref.node)
        if ref.node == node_id:
            raise EditError(f"node '{node.name}' cannot take its own output")
    update: dict[str, Any] = {"inputs": refs}
    if node.names_inputs:
        names = tuple(names) if names is not None else _names_for(graph, node, refs)
    elif names is not None or node.input_names:  # a layer's keyword arguments
        names = tuple(names) if names is not None else _keywords_for(node, refs)
        names = names if any(names) else ()
    if names is not None:
        if (names or node.names_inputs) and len(names) != len(refs):
            raise EditError(f"{node.kind} node '{node.name}': {len(refs)} inputs need {len(refs)} names, not {len(names)}")
        update["input_names"] = names
    return _replace(graph, node.model_copy(update=update))


def _names_at(node: Node, indices: Iterable[int]) -> tuple[str, ...]:
    """The input names of a node's inputs at `indices` (a layer: "" for positional ones)."""
    if node.names_inputs:
        return tuple(tensor_names(node)[i] for i in indices)
    names = tuple(node.keyword(i) for i in indices)
    return names if any(names) else ()


def _keywords_for(node: Node, refs: tuple[Ref, ...]) -> tuple[str, ...]:
    """A layer's keyword per new input: a tensor it already took keeps its keyword, one
    put in another's place takes that one's (a layer inserted on the initial_state wire),
    a new one is positional."""
    old = [(r, node.keyword(i)) for i, r in enumerate(node.inputs)]
    used = [False] * len(old)
    chosen: list[Optional[str]] = []
    for ref in refs:
        match = next((i for i, (r, _) in enumerate(old) if r == ref and not used[i]), None)
        if match is not None:
            used[match] = True
        chosen.append(old[match][1] if match is not None else None)
    for i, taken in enumerate(chosen):
        if taken is None and i < len(old) and not used[i]:
            used[i], chosen[i] = True, old[i][1]
    return tuple(k or "" for k in chosen)


def set_keyword(graph: Graph, node_id: str, index: int, keyword: str) -> Graph:
    """Pass input `index` of a layer node as call argument `keyword` ("" positional), as
    `LSTM(...)(x, initial_state=[h, c])` passes h and c."""
    from editor.model.graph import TENSOR_KEYWORDS

    node = _require(graph, node_id)
    if node.names_inputs or node.kind not in ("layer", "model") or not 0 <= index < len(node.inputs):
        raise EditError(f"node '{node.name}' has no input {index + 1} to pass by keyword")
    if keyword and keyword not in TENSOR_KEYWORDS:
        raise EditError(f"node '{node.name}': '{keyword}' is not a tensor argument ({', '.join(TENSOR_KEYWORDS)})")
    names = [node.keyword(i) for i in range(len(node.inputs))]
    names[index] = keyword
    return set_inputs(graph, node_id, node.inputs, names)


def tensor_names(node: Node) -> tuple[str, ...]:
    """A loss or op node's name for each input (x1, x2... for any a hand-written file left out)."""
    names = node.input_names[: len(node.inputs)]
    return names + tuple(f"x{i + 1}" for i in range(len(names), len(node.inputs)))


def _names_for(graph: Graph, node: Node, refs: tuple[Ref, ...]) -> tuple[str, ...]:
    old = list(zip(node.inputs, tensor_names(node)))
    used = [False] * len(old)
    chosen: list[Optional[str]] = []
    for ref in refs:  # a tensor it already took keeps its name
        match = next((i for i, (r, _) in enumerate(old) if r == ref and not used[i]), None)
        if match is not None:
            used[match] = True
        chosen.append(old[match][1] if match is not None else None)
    for i, name in enumerate(chosen):  # one put in another's place takes that one's name
        if name is None and i < len(old) and not used[i]:
            used[i], chosen[i] = True, old[i][1]
    from editor.model import expr

    waiting = [n for n in expr.names_in(node.expression or "") if n not in chosen]  # `y` of "x + y"
    for i, name in enumerate(chosen):
        if name is None:
            chosen[i] = waiting.pop(0) if waiting else expression_name(graph.node(refs[i].node).name,
                                                                        [c for c in chosen if c])
    return tuple(chosen)


def expression_name(text: str, taken: Iterable[str] = ()) -> str:
    """A name a loss expression can use for a tensor (from a node name), not in `taken`."""
    return names.unique(names.identifier(text), set(taken) | names.KEYWORDS)


def connect(graph: Graph, source: Ref, target_id: str) -> Graph:
    """Append `source` to the inputs of `target_id` (merges take any number of inputs)."""
    target = _require(graph, target_id)
    if source in target.inputs:
        return graph
    return set_inputs(graph, target_id, target.inputs + (source,))


def remove_input(graph: Graph, node_id: str, index: int) -> Graph:
    """Remove input `index` of a node (a loss node loses that input's name with it)."""
    node = _require(graph, node_id)
    if not 0 <= index < len(node.inputs):
        raise EditError(f"node '{node.name}' has no input {index + 1}")
    keep = [i for i in range(len(node.inputs)) if i != index]
    names = _names_at(node, keep)
    return set_inputs(graph, node_id, [node.inputs[i] for i in keep], names)


def move_input(graph: Graph, node_id: str, index: int, offset: int) -> Graph:
    """Move input `index` of a node by `offset` places (reordering Concatenate's inputs);
    a loss node's input keeps its name."""
    node = _require(graph, node_id)
    order = list(range(len(node.inputs)))
    new_index = index + offset
    if not (0 <= index < len(order) and 0 <= new_index < len(order)):
        raise EditError(f"node '{node.name}': cannot move input {index + 1} to place {new_index + 1}")
    order.insert(new_index, order.pop(index))
    names = _names_at(node, order)
    return set_inputs(graph, node_id, [node.inputs[i] for i in order], names)


def rename_tensor(graph: Graph, node_id: str, index: int, new: str) -> Graph:
    """Call input `index` of a loss or op node `new`, in its expression too: the expression is
    renamed on its parsed tree, so in `abs(abs)` only the tensor is renamed."""
    from editor.model import expr

    node = _require(graph, node_id)
    if not node.names_inputs or not 0 <= index < len(node.inputs):
        raise EditError(f"node '{node.name}' has no named input {index + 1}")
    new = new.strip()
    names = list(tensor_names(node))
    if not new.isidentifier() or keyword.iskeyword(new):
        raise EditError(f"{node.kind} node '{node.name}': '{new}' is not a name an expression can use (letters, digits, _)")
    if new in names[:index] + names[index + 1:]:
        raise EditError(f"{node.kind} node '{node.name}': two inputs cannot both be called '{new}'")
    old, names[index] = names[index], new
    expression = node.expression or ""
    try:
        expression = expr.rename(expression, node.input_names, old, new)
    except expr.ExprError:
        pass  # not in the language yet: left as typed, and its problem still shows
    graph = set_inputs(graph, node_id, node.inputs, names)
    return set_config(graph, node_id, expression=expression)


def set_config(graph: Graph, node_id: str, **changes: Any) -> Graph:
    """Update a node's fields (config, shape, dtype, expression, ...)."""
    node = _require(graph, node_id)
    allowed = {"config", "shape", "dtype", "class_name", "graph", "expression", "input_names", "weight", "position"}
    unknown = set(changes) - allowed
    if unknown:
        raise EditError(f"node '{node.name}': cannot set {', '.join(sorted(unknown))}")
    data = node.model_dump()
    data.update(changes)
    try:
        updated = Node.model_validate(data)
    except ValueError as err:
        raise EditError(f"node '{node.name}': {first_error(err)}") from None
    return _replace(graph, updated)


def set_param(graph: Graph, node_id: str, key: str, value: Any) -> Graph:
    """Set one constructor argument of a layer node (None removes it: back to the default)."""
    node = _require(graph, node_id)
    config = dict(node.config)
    if value is None:
        config.pop(key, None)
    else:
        config[key] = value
    return set_config(graph, node_id, config=config)


def insert_between(graph: Graph, source: Ref, target_id: str, class_name: str, config=None) -> tuple[Graph, str]:
    """Put a new layer on the wire source -> target."""
    target = _require(graph, target_id)
    if source not in target.inputs:
        raise EditError(f"node '{target.name}' does not take {graph.tensor_name(source)}")
    graph, new = add_layer(graph, class_name, config)
    graph = set_inputs(graph, new, (source,))
    refs = tuple(Ref(node=new) if r == source else r for r in target.inputs)
    return set_inputs(graph, target_id, refs), new


def insert_after(graph: Graph, source: Ref, class_name: str, config=None) -> tuple[Graph, str]:
    """Put a new layer into the chain right after tensor `source`: the new layer reads it,
    and everything that read it (layers, merges, loss nodes, model outputs) now reads the
    new layer. A loss node keeps its input names, so its expression still works; a model
    output moves with its loss settings, as the chain's end moved. To add a side branch
    instead, use `add_layer(after=...)`.
    """
    node = _require(graph, source.node)
    if node.kind == "loss":
        raise EditError(f"node '{node.name}' is a loss node: no layer can read it")
    graph, new = add_layer(graph, class_name, config, after=source.node)
    graph = set_inputs(graph, new, (source,))
    nodes = tuple(
        n.model_copy(update={"inputs": tuple(Ref(node=new) if r == source else r for r in n.inputs)})
        if n.id != new and source in n.inputs else n
        for n in graph.nodes
    )
    outputs = tuple(
        o.model_copy(update={"ref": Ref(node=new)}) if o.ref == source else o for o in graph.outputs
    )
    return graph.model_copy(update={"nodes": nodes, "outputs": outputs}), new


def share(graph: Graph, node_id: str, owner_id: str) -> Graph:
    """Make `node_id` call the layer of `owner_id` (same weights), as seed 004 §4 does.
    A sharing node holds no config: the layer, and its config, are the owner's."""
    node, owner = _require(graph, node_id), _require(graph, owner_id)
    if node_id == owner_id:
        raise EditError(f"node '{node.name}' cannot share its own layer")
    if node.kind != "layer" or owner.kind != "layer":
        raise EditError(f"node '{node.name}': only layer nodes can share a layer")
    if owner.shares:
        owner_id = owner.shares
        owner = _require(graph, owner_id)
    return _replace(
        graph,
        node.model_copy(update={"shares": owner_id, "class_name": owner.class_name, "config": {}}),
    )


def unshare(graph: Graph, node_id: str) -> Graph:
    """Give a sharing node a layer of its own (a copy of its owner's config, fresh weights)."""
    node = _require(graph, node_id)
    config = dict((graph.layer_owner(node) or node).config)
    return _replace(graph, node.model_copy(update={"shares": None, "config": config}))


def set_output(graph: Graph, ref: Ref, **settings: Any) -> Graph:
    """Mark tensor `ref` as a model output (or update its loss settings)."""
    _require(graph, ref.node)
    index = graph.output_index(ref)
    outputs = list(graph.outputs)
    if index is None:
        outputs.append(Output(ref=ref, **settings))
    else:
        data = outputs[index].model_dump()
        data.update(settings)
        outputs[index] = Output.model_validate(data)
    return graph.model_copy(update={"outputs": tuple(outputs)})


def unset_output(graph: Graph, ref: Ref) -> Graph:
    return graph.model_copy(update={"outputs": tuple(o for o in graph.outputs if o.ref != ref)})


def move_output(graph: Graph, index: int, offset: int) -> Graph:
    outputs = list(graph.outputs)
    new_index = index + offset
    if not (0 <= index < len(outputs) and 0 <= new_index < len(outputs)):
        raise EditError(f"cannot move output {index + 1} to place {new_index + 1}")
    outputs.insert(new_index, outputs.pop(index))
    return graph.model_copy(update={"outputs": tuple(outputs)})
