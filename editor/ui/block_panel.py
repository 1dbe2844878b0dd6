"""Blocks on the page: which blocks the canvas shows expanded, a click on a collapsed block's
box, the block inspector (name, kind, shapes, parameters, arguments; Expand / Collapse,
Ungroup, Rename, "Apply to every block of this kind") and "Group nodes into a block".

Expanding and collapsing is a view, kept per project and graph in the session (not an edit:
nothing to undo). Grouping, ungrouping, renaming and "Apply to every block" are edits of
the project through state.edit_graph, like the inspector's: one undoable step each, checked
to save and reopen, a refusal one line under its field. The pure parts (editor.model.blocks,
editor.canvas.block_view) hold the rules; this module only wires widgets to them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

import streamlit as st

from editor.canvas import block_view, clicks, framing
from editor.canvas.looks import shape_text
from editor.model import blocks
from editor.model.graph import Block, Graph, Node, Ref
from editor.ui import config_widgets, fields, state, widgets
from editor.ui.fields import md

OPEN = "kgs.open_blocks"  # (project id, graph id) -> the block ids shown expanded
PICKED = "kgs.block"  # (project id, graph id, block id): the block the inspector shows
GROUP = "blocks.group"  # widget keys of "Group nodes into a block"
FIND = "blocks.find"
MEMO = "kgs.block_memo"  # (the graph, {what: value}): figures of the graph shown, made once per graph
LISTED = 12  # member names listed in a block's inspector before "…"


# ----------------------------------------------------------------------------- view state


def _memo(graph: Graph, what: tuple, make):
    """`make()` once per graph (graphs are immutable: an unchanged project keeps its object).
    DenseNet121's 58 blocks of one kind took 0.9 s to compare on every rerun."""
    found = st.session_state.get(MEMO)
    if found is None or found[0] is not graph:
        found = (graph, {})
        st.session_state[MEMO] = found
    if what not in found[1]:
        found[1][what] = make()
    return found[1][what]


def _where(graph: Graph) -> tuple[str, str]:
    return state.project_id(), graph.id


def open_blocks(graph: Graph) -> frozenset[str]:
    """The blocks shown expanded: the first time a graph is seen, all of a graph of at most
    100 nodes and none of a bigger one (block_view.default_open); then as the person left them.
    A block made later (a grouping) starts collapsed."""
    found = st.session_state.setdefault(OPEN, {})
    where = _where(graph)
    if where not in found and graph.blocks:  # decided when the graph first shows blocks
        found[where] = block_view.default_open(graph)
    return found.get(where, frozenset())


def set_open(graph: Graph, block_id: str, opened: bool) -> None:
    """Expand a block (and the blocks around it, so it shows) or collapse it."""
    current = set(open_blocks(graph))
    if opened:
        current |= set(blocks.chain(graph, block_id))
    else:
        current.discard(block_id)
    st.session_state[OPEN][_where(graph)] = frozenset(current)


@state.callback
def _set_all(opened: bool) -> None:
    graph = state.graph()
    st.session_state.setdefault(OPEN, {})[_where(graph)] = frozenset(b.id for b in graph.blocks) if opened else frozenset()


def selected_block(graph: Graph) -> Optional[Block]:
    """The block the inspector shows: picked on the canvas or in the block list, while no
    node is selected."""
    picked = st.session_state.get(PICKED)
    if state.selection() is not None or not picked or tuple(picked[:2]) != _where(graph):
        return None
    return next((b for b in graph.blocks if b.id == picked[2]), None)


def pick(block_id: Optional[str]) -> None:
    """Show block `block_id` in the inspector (None: no block); a selected node is let go."""
    graph = state.graph()
    st.session_state[PICKED] = (*_where(graph), block_id) if block_id else None
    if block_id:
        state.set_canvas_state(replace(state.canvas_state(), selection=None, mode="select"))


def clicked_block(current: clicks.CanvasState, event: Optional[str], graph: Graph) -> Optional[str]:
    """The block whose collapsed box a canvas report is a new click on (None: none). The
    component repeats its last report on every rerun: the same report is no new click."""
    if event is None or event == current.last_event:
        return None
    block_id = block_view.block_of(event)
    return block_id if block_id is not None and any(b.id == block_id for b in graph.blocks) else None


