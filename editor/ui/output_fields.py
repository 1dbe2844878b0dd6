"""The inspector's "model output" blocks: per output port, whether it is a model output,
its place among the outputs, its loss (a Keras loss or a custom expression of y_true and
y_pred), loss weight and metrics. Every change goes through state.edit_graph."""

from __future__ import annotations

import streamlit as st

from editor.model import edits
from editor.model import expr
from editor.canvas.looks import shape_text
from editor.model.graph import CUSTOM_LOSS_PREFIX, Graph, Node, Ref
from editor.ui import fields, state, widgets
from editor.ui.fields import md

NO_LOSS = "none"
CUSTOM_LOSS = "custom expression…"
DEFAULT_CUSTOM = "mean(square(y_true - y_pred), axis=-1)"


def show(graph: Graph, node: Node, k: str, shapes) -> None:
    """One "model output" block per output port: LSTM(return_state=True) has three, and
    any of them can be an output (with its own loss) while the others feed layers."""
    marked = {o.ref.output for o in graph.outputs if o.ref.node == node.id}
    ports = max(len(shapes or ()), 1, *(p + 1 for p in marked))
    for port in range(ports):
        if ports > 1:
            shape = shape_text([shapes[port]]) if shapes and port < len(shapes) else ""
            st.markdown(f"**Model output · output {port}**" + (f" · {md(shape)}" if shape else ""))
        else:
            st.markdown("**Model output**")
        _output_port(graph, node, k if port == 0 else f"{k}.port{port}", Ref(node=node.id, output=port))


def _output_port(graph: Graph, node: Node, k: str, ref: Ref) -> None:
    from editor.building import compile_choices

    index = graph.output_index(ref)
    output = graph.outputs[index] if index is not None else None
    key = f"{k}.out"
    st.checkbox("model output", key=key, **widgets.bind(key, output is not None, on_change=_toggle_output,
                                                        args=(ref, node.name, key)), help="Marks this tensor as an output of the model (in this order).")
    if output is None:
        return
    if len(graph.outputs) > 1:
        cols = st.columns([4, 1, 1])
        cols[0].caption(f"output {index + 1} of {len(graph.outputs)}")
        cols[1].button("↑", key=f"{k}.out.up", disabled=index == 0, on_click=_move_output, args=(index, -1))
        cols[2].button("↓", key=f"{k}.out.down", disabled=index == len(graph.outputs) - 1,
                       on_click=_move_output, args=(index, 1))
    losses = list(compile_choices.losses())
    current = output.loss
    if current is None:
        choice = NO_LOSS
    elif output.custom_expression is not None:
        choice = CUSTOM_LOSS
    else:
        choice = current
    options = [NO_LOSS, *losses] + ([current] if choice == current and current not in losses else []) + [CUSTOM_LOSS]
    key = f"{k}.loss"
    st.selectbox("Loss", options, key=key,
                 **widgets.bind(key, choice, options, on_change=_set_loss, args=(ref, node.name, key)),
                 format_func=lambda v: "none (no loss on this output)" if v == NO_LOSS else v)
    widgets.field_error(key)
    if choice == CUSTOM_LOSS:
        widgets.text(f"{k}.loss_expr", "Custom loss of y_true and y_pred", output.custom_expression,
              _set_loss_expression, (ref, node.name), help=expr.describe_language())
    key = f"{k}.loss_weight"
    st.number_input("Loss weight", key=key, step=0.1, format="%g",
                    **widgets.bind(key, float(output.loss_weight), on_change=_set_output_field,
                                   args=(ref, node.name, "loss_weight", key)))
    widgets.field_error(key)
    metrics = list(compile_choices.metrics())
    key = f"{k}.metrics"
    st.multiselect("Metrics", metrics + [m for m in output.metrics if m not in metrics], key=key,
                   **widgets.bind(key, list(output.metrics), param="default", on_change=_set_output_field,
                                  args=(ref, node.name, "metrics", key)))
    widgets.field_error(key)


@state.callback
def _toggle_output(ref: Ref, name: str, key: str) -> None:
    on = bool(st.session_state.get(key))
    if on:
        state.edit_graph(f"mark {name} as output", lambda g: edits.set_output(g, ref), field=key, node_name=name)
    else:
        state.edit_graph(f"unmark {name} as output", lambda g: edits.unset_output(g, ref), field=key, node_name=name)


@state.callback
def _move_output(index: int, offset: int) -> None:
    state.edit_graph("reorder outputs", lambda g: edits.move_output(g, index, offset))


@state.callback
def _set_loss(ref: Ref, name: str, key: str) -> None:
    choice = st.session_state.get(key)
    if choice == NO_LOSS:
        loss = None
    elif choice == CUSTOM_LOSS:
        loss = CUSTOM_LOSS_PREFIX + DEFAULT_CUSTOM
    else:
        loss = choice
    state.edit_graph(f"set loss of {name}", lambda g: edits.set_output(g, ref, loss=loss), field=key, node_name=name)


@state.callback
def _set_loss_expression(ref: Ref, name: str, key: str) -> None:
    text = st.session_state.get(key, "").strip()
    try:
        expr.check(text, ("y_true", "y_pred"))
    except expr.ExprError as err:
        state.fail(f"node '{name}': custom loss: {err}", key)
        return
    state.edit_graph(f"set custom loss of {name}", lambda g: edits.set_output(g, ref, loss=CUSTOM_LOSS_PREFIX + text),
                     field=key, node_name=name)


@state.callback
def _set_output_field(ref: Ref, name: str, field: str, key: str) -> None:
    value = st.session_state.get(key)
    if field == "metrics":
        value = tuple(value or ())
    elif field == "loss_weight":
        try:
            value = fields.parse_float(value, "loss weight")
        except fields.FieldError as err:
            state.fail(f"node '{name}': {err}", key)
            return
        value = 1.0 if value is None else value
    state.edit_graph(f"set {field.replace('_', ' ')} of {name}", lambda g: edits.set_output(g, ref, **{field: value}),
                     field=key, node_name=name)
