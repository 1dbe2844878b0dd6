"""A layer's constructor arguments as widgets, generated from the catalog's Param kinds.

int/float: number inputs; bool: checkbox; choice: selectbox of the documented values;
activation: selectbox of keras.activations; initializer/regularizer/constraint:
selectbox of common names (a configured object is edited as JSON); tuple: text
"3, 3" parsed as comma-separated integers; str: text; any/layer: JSON text. A change
is parsed, checked by constructing the Keras layer, and stored only if it differs from
the default (set_param with None restores the default). A refused value leaves the
graph unchanged and shows one line under its field.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from editor.model import edits
from editor.model.graph import Node
from editor.ui import fields, lazy_tabs, page_scope, shown_model, state, widgets

SIMPLE_KINDS = {"int", "float", "bool", "choice", "activation", "tuple", "str"}
ADVANCED = {"lora_rank", "lora_alpha", "seed", "quantization_config", "use_cudnn", "dtype", "synchronized"}
LEADING = 5  # how many leading simple arguments show outside "More parameters"
NONE = "__none__"  # the option that stands for the value None


def show(node: Node, key: str, disabled: bool = False) -> None:
    """Widgets for every constructor argument of the layer node `node`."""
    from editor.building import catalog

    try:
        info = catalog.layers()[catalog.canonical_name(node.class_name or "")]
    except KeyError:
        st.warning(fields.md(_not_editable(node)))
        st.code(fields.json_text(node.config) or "{}", language="json")  # read-only
        return
    params = list(info.params)
    leading = [p for p in params if p.kind in SIMPLE_KINDS and p.name not in ADVANCED][:LEADING]
    main = [p for p in params if p.required or p.name in node.config or p in leading]
    rest = [p for p in params if p not in main]
    if info.doc:
        st.caption(info.doc)
    if info.needs_adapt:
        st.caption("This layer learns state with adapt(): give its vocabulary / mean / bins here.")
    for param in main:
        _field(node, param, key, disabled)
    if rest:
        # No count in the label: a label that changes is a new widget to Streamlit, and a value
        # set in it (moving its field out) would close the expander under the person's hand.
        more = lazy_tabs.expander("More parameters", f"{key}.more")
        if more.open is not False:  # drawn only when opened: most clicks on a node never open it
            with more:
                for param in rest:
                    _field(node, param, key, disabled)


def _not_editable(node: Node) -> str:
    """One line on a layer outside the palette (a project file can hold any class name)."""
    from editor.building import catalog

    name = node.class_name or "?"
    reason = catalog.excluded().get(name) if catalog.is_layer_class(name) else "not a keras.layers class"
    reason = reason or "not in the palette"
    return (f"{name} cannot be edited or built here ({reason}); its config is shown read-only. "
            "Delete the node, or replace it with a palette layer.")


def _field(node: Node, param, key: str, disabled: bool) -> None:
    from editor.building import catalog

    widget_key = f"{key}.{param.name}"
    current = node.config.get(param.name, param.default)
    kind = _effective_kind(param.kind, current)
    value = fields.widget_value(kind, current)
    set_here = param.name in node.config
    label = param.name + (" *" if param.required else "")
    default_text = "required" if param.required else f"default: {fields.json_text(param.default) or 'None'}"
    help_text = (param.doc[:400] + " — " if param.doc else "") + default_text + (" (changed)" if set_here else "")
    common = dict(key=widget_key, help=help_text, disabled=disabled)
    on_change = dict(on_change=_changed, args=(node.id, node.name, param, kind, widget_key))
    choice_like = kind in ("choice", "activation", "initializer", "regularizer", "constraint")
    json_valued = kind in ("initializer", "regularizer", "constraint") and isinstance(current, (dict, list))
    if choice_like and not json_valued:
        # None is a real choice here; Streamlit reads a None option as "nothing chosen".
        opts = [NONE if v is None else v for v in fields.options(
            kind, current, param.choices, catalog.activations() if kind == "activation" else ())]
        none_text = "None (linear)" if kind == "activation" else "None (default)"
        st.selectbox(label, opts, format_func=lambda v: none_text if v == NONE else str(v), **common,
                     **widgets.bind(widget_key, NONE if value is None else value, opts, **on_change))
        widgets.field_error(widget_key)
        return
    common.update(widgets.bind(widget_key, value, **on_change))
    if kind == "bool":
        st.checkbox(label, **common)
    elif kind == "int":
        st.number_input(label, step=1, format="%d", **common)
    elif kind == "float":
        st.number_input(label, step=0.01, format="%g", **common)
    elif kind == "tuple":
        st.text_input(label, placeholder="e.g. 3, 3" if param.required else "None", **common)
    elif kind == "str":
        st.text_input(label, **common)
    else:  # any, layer, or a configured initializer/regularizer/constraint
        st.text_area(label, height=80, placeholder="JSON, e.g. {\"class_name\": ..., \"config\": {...}}", **common)
    widgets.field_error(widget_key)


def _effective_kind(kind: str, current) -> str:
    """The param's kind, or "any" (JSON) when the stored value does not fit its widget."""
    number = isinstance(current, (int, float)) and not isinstance(current, bool)
    if kind == "int" and not (current is None or (number and float(current).is_integer())):
        return "any"
    if kind == "float" and not (current is None or number):
        return "any"
    if kind == "bool" and not isinstance(current, bool):
        return "any"
    if kind in ("choice", "activation") and isinstance(current, (dict, list)):
        return "any"
    return kind