def take_click(current: clicks.CanvasState, after: clicks.CanvasState, event: Optional[str],
               graph: Graph) -> clicks.CanvasState:
    """After clicks.handle_event (which ignores ids that are not nodes): a click on a
    collapsed block's box selects the block."""
    block_id = clicked_block(current, event, graph)
    if block_id is None:
        return after
    st.session_state[PICKED] = (*_where(graph), block_id)
    return replace(after, selection=None, mode="select")


def canvas_selection(graph: Graph, current: clicks.CanvasState) -> Optional[str]:
    """What the canvas highlights: the selected node (or the collapsed box hiding it), else
    the selected block's box."""
    if current.selection is not None:
        node = graph.get(current.selection)
        top = blocks.top_item(graph, node, open_blocks(graph)) if node is not None else None
        return block_view.item_id(top) if top is not None else current.selection
    picked = selected_block(graph)
    return block_view.item_id(picked.id) if picked is not None else None


def view_centre(graph: Graph, selected: Optional[str], opened) -> Optional[str]:
    """What the legible view centres on: the selection, or an expanded block's first node
    (its box is gone), so that expanding a block brings its nodes into view."""
    block_id = block_view.block_of(selected) if selected else None
    if block_id is None or block_id not in opened:
        return selected
    inside = blocks.members(graph, block_id)
    if not inside:
        return selected
    top = blocks.top_item(graph, inside[0], opened)
    return block_view.item_id(top) if top is not None else inside[0].id


def item_name(graph: Graph, item: str) -> str:
    """The name of what a canvas id stands for: a node, or a collapsed block."""
    block_id = block_view.block_of(item)
    if block_id is not None:
        return next((b.name for b in graph.blocks if b.id == block_id), item)
    node = graph.get(item)
    return node.name if node is not None else item


def node_params(preview) -> Optional[dict[str, int]]:
    """Parameters per node from the preview's costs (None when the build gave none)."""
    costs = getattr(preview, "costs", None) or {}
    return {node_id: cost.params for node_id, cost in costs.items()} or None


def box_heat(graph: Graph, opened, figures: dict[str, int], which: str) -> dict[str, tuple[str, str]]:
    """The cost overlay as drawn: a collapsed block's figure is the sum over its nodes, and the
    colour scale runs up to the costliest item shown (canvas id -> (fill, figure))."""
    from editor.building import node_cost

    if not figures:
        return {}
    sums = block_view.box_sums(block_view.project(graph, opened), figures)
    top = max(sums.values(), default=0)
    return {item: (node_cost.heat(v, top), node_cost.human(v, which)) for item, v in sums.items()}


def heat(graph: Graph, preview) -> dict[str, tuple[str, str]]:
    """The cost overlay of the canvas (editor.ui.cost_view), added up per collapsed block."""
    from editor.ui import cost_view

    if not graph.blocks:
        return cost_view.heat(preview)
    return box_heat(graph, open_blocks(graph), cost_view.figures(preview), cost_view.mode())


def show_canvas_controls(graph: Graph) -> None:
    """Below the canvas when the graph has blocks: how many are expanded, expand or collapse all."""
    if not graph.blocks:
        return
    opened = [b for b in graph.blocks if b.id in open_blocks(graph)]
    cols = st.columns([3, 1, 1], vertical_alignment="center")
    names = ", ".join(b.name for b in opened[:6]) + (", …" if len(opened) > 6 else "")
    cols[0].caption(md(f"{len(graph.blocks)} blocks, {len(opened)} expanded" + (f": {names}" if opened else "")
                       + ". Click a block's box to inspect or expand it."))
    cols[1].button("Expand all", key="blocks.expand_all", on_click=_set_all, args=(True,),
                   disabled=len(opened) == len(graph.blocks), width="stretch")
    cols[2].button("Collapse all", key="blocks.collapse_all", on_click=_set_all, args=(False,),
                   disabled=not opened, width="stretch")


