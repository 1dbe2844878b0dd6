"""The inspector: everything about the selected node, editable.

Name; the input's shape and dtype; the layer's constructor arguments (config_widgets);
its inputs in call order (reorder, remove, add); "model output" with its loss, loss
weight and metrics; a loss or op node's expression and input names (ui/op_fields);
a layer's keyword tensors (initial_state, mask...); sharing another node's layer; a
nested model's graph (and a button that opens it); delete. Every change is a
callback that goes through state.edit_graph (editor.model.edits underneath).
"""

from __future__ import annotations

from typing import Optional

import streamlit as st

from editor.building import plan
from editor.model import edits
from editor.model import expr
from editor.canvas.looks import class_text, shape_text
from editor.model.graph import DTYPES, Graph, Node, Ref
from editor.ui import (block_panel, config_widgets, cost_view, fields, op_fields, output_fields, page_scope, shown_model,
                       state, widgets)
from editor.ui.preview_cache import Preview
from editor.ui.fields import md



def node_key(graph_id: str, node_id: str, key: str = "insp") -> str:
    """Prefix of the widget keys of one node's inspector (tests use it too)."""
    return f"{key}.{graph_id}.{node_id}"


def show(preview: Optional[Preview], key: str = "insp") -> None:
    graph = state.graph()
    node = state.selected_node()
    if node is None:
        picked = block_panel.selected_block(graph)
        if picked is not None:
            block_panel.show_block(graph, picked, preview)
            return
        st.info("Click a node on the canvas, or find it in the list above, to edit it here.")
        _graph_outline(graph)
        block_panel.show_overview(graph)
        return
    k = node_key(graph.id, node.id, key)
    shapes = preview.shapes.get(node.id) if preview is not None else None
    _heading()
    block_panel.show_node_block(graph, node, k)
    widgets.text(f"{k}.name", "Name", node.name, _rename, (node.id, node.name))
    if node.kind == "input":
        _input_fields(node, k)
    elif node.kind == "layer":
        _layer_fields(graph, node, k)
    elif node.kind == "model":
        _model_fields(node, k)
    elif node.kind == "application":
        _application_fields(node, k)
    elif node.kind == "loss":
        _loss_fields(node, k)
    elif node.kind == "op":
        op_fields.show(node, k)
    if node.kind != "input":
        _inputs_editor(graph, node, k)
    if node.kind != "loss":
        output_fields.show(graph, node, k, shapes)
    st.divider()
    st.button("Delete node", key=f"{k}.delete", on_click=_delete, args=(node.id, node.name), type="secondary",
              help="Removes the node, the wires leaving it and its output.")
    block_panel.show_group(graph)


@page_scope.part("head")
def _heading() -> None:
    """The selected node's name, class, shapes, cost and problems: a part of the editor area,
    which an edit of one of its fields reruns without the form (editor.ui.page_scope)."""
    graph = state.graph()
    node = state.selected_node()
    if node is None:
        return
    preview = shown_model.current().preview
    shapes = preview.shapes.get(node.id) if preview is not None else None
    st.markdown(f"#### {md(node.name)}")
    st.caption(md(" · ".join(x for x in (class_text(node), shape_text(shapes), f"id {node.id}") if x)))
    cost = cost_view.node_line(preview, node.id) if cost_view.mode() != "none" else None
    if cost:
        st.caption(cost)
    if preview is not None:
        for problem in preview.problems:
            if problem.node == node.id and problem.graph in (None, graph.id):
                (st.error if problem.severity == "error" else st.warning)(md(problem.message))


# ----------------------------------------------------------------------------- helpers


def _names(graph: Graph) -> dict[str, str]:
    return {n.id: n.name for n in graph.nodes}


def _graph_outline(graph: Graph) -> None:
    outputs = [graph.get(o.ref.node) for o in graph.outputs]
    names = ", ".join(n.name for n in outputs if n is not None) or "none"
    count = len(graph.inputs)
    st.caption(md(f"Model '{graph.name}': {len(graph.nodes)} nodes, {count} input{'' if count == 1 else 's'}; "
                  f"outputs: {names}."))


# ----------------------------------------------------------------------------- name


@state.callback
def _rename(node_id: str, old: str, key: str) -> None:
    new = st.session_state.get(key, "")
    if new == old:
        return
    state.edit_graph(f"rename {old} to {new}", lambda g: edits.rename(g, node_id, new), field=key, node_name=old)


# ----------------------------------------------------------------------------- kinds


def _input_fields(node: Node, k: str) -> None:
    shape = fields.tuple_text(list(node.shape or ()))
    widgets.text(f"{k}.shape", "Shape (without the batch axis)", shape, _set_shape, (node.id, node.name),
          help="Comma-separated sizes, None for a free size: 784 or 28, 28, 1 or None, 16")
    key = f"{k}.dtype"
    st.selectbox("dtype", DTYPES, key=key,
                 **widgets.bind(key, node.dtype, list(DTYPES), on_change=_set_field, args=(node.id, node.name, "dtype", key)))


