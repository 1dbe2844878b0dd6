"""The palette: every Keras layer (grouped, searchable) and the "ops" group (keras.ops
such as `x + y` or `expand_dims(x, 1)`: editor.building.op_palette), inserted after the selected
node (into the chain: its readers now read the new node), branched from it (a side
branch), or inserted on one of its input wires; also inputs, loss nodes and
nested-model nodes."""

from __future__ import annotations

from typing import Optional

import streamlit as st

from typing import Union

from editor.canvas import placement
from editor.model import edits
from editor.model.graph import Graph, Node, Ref
from editor.building.op_palette import OPS
from editor.ui import fields, state, widgets

ALL_GROUPS = "all groups"
OPS_GROUP = "ops (keras.ops on tensors)"
Choice = Union[str, edits.Op]  # a layer class name, or an op


def _ops(query: str) -> list[str]:
    words = query.lower().split()
    return [name for name, text in OPS.items() if all(w in f"{name} {text}" for w in words)]


def _what(choice: Choice) -> str:
    return choice.name if isinstance(choice, edits.Op) else choice


def _config(choice: Choice) -> Optional[dict]:
    return fields.starting_config(choice) if isinstance(choice, str) else None


# Kept while the Add nodes tab is closed (editor.ui.lazy_tabs): what the person chose or typed there.
KEPT = tuple(f"palette.{name}" for name in ("group", "search", "class", "op", "wire", "input_shape", "model_graph"))


def show(key: str = "palette") -> None:
    from editor.building import catalog

    node = state.selected_node()
    graph = state.graph()
    with st.container():
        cols = st.columns([2, 3])
        group = cols[0].selectbox("Group", [ALL_GROUPS, *catalog.groups(), OPS_GROUP], key=f"{key}.group")
        query = cols[1].text_input("Search layers", key=f"{key}.search", placeholder="e.g. conv, drop, lstm")
        class_name = _op_choice(query, key) if group == OPS_GROUP else _layer_choice(query, group, key)
        cols = st.columns(2)
        node_id = node.id if node is not None else None
        cols[0].button(
            fields.md(f"Insert after {node.name}") if node is not None else "Insert after…",
            key=f"{key}.insert_after", disabled=class_name is None or node is None or node.kind == "loss",
            type="primary", on_click=_insert_after, args=(class_name, node_id), width="stretch",
            help="Into the chain: the new layer reads the selected node, and what read it reads the new layer.",
        )
        cols[1].button(
            fields.md(f"Branch from {node.name}") if node is not None else "Add (not connected)",
            key=f"{key}.add", disabled=class_name is None, on_click=_add_layer, args=(class_name, node_id),
            width="stretch", help="A side branch: the new layer reads the selected node; nothing else changes.",
        )
        cols = st.columns(2)
        wires = list(node.inputs) if node is not None else []
        wire_key = f"{key}.wire"
        if len(wires) > 1:
            names_by_id = {n.id: n.name for n in graph.nodes}
            labels = {i: f"on input {i + 1} ({names_by_id.get(r.node, r.node)})" for i, r in enumerate(wires)}
            if st.session_state.get(wire_key) not in labels:
                st.session_state[wire_key] = 0
            cols[0].selectbox("Insert on", list(labels), key=wire_key, format_func=labels.get)
        wire = st.session_state.get(wire_key, 0) if len(wires) > 1 else 0
        cols[1].button(
            fields.md(f"Insert before {node.name}") if node is not None else "Insert before…",
            key=f"{key}.insert", disabled=class_name is None or not wires, width="stretch",
            on_click=_insert_layer, args=(class_name, node.id if node else None, wire),
            help="Puts the layer on an input wire of the selected node.",
        )
        st.divider()
        cols = st.columns([2, 2])
        shape_key = f"{key}.input_shape"
        if shape_key not in st.session_state:
            st.session_state[shape_key] = "32"
        cols[0].text_input("New input's shape", key=shape_key, help="e.g. 784 or 28, 28, 1")
        cols[1].button("Add input", key=f"{key}.add_input", on_click=_add_input, args=(shape_key,), width="stretch")
        widgets.field_error(shape_key)
        cols = st.columns(2)
        cols[0].button("Add loss node", key=f"{key}.add_loss", disabled=node is None or node.kind == "loss",
                       on_click=_add_loss, args=(node.id if node else None,), width="stretch",
                       help="A loss computed from the selected node's tensor (more inputs can be wired in).")
        cols[1].button("New nested model", key=f"{key}.new_graph", on_click=state.add_graph, width="stretch",
                       help="A new graph in this project (input → Dense) that other graphs can call as a layer.")
        project = state.project()
        others = [g for g in project.graphs if g.id != graph.id]
        if others:
            model_key = f"{key}.model_graph"
            if st.session_state.get(model_key) not in [g.id for g in others]:
                st.session_state[model_key] = others[0].id
            names = {g.id: g.name for g in others}
            cols = st.columns([2, 2])
            cols[0].selectbox("Nested model", list(names), key=model_key, format_func=names.get,
                              label_visibility="collapsed")
            cols[1].button("Add a call to it", key=f"{key}.add_model", width="stretch",
                           on_click=_add_model, args=(model_key, node.id if node else None),
                           help="A node that calls the chosen graph like a layer (after the selected node).")