# ----------------------------------------------------------------------------- inspector


def _key(graph: Graph, block_id: str) -> str:
    return f"blk.{graph.id}.{block_id}"


def _shape(ref: Ref, shapes: dict) -> str:
    found = shapes.get(ref.node)
    if not found or ref.output >= len(found) or found[ref.output] is None:
        return "?"
    return shape_text([found[ref.output]])


def summary_line(graph: Graph, block: Block, shapes: dict, params: Optional[dict[str, int]]) -> str:
    """'kind · N nodes · (in) → (out) · P params', what a collapsed box shows, in one line."""
    inside = blocks.members(graph, block.id)
    edge = blocks.boundary(graph, block.id)
    parts = [block.kind or "block", f"{len(inside)} nodes"]
    if edge.inputs or edge.outputs:
        parts.append(f"{', '.join(_shape(r, shapes) for r in edge.inputs) or '–'} → "
                     f"{', '.join(_shape(r, shapes) for r in edge.outputs) or '–'}")
    if params is not None:
        parts.append(f"{sum(params.get(n.id, 0) for n in inside):,} params")
    return " · ".join(parts)


def show_block(graph: Graph, block: Block, preview) -> None:
    """The inspector of a block."""
    k = _key(graph, block.id)
    shapes = preview.shapes if preview is not None else {}
    st.markdown(f"#### {md(block.name)}")
    st.caption(md(f"Block · {summary_line(graph, block, shapes, node_params(preview))} · id {block.id}"))
    around = [blocks.block(graph, b).name for b in blocks.chain(graph, block.parent)]
    if around:
        st.caption(md("Inside " + " › ".join(reversed(around))))
    opened = block.id in open_blocks(graph)
    cols = st.columns(3)
    cols[0].button("Collapse" if opened else "Expand", key=f"{k}.toggle", width="stretch",
                   on_click=_toggle, args=(block.id, not opened),
                   help="Show the block as one box on the canvas" if opened else "Show the block's nodes on the canvas")
    cols[1].button("Ungroup", key=f"{k}.ungroup", on_click=_ungroup, args=(block.id, block.name), width="stretch",
                   help="Remove the block; its nodes stay where they are (the model does not change).")
    cols[2].button("Close", key=f"{k}.close", on_click=_close, width="stretch",
                   help="Back to the graph's overview")
    widgets.text(f"{k}.name", "Block name", block.name, _rename, (block.id, block.name))
    inside = blocks.members(graph, block.id)
    names = ", ".join(n.name for n in inside[:LISTED]) + (", …" if len(inside) > LISTED else "")
    st.caption(md(f"Nodes: {names}"))
    _kind_fields(graph, block, k)


def _kind_fields(graph: Graph, block: Block, k: str) -> None:
    kin = _memo(graph, ("kin", block.id), lambda: blocks.same_kind(graph, block.id))
    if len(kin) < 2:
        st.caption(md(f"The only block of kind '{block.kind or 'block'}' with this structure."))
        return
    names = {b.id: b.name for b in graph.blocks}
    st.markdown(f"**{len(kin)} blocks of kind {md(block.kind or 'block')}**")
    arguments = _memo(graph, ("arguments", block.id), lambda: blocks.arguments(graph, block.id))
    if arguments:
        st.markdown(_arguments_table(arguments, kin, names, block))
    else:
        st.caption("They differ in no config value.")
    _apply_fields(graph, block, k, len(kin))