@state.callback
def _set_shape(node_id: str, name: str, key: str) -> None:
    try:
        shape = fields.parse_shape(st.session_state.get(key, ""))
    except fields.FieldError as err:
        state.fail(f"node '{name}': {err}", key)
        return
    state.edit_graph(f"set shape of {name}", lambda g: edits.set_config(g, node_id, shape=shape), field=key, node_name=name)


@state.callback
def _set_field(node_id: str, name: str, field: str, key: str) -> None:
    value = st.session_state.get(key)
    state.edit_graph(f"set {field} of {name}", lambda g: edits.set_config(g, node_id, **{field: value}),
                     field=key, node_name=name)


def _layer_fields(graph: Graph, node: Node, k: str) -> None:
    owner = plan.owner(graph, node) if node.shares else None
    if owner is not None:
        st.info(md(f"Calls the layer of '{owner.name}' (same weights). Its settings are edited there."))
        st.button(md(f"Select {owner.name}"), key=f"{k}.goto_owner", on_click=state.select, args=(owner.id,))
        config_widgets.show(owner, key=f"{k}.cfg", disabled=True)
    else:
        config_widgets.show(node, key=f"{k}.cfg")
    _share_fields(graph, node, k)


def _share_fields(graph: Graph, node: Node, k: str) -> None:
    candidates = [n.id for n in graph.nodes if n.kind == "layer" and n.id != node.id and not n.shares]
    key = f"{k}.shares"
    options = ["", *candidates]  # "": its own layer
    names = _names(graph)
    st.selectbox(
        "Layer and weights", options, key=key,
        **widgets.bind(key, node.shares if node.shares in candidates else "", options,
                       on_change=_set_share, args=(node.id, node.name, key)),
        format_func=lambda i: "its own layer" if not i else f"shared with {names.get(i, i)} ({graph.node(i).class_name})",
        help="Share weights: this node calls another node's layer (one set of weights, as with a shared Embedding or LSTM).",
    )
    widgets.field_error(key)


@state.callback
def _set_share(node_id: str, name: str, key: str) -> None:
    owner = st.session_state.get(key) or None
    if owner is None:
        state.edit_graph(f"{name} gets its own layer", lambda g: edits.unshare(g, node_id), field=key, node_name=name)
    else:
        state.edit_graph(f"{name} shares a layer", lambda g: edits.share(g, node_id, owner), field=key, node_name=name)


def _model_fields(node: Node, k: str) -> None:
    project = state.project()
    graph_id = state.graph_id()
    others = [g.id for g in project.graphs if g.id != graph_id]
    names = {g.id: g.name for g in project.graphs}
    key = f"{k}.graph"
    options = others if node.graph in others else [*others, node.graph]
    st.selectbox("Nested model (graph)", options, key=key, format_func=lambda i: names.get(i, f"{i} (missing)"),
                 **widgets.bind(key, node.graph, options, on_change=_set_field, args=(node.id, node.name, "graph", key)))
    widgets.field_error(key)
    if node.graph in names:
        st.button(md(f"Open graph '{names[node.graph]}'"), key=f"{k}.open", on_click=state.set_graph, args=(node.graph,))


def _application_fields(node: Node, k: str) -> None:
    st.caption(md(f"keras.applications.{node.class_name} (built with weights=None)"))
    key = f"{k}.appcfg"
    _text_area(key, "Config (JSON)", fields.json_text(node.config) or "{}", _set_app_config, (node.id, node.name))


def _text_area(key: str, label: str, value: str, callback, args, **kwargs) -> None:
    st.text_area(label, key=key, **kwargs, **widgets.bind(key, value, on_change=callback, args=(*args, key)))
    widgets.field_error(key)


@state.callback
def _set_app_config(node_id: str, name: str, key: str) -> None:
    try:
        config = fields.parse_json(st.session_state.get(key, ""), "config") or {}
        if not isinstance(config, dict):
            raise fields.FieldError("config: must be a JSON object")
    except fields.FieldError as err:
        state.fail(f"node '{name}': {err}", key)
        return
    state.edit_graph(f"set config of {name}", lambda g: edits.set_config(g, node_id, config=config), field=key, node_name=name)


def _loss_fields(node: Node, k: str) -> None:
    _text_area(f"{k}.expr", "Loss expression", node.expression or "", op_fields.set_expression, (node.id, node.name),
               help=expr.describe_language())
    with st.expander("Expression language"):
        st.text(expr.describe_language())
    key = f"{k}.weight"
    st.number_input("Weight (added to the loss times this)", key=key, step=0.1, format="%g",
                    **widgets.bind(key, float(node.weight), on_change=_set_weight, args=(node.id, node.name, key)))
    widgets.field_error(key)


