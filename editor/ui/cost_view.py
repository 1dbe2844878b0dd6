"""The cost overlay: colour the canvas by parameters, FLOPs per sample or
activation memory at the Train tab's batch size, with a legend, the figure in each
node's tooltip and in the inspector, and the ten costliest nodes (a click selects one).

The figures are the preview's (editor.building.node_cost from the build the summary already
made), so choosing a mode costs no build.
"""

from __future__ import annotations

from typing import Optional

import streamlit as st

from editor.building import node_cost
from editor.model.run_settings import default
from editor.ui import state, widgets
from editor.ui.fields import md
from editor.ui.preview_cache import Preview

MODE_KEY = "cost.mode"
MODES = {"none": "kind (no cost)", "params": "parameters", "flops": "FLOPs per sample",
         "activations": "activation memory"}


def batch_size() -> int:
    value = st.session_state.get("train.batch_size")
    return int(value) if isinstance(value, (int, float)) and value >= 1 else int(default("batch_size"))


def mode() -> str:
    chosen = st.session_state.get(MODE_KEY, "none")
    return chosen if chosen in MODES else "none"


def figures(preview: Optional[Preview], which: Optional[str] = None) -> dict[str, int]:
    """Node id -> the chosen figure (activation memory at the Train tab's batch size)."""
    which = which or mode()
    if preview is None or which == "none":
        return {}
    scale = batch_size() if which == "activations" else 1
    return {node_id: node_cost.figure(cost, which) * scale for node_id, cost in preview.costs.items()}


def heat(preview: Optional[Preview]) -> dict[str, tuple[str, str]]:
    """What drawing.canvas_nodes colours: node id -> (fill, figure)."""
    values = figures(preview)
    top = max(values.values(), default=0)
    return {node_id: (node_cost.heat(v, top), node_cost.human(v, mode())) for node_id, v in values.items()}


def show_mode(key: str = MODE_KEY) -> None:
    options = list(MODES)
    st.selectbox("Colour by", options, key=key, format_func=MODES.get, **widgets.bind(key, mode(), options),
                 help="Colour the nodes by what they cost; the figure is in each node's tooltip and in the inspector.")


def show_legend_and_table(preview: Optional[Preview]) -> None:
    """The heat scale's legend and the ten costliest nodes of the chosen figure."""
    which = mode()
    if which == "none":
        return
    if preview is None or not preview.costs:
        st.caption("Costs appear when the model builds.")
        return
    values = figures(preview)
    top = max(values.values(), default=0)
    low, high = node_cost.heat(0, 1), node_cost.heat(1, 1)
    batch = f" at batch {batch_size()}" if which == "activations" else ""
    st.markdown(f"<span style='background:linear-gradient(90deg,{low},{high});padding:0 40px;border-radius:3px'>"
                f"</span> <span style='font-size:0.85em'>0 → {node_cost.human(top, which)}{batch} "
                "(square-root scale)</span>", unsafe_allow_html=True)  # our own figures only, no user text
    graph = state.graph()
    ranked = sorted(((v, node_id) for node_id, v in values.items() if graph.get(node_id)), reverse=True)[:10]
    st.caption(f"The {len(ranked)} costliest nodes by {MODES[which]} (click one to select it):")
    cols = st.columns(2)
    for i, (value, node_id) in enumerate(ranked):
        cols[i % 2].button(md(f"{i + 1}. {graph.node(node_id).name} · {node_cost.human(value, which)}"),
                           key=f"cost.top.{i}", on_click=_select, args=(node_id,), width="stretch",
                           type="primary" if node_id == state.selection() else "secondary")


@state.callback
def _select(node_id: str) -> None:
    state.select(node_id)


def node_line(preview: Optional[Preview], node_id: str) -> Optional[str]:
    """The inspector's line: every figure of the node."""
    cost = preview.costs.get(node_id) if preview is not None else None
    if cost is None:
        return None
    return md(f"{node_cost.human(cost.params, 'params')} · {node_cost.human(cost.flops, 'flops')} per sample · "
              f"{node_cost.human(cost.activation_bytes * batch_size(), 'activations')} of activations "
              f"at batch {batch_size()}")


def totals_line(preview: Optional[Preview]) -> Optional[str]:
    """The summary tab's totals of what the model costs."""
    if preview is None or not preview.costs:
        return None
    flops = sum(c.flops for c in preview.costs.values())
    memory = sum(c.activation_bytes for c in preview.costs.values()) * batch_size()
    return (f"{node_cost.human(flops, 'flops')} per sample (forward) · "
            f"{node_cost.human(memory, 'activations')} of activations at batch {batch_size()}")