def _arguments_table(arguments, kin, names: dict[str, str], block: Block) -> str:
    """The values that differ between the blocks of the kind: a row per block (this one in
    bold), a column per node field (a node named after the block: by the rest of its name)."""
    mine, prefix = block.id, block.name + "_"

    def column(a) -> str:
        node = a.node_name[len(prefix):] if a.node_name.startswith(prefix) and a.node_name != prefix else a.node_name
        return md(f"{node}.{a.key}")

    head = "| block | " + " | ".join(column(a) for a in arguments) + " |"
    rows = [head, "|" + " --- |" * (len(arguments) + 1)]
    for block_id in kin:
        name = md(names[block_id])
        cells = [md(fields.json_text(a.values[block_id]) or "None") for a in arguments]
        rows.append(f"| {'**' + name + '**' if block_id == mine else name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _apply_fields(graph: Graph, block: Block, k: str, count: int) -> None:
    from editor.building import catalog

    nodes, _ = blocks.structure(graph, block.id)
    layers = [n for n in nodes if n.kind == "layer" and not n.shares
              and catalog.canonical_name(n.class_name or "") in catalog.layers()]
    if not layers:
        return
    st.markdown(f"**Apply to every block of this kind** ({count})")
    node_key, field_key, value_key = f"{k}.apply.node", f"{k}.apply.field", f"{k}.apply.value"
    ids = [n.id for n in layers]
    cols = st.columns(2)
    chosen = st.session_state.get(node_key)
    cols[0].selectbox("Node", ids, key=node_key, format_func=lambda i: f"{graph.node(i).name} · {graph.node(i).class_name}",
                      **widgets.bind(node_key, chosen if chosen in ids else ids[0], ids))
    node = graph.node(st.session_state[node_key])
    params = [p.name for p in catalog.layers()[catalog.canonical_name(node.class_name)].params]
    wanted = st.session_state.get(field_key)
    cols[1].selectbox("Field", params, key=field_key,
                      **widgets.bind(field_key, wanted if wanted in params else params[0], params))
    current = node.config.get(st.session_state[field_key])
    st.text_input("Value", key=value_key, placeholder=f"now {fields.json_text(current) or 'the default'}",
                  help="A number, true / false, a word (relu), 3, 3 for a tuple, or JSON; empty: the default.")
    st.button(md(f"Apply to every block of this kind ({count})"), key=f"{k}.apply.go",
              on_click=_apply, args=(block.id, node_key, field_key, value_key))
    widgets.field_error(value_key)


@state.callback
def _close() -> None:
    pick(None)


@state.callback
def _toggle(block_id: str, opened: bool) -> None:
    set_open(state.graph(), block_id, opened)


@state.callback
def _ungroup(block_id: str, name: str) -> None:
    if state.edit_graph(f"ungroup {name}", lambda g: blocks.ungroup(g, block_id)):
        pick(None)


@state.callback
def _rename(block_id: str, old: str, key: str) -> None:
    new = st.session_state.get(key, "").strip()
    if new != old:
        state.edit_graph(f"rename block {old} to {new}", lambda g: blocks.rename_block(g, block_id, new), field=key)


def parse_value(param, raw: str) -> Any:
    """The config value a person typed for a catalog Param (FieldError naming the field)."""
    text = (raw or "").strip()
    if not text or text == "None":
        return None
    if param.kind == "tuple":
        return fields.parse_tuple(text, param.name)
    if param.kind == "bool":
        if text.lower() not in ("true", "false"):
            raise fields.FieldError(f"{param.name}: '{text}' is not true or false")
        return text.lower() == "true"
    if param.kind in ("int", "float"):
        number = fields.parse_float(text, param.name)
        return fields.parse_int(number, param.name) if param.kind == "int" else number
    if param.kind in ("str", "choice", "activation", "initializer", "regularizer", "constraint") \
            and not text.startswith(("{", "[")):
        return text
    return fields.parse_json(text, param.name)


def apply_value(graph: Graph, block_id: str, node_id: str, key: str, store: Any) -> Graph:
    """blocks.apply_to_kind, with None meaning Keras's default: the field is dropped."""
    after = blocks.apply_to_kind(graph, block_id, node_id, key, store)
    if store is not None:
        return after
    nodes = tuple(m.model_copy(update={"config": {c: v for c, v in m.config.items() if c != key}})
                  if key in m.config and m.config[key] is None and n.config != m.config else m
                  for n, m in zip(graph.nodes, after.nodes))
    return after.model_copy(update={"nodes": nodes})


@state.callback
def _apply(block_id: str, node_key: str, field_key: str, value_key: str) -> None:
    from editor.building import catalog

    graph = state.graph()
    node = graph.get(st.session_state.get(node_key) or "")
    if node is None:
        return
    name = st.session_state.get(field_key)
    param = next((p for p in catalog.layers()[catalog.canonical_name(node.class_name)].params if p.name == name), None)
    if param is None:
        return
    try:
        value = parse_value(param, st.session_state.get(value_key, ""))
    except fields.FieldError as err:
        state.fail(f"node '{node.name}': {err}", value_key)
        return
    ok, store = config_widgets.checked_store(node, param, value, value_key)
    if not ok:
        return
    kind = blocks.block(graph, block_id).kind or "block"
    count = len(blocks.same_kind(graph, block_id))
    state.edit_graph(f"set {name} in every {kind} block ({count})",
                     lambda g: apply_value(g, block_id, node.id, name, store), field=value_key, node_name=node.name)


# ----------------------------------------------------------------------------- nodes, grouping


def show_node_block(graph: Graph, node: Node, k: str) -> None:
    """In a node's inspector: the blocks around it, and collapsing the innermost open one."""
    st.session_state[PICKED] = None  # a selected node wins over a picked block
    if node.block is None:
        return
    around = [blocks.block(graph, b) for b in blocks.chain(graph, node.block)]
    st.caption(md("In block " + " › ".join(b.name for b in reversed(around))))
    opened = open_blocks(graph)
    hidden = blocks.top_item(graph, node, opened)
    innermost = next((b for b in around if b.id in opened), None)
    if hidden is not None:  # selected in the list while its block is one box: show it
        st.button(md(f"Expand block {blocks.block(graph, hidden).name} to show it"), key=f"{k}.expand_block",
                  on_click=_toggle, args=(node.block, True))
    elif innermost is not None:
        st.button(md(f"Collapse block {innermost.name}"), key=f"{k}.collapse_block",
                  on_click=_collapse_around, args=(innermost.id,))


@state.callback
def _collapse_around(block_id: str) -> None:
    set_open(state.graph(), block_id, False)
    pick(block_id)


def show_overview(graph: Graph) -> None:
    """With nothing selected: a list of the graph's blocks to inspect, and grouping."""
    if graph.blocks:
        ids = ["", *(b.id for b in graph.blocks)]
        labels = _memo(graph, ("labels",), lambda: {
            b.id: f"{b.name} · {b.kind or 'block'} · {len(blocks.members(graph, b.id))} nodes" for b in graph.blocks})
        st.selectbox("Blocks", ids, key=FIND, format_func=lambda i: "— choose a block —" if not i else labels[i],
                     **widgets.bind(FIND, "", ids, on_change=_find),
                     help="Inspect a block: its arguments, expand or collapse it, ungroup or rename it.")
    show_group(graph)


@state.callback
def _find() -> None:
    pick(st.session_state.get(FIND) or None)


def show_group(graph: Graph) -> None:
    """"Group nodes into a block": pick nodes, name the block."""
    with st.expander("Group nodes into a block"):
        choices = dict(framing.node_choices(graph))
        st.multiselect("Nodes", list(choices), key=f"{GROUP}.nodes", format_func=lambda i: choices.get(i, i),
                       help="Two or more nodes; a block inside the chosen ones moves in whole.")
        st.text_input("Block name", key=f"{GROUP}.name", placeholder="e.g. encoder_block")
        st.button("Group into a block", key=f"{GROUP}.go", on_click=_group)
        widgets.field_error(f"{GROUP}.name")


@state.callback
def _group() -> None:
    ids = [i for i in st.session_state.get(f"{GROUP}.nodes") or ()]
    name = (st.session_state.get(f"{GROUP}.name") or "").strip()
    found: dict[str, str] = {}

    def change(g: Graph) -> Graph:
        after, found["id"] = blocks.group(g, ids, name)
        return after

    if state.edit_graph(f"group {len(ids)} nodes into {name}", change, field=f"{GROUP}.name"):
        st.session_state[f"{GROUP}.nodes"] = []
        st.session_state[f"{GROUP}.name"] = ""
        set_open(state.graph(), found["id"], False)  # a new block shows as one box
        pick(found["id"])