def _layer_choice(query: str, group: str, key: str) -> Optional[str]:
    """The chosen Keras layer class, among those the group and the search words allow."""
    from editor.building import catalog

    infos = catalog.layers()
    names = catalog.search(query, limit=len(infos)) if query.strip() else sorted(infos)
    if group != ALL_GROUPS:
        allowed = set(catalog.groups()[group])
        names = [n for n in names if n in allowed]
    if not names:
        st.caption("No layer matches; try another word or group.")
        return None
    class_name = st.selectbox(f"Layer ({len(names)})", names, key=f"{key}.class",
                              format_func=lambda n: f"{n} · {infos[n].group}")
    if class_name and infos[class_name].doc:
        st.caption(infos[class_name].doc)
    return class_name


def _op_choice(query: str, key: str) -> Optional[edits.Op]:
    """The chosen op of the "ops" group, with its starting expression."""
    ops = _ops(query)
    if not ops:
        st.caption("No op matches; try another word.")
        return None
    choice = st.selectbox(f"Op ({len(ops)})", ops, key=f"{key}.op", format_func=lambda n: f"{n}: {OPS[n]}")
    st.caption("x is the selected node's tensor; y is the next tensor you wire in (inspector: Add an input).")
    return edits.Op(choice, OPS[choice]) if choice else None


def _placed(graph: Graph, node_id: str) -> Graph:
    """Give a just-added node a position (a row of its own when it is inserted into wires),
    so the canvas stays stable from now on."""
    return placement.place_new(graph, node_id)


@state.callback
def _add_layer(class_name: Optional[Choice], after: Optional[str]) -> None:
    if class_name is None:
        return
    config = _config(class_name)

    def change(graph: Graph):
        graph, new = edits.add_layer(graph, class_name, config, after=after)
        return _placed(graph, new), new

    state.edit_graph(f"add {_what(class_name)}", change, select_new=True)


@state.callback
def _insert_after(class_name: Optional[Choice], source: Optional[str]) -> None:
    node = state.graph().get(source) if source else None
    if class_name is None or node is None:
        return
    config = _config(class_name)

    def change(graph: Graph):
        graph, new = edits.insert_after(graph, Ref(node=node.id), class_name, config)
        return _placed(graph, new), new

    state.edit_graph(f"insert {_what(class_name)} after {node.name}", change, select_new=True, node_name=node.name)


@state.callback
def _insert_layer(class_name: Optional[Choice], target: Optional[str], wire: int) -> None:
    if class_name is None or target is None:
        return
    node = state.graph().get(target)
    if node is None or not node.inputs:
        state.fail(f"node '{node.name if node else target}' has no input wire to insert on")
        return
    source = node.inputs[min(wire, len(node.inputs) - 1)]
    config = _config(class_name)

    def change(graph: Graph):
        graph, new = edits.insert_between(graph, source, target, class_name, config)
        return _placed(graph, new), new

    state.edit_graph(f"insert {_what(class_name)} before {node.name}", change, select_new=True, node_name=node.name)


@state.callback
def _add_input(shape_key: str) -> None:
    try:
        shape = fields.parse_shape(st.session_state.get(shape_key, ""))
    except fields.FieldError as err:
        state.fail(f"new input: {err}", shape_key)
        return

    def change(graph: Graph):
        graph, new = edits.add_input(graph, shape)
        return _placed(graph, new), new

    state.edit_graph("add input", change, select_new=True, field=shape_key)


@state.callback
def _add_loss(source: Optional[str]) -> None:
    if source is None:
        return

    def change(graph: Graph):
        node_id = edits.new_id(graph)
        # "<source>_loss_term": never one of Keras's log keys ("loss", "<output>_loss", metrics)
        name = edits.unique_name(graph, f"{graph.node(source).name}_loss_term")
        node = Node(id=node_id, kind="loss", name=name, inputs=(Ref(node=source),),
                    input_names=("x",), expression="mean(square(x))")
        graph = edits.add_node(graph, node)
        return _placed(graph, node_id), node_id

    state.edit_graph("add loss node", change, select_new=True)


@state.callback
def _add_model(model_key: str, after: Optional[str]) -> None:
    graph_id = st.session_state.get(model_key)
    project = state.project()
    target = next((g for g in project.graphs if g.id == graph_id), None)
    if target is None:
        return

    def change(graph: Graph):
        node_id = edits.new_id(graph)
        node = Node(id=node_id, kind="model", name=edits.unique_name(graph, target.name), graph=target.id,
                    inputs=(Ref(node=after),) if after else ())
        graph = edits.add_node(graph, node)
        return _placed(graph, node_id), node_id

    state.edit_graph(f"add nested model {target.name}", change, select_new=True)
