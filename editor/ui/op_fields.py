"""The inspector's fields for an op node: its expression, and a form for the constant
settings of its function (axis, shape, dtype...) or the number of `x * 2.0`.

The form edits the parsed expression (editor.model.expr.with_setting), so a value outside
the language is refused in one line, next to the field, and nothing changes.
"""

from __future__ import annotations

import streamlit as st

from editor.model import edits, expr
from editor.model.expr import CONSTANTS
from editor.model.graph import Node
from editor.ui import state, widgets
from editor.ui.fields import md

_LABELS = {"number": "Number", "newshape": "Shape (newshape)", "axes": "Axes order"}


def show(node: Node, k: str) -> None:
    widgets.text(f"{k}.expr", "Op expression", node.expression or "", set_expression, (node.id, node.name),
                 help=expr.describe_language())
    try:
        settings = expr.settings_of(expr.parse(node.expression or "", node.input_names))
    except expr.ExprError:
        settings = []
    for key, value in settings:
        field = f"{k}.set.{key}"
        shown = "" if value is None else expr.constant_text(value) if key != "number" else repr(value)
        widgets.text(field, _LABELS.get(key, key.capitalize()), shown, _set_setting, (node.id, node.name, key),
                     help=CONSTANTS.get(key, "a plain number") + " (empty: the default)")
    with st.expander("Expression language"):
        st.text(expr.describe_language())
    st.caption(md("Inputs are named in the expression: rename one below and the expression follows."))


@state.callback
def set_expression(node_id: str, name: str, key: str) -> None:
    """A loss or op node's expression, checked against the language before it is kept."""
    text = st.session_state.get(key, "").strip()
    node = state.graph().get(node_id)
    if node is None:
        return
    try:
        expr.check(text, node.input_names)
    except expr.ExprError as err:
        state.fail(f"{node.kind} node '{name}': {err}", key)
        return
    state.edit_graph(f"set expression of {name}", lambda g: edits.set_config(g, node_id, expression=text),
                     field=key, node_name=name)


@state.callback
def _set_setting(node_id: str, name: str, setting: str, key: str) -> None:
    node = state.graph().get(node_id)
    if node is None:
        return
    try:
        text = expr.with_setting(node.expression or "", node.input_names, setting, st.session_state.get(key, ""))
    except expr.ExprError as err:
        state.fail(f"op node '{name}': {err}", key)
        return
    state.edit_graph(f"set {setting} of {name}", lambda g: edits.set_config(g, node_id, expression=text),
                     field=key, node_name=name)