@state.callback
def _set_weight(node_id: str, name: str, key: str) -> None:
    try:
        weight = fields.parse_float(st.session_state.get(key), "weight")
    except fields.FieldError as err:
        state.fail(f"node '{name}': {err}", key)
        return
    state.edit_graph(f"set weight of {name}", lambda g: edits.set_config(g, node_id, weight=weight if weight is not None else 1.0),
                     field=key, node_name=name)


# ----------------------------------------------------------------------------- inputs


def _inputs_editor(graph: Graph, node: Node, k: str) -> None:
    names = _names(graph)
    st.markdown("**Inputs** (in call order)")
    if not node.inputs:
        st.caption("No inputs yet.")
    loss = node.names_inputs
    keywords = _keywords(graph, node)
    for i, ref in enumerate(node.inputs):
        cols = st.columns([2, 3, 1, 1, 1]) if loss or keywords else st.columns([4, 1, 1, 1])
        source = names.get(ref.node, f"{ref.node} (missing)") + (f" · output {ref.output}" if ref.output else "")
        cols[0].markdown(f"{i + 1}\\. {md(source)}")
        offset = 0
        if loss:
            offset = 1
            key = f"{k}.iname{i}"
            current = node.input_names[i] if i < len(node.input_names) else ""
            cols[1].text_input(f"Name of input {i + 1} in the expression", key=key, label_visibility="collapsed",
                               **widgets.bind(key, current, on_change=_set_input_name, args=(node.id, node.name, i, key)))
        elif keywords:
            offset = 1
            key = f"{k}.kw{i}"
            options = ["", *keywords]
            cols[1].selectbox(f"Input {i + 1} is passed as", options, key=key, label_visibility="collapsed",
                              format_func=lambda o: f"as {o}=" if o else "positional",
                              **widgets.bind(key, node.keyword(i), options,
                                             on_change=_set_keyword, args=(node.id, node.name, i, key)))
        cols[1 + offset].button("↑", key=f"{k}.in{i}.up", disabled=i == 0, help="Move up",
                                on_click=_move_input, args=(node.id, node.name, i, -1))
        cols[2 + offset].button("↓", key=f"{k}.in{i}.down", disabled=i == len(node.inputs) - 1, help="Move down",
                                on_click=_move_input, args=(node.id, node.name, i, 1))
        cols[3 + offset].button("✕", key=f"{k}.in{i}.remove", help="Remove this input",
                                on_click=_remove_input, args=(node.id, node.name, i))
        if loss:
            widgets.field_error(f"{k}.iname{i}")
    candidates = [n.id for n in graph.nodes if n.id != node.id and n.kind != "loss"]
    key = f"{k}.add_input"
    st.session_state[key] = ""
    st.selectbox("Add an input", ["", *candidates], key=key,
                 format_func=lambda i: "— choose a node —" if not i else f"{names[i]} · {class_text(graph.node(i))}",
                 on_change=_add_input, args=(node.id, node.name, key))
    widgets.field_error(key)


@state.callback
def _move_input(node_id: str, name: str, index: int, offset: int) -> None:
    state.edit_graph(f"reorder inputs of {name}", lambda g: edits.move_input(g, node_id, index, offset), node_name=name)


@state.callback
def _remove_input(node_id: str, name: str, index: int) -> None:
    state.edit_graph(f"remove an input of {name}", lambda g: edits.remove_input(g, node_id, index), node_name=name)


@state.callback
def _add_input(node_id: str, name: str, key: str) -> None:
    source = st.session_state.get(key) or None
    if source is not None:
        state.edit_graph(f"wire an input into {name}", lambda g: edits.connect(g, Ref(node=source), node_id),
                         field=key, node_name=name)


def _keywords(graph: Graph, node: Node) -> tuple[str, ...]:
    """The tensor keywords the node's layer takes (a shared call: its owner's layer)."""
    from editor.building import catalog

    owner = plan.owner(graph, node)
    if node.kind != "layer" or owner is None or not owner.class_name:
        return ()
    return catalog.call_keywords(owner.class_name)


@state.callback
def _set_keyword(node_id: str, name: str, index: int, key: str) -> None:
    keyword = st.session_state.get(key) or ""
    state.edit_graph(f"pass input {index + 1} of {name} as {keyword or 'positional'}",
                     lambda g: edits.set_keyword(g, node_id, index, keyword), field=key, node_name=name)


@state.callback
def _set_input_name(node_id: str, name: str, index: int, key: str) -> None:
    new = st.session_state.get(key, "")
    state.edit_graph(f"rename input {index + 1} of {name}", lambda g: edits.rename_tensor(g, node_id, index, new),
                     field=key, node_name=name)


# ----------------------------------------------------------------------------- delete


@state.callback
def _delete(node_id: str, name: str) -> None:
    graph = state.graph()
    node = graph.get(node_id)
    neighbour = None
    if node is not None:
        neighbour = next((r.node for r in node.inputs if graph.get(r.node)), None)
    if state.edit_graph(f"delete {name}", lambda g: edits.remove_node(g, node_id), node_name=name):
        state.select(neighbour)