def checked_store(node, param, value, widget_key: str) -> tuple[bool, Any]:
    """(True, what to store: None for the default) for a parsed config value that Keras
    accepts in the node's layer; else (False, None) with one line on the field."""
    if value is None and param.required:
        state.fail(f"node '{node.name}': {param.name} is required", widget_key)
        return False, None
    store = None if value is None or (not param.required and fields.same(value, param.default)) else value
    config = {c: v for c, v in node.config.items() if c != param.name} | ({} if store is None else {param.name: store})
    problem = fields.check_layer(node, config)
    if problem:
        state.fail(f"node '{node.name}': {param.name}: {problem}", widget_key)
        return False, None
    return True, store


@state.callback
def _changed(node_id: str, node_name: str, param, kind: str, widget_key: str) -> None:
    """on_change: parse, check with Keras, store (or refuse with one line)."""
    node = state.graph().get(node_id)
    if node is None:
        return
    raw = st.session_state.get(widget_key)
    if raw == NONE:
        raw = None
    try:
        value = fields.parse(kind, raw, param.name)
    except fields.FieldError as err:
        state.fail(f"node '{node_name}': {err}", widget_key)
        return
    ok, store = checked_store(node, param, value, widget_key)
    if not ok:
        return
    if state.edit_graph(
        f"set {param.name} of {node_name}",
        lambda g: edits.set_param(g, node_id, param.name, store),
        field=widget_key, node_name=node_name,
    ) and _form_unchanged(node, state.graph().get(node_id), param, kind, widget_key):
        page_scope.redraw_after_edit()  # the form is as the next run would draw it: rerun the rest only


def _form_unchanged(before: Node, after, param, kind: str, widget_key: str) -> bool:
    """Whether the field shows what the project now holds, in the same place with the same
    help, and the node has one output before and after: then the form need not be drawn
    again (a value set moves a field out of "More parameters"; "3,3" would be shown as
    "3, 3"; return_state=True adds two outputs to the output fields)."""
    if after is None or (param.name in before.config) != (param.name in after.config):
        return False
    current = after.config.get(param.name, param.default)
    if _effective_kind(param.kind, current) != kind:
        return False
    shown = st.session_state.get(widget_key)
    value = fields.widget_value(kind, current)
    if shown != (NONE if value is None and shown == NONE else value):
        return False
    # The output fields name each output's shape when there are several (return_state=True).
    before_shapes = shown_model.kept_shapes(before.id)
    after_shapes = shown_model.shapes(after.id)
    return len(before_shapes) <= 1 and len(after_shapes) <= 1
