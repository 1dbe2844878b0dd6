"""Blocks on the page (editor.ui.block_panel): grouping and ungrouping as undoable edits,
a big graph opening collapsed, the block inspector, "Apply to every block of this kind"."""

from editor.canvas import clicks
from editor.model.block_finding import found_blocks
from editor.ui import block_panel
from tests.test_blocks import residual_chain
from tests.ui.helpers import MLP_TOTAL, errors, graph, open_app, run, shown, summary

OPEN = block_panel.OPEN


def with_graph(at, new_graph, label="open test graph"):
    """Make `new_graph` the project's main graph, as an edit (the tab's project id stays)."""
    history = at.session_state["kgs.history"]
    main = new_graph.model_copy(update={"id": history.value.main.id})
    at.session_state["kgs.history"] = history.push(history.value.replace_graph(main), label)
    return run(at)


def opened(at) -> frozenset:
    found = at.session_state[OPEN] if OPEN in at.session_state else {}
    return next(iter(found.values()), frozenset())


def group(at, ids, name):
    at.multiselect(key="blocks.group.nodes").set_value(ids)
    at.text_input(key="blocks.group.name").set_value(name)
    at.button(key="blocks.group.go").click()
    return run(at)


def headings(at) -> list[str]:
    return [shown(m.value) for m in at.markdown if m.value.startswith("#### ")]


def test_group_three_nodes_into_a_collapsed_block_then_ungroup_and_undo():
    at = group(open_app("mlp"), ["n2", "n3", "n4"], "hidden_stack")
    g = graph(at)
    assert [(b.id, b.name) for b in g.blocks] == [("b1", "hidden_stack")]
    assert [n.id for n in g.nodes if n.block == "b1"] == ["n2", "n3", "n4"]
    assert opened(at) == frozenset()  # a new block shows as one box
    assert "#### hidden_stack" in headings(at)  # its inspector
    assert MLP_TOTAL in summary(at)  # the model is the same
    assert at.session_state["kgs.history"].undo_label == "group 3 nodes into hidden_stack"
    at.button(key="blk.main.b1.ungroup").click()
    run(at)
    assert graph(at).blocks == () and all(n.block is None for n in graph(at).nodes)
    at.button(key="toolbar.undo").click()
    run(at)
    assert [b.name for b in graph(at).blocks] == ["hidden_stack"]


def test_a_refused_grouping_is_one_line_and_changes_nothing():
    at = open_app("mlp")
    before = graph(at)
    group(at, ["n2"], "alone")
    assert errors(at) == ["group: choose at least two nodes"]
    assert graph(at) == before
    group(at, ["n2", "n3"], "bad name!")
    messages = errors(at)
    assert len(messages) == 1 and messages[0].startswith("block name 'bad name!'") and "\n" not in messages[0]
    assert graph(at) == before and not at.session_state["kgs.history"].can_undo


def test_a_big_graph_opens_collapsed_and_a_small_one_expanded():
    big = found_blocks(residual_chain([8] * 40))  # 123 nodes, 40 blocks
    at = with_graph(open_app("mlp"), big)
    assert len(big.nodes) > 100 and opened(at) == frozenset()
    at.button(key="blocks.expand_all").click()
    run(at)
    assert opened(at) == {b.id for b in big.blocks}
    at.button(key="blocks.collapse_all").click()
    run(at)
    assert opened(at) == frozenset()

    small = found_blocks(residual_chain([16, 32, 16]))
    at = with_graph(open_app("mlp"), small)
    assert opened(at) == {"b1", "b2", "b3"}


def pick_block(at, block_id):
    at.selectbox(key="blocks.find").select(block_id)
    return run(at)


def test_the_block_inspector_shows_the_block_expands_renames_and_its_arguments():
    at = pick_block(with_graph(open_app("mlp"), found_blocks(residual_chain([8] * 40))), "b2")
    assert "#### sum1" in headings(at)
    captions = [shown(c.value) for c in at.caption]
    assert any(c.startswith("Block · add_block · 3 nodes · (None, 8) → (None, 8) · ") and c.endswith(" · id b2")
               for c in captions), captions
    assert "Nodes: hidden1, project1, sum1" in captions
    assert "**40 blocks of kind add_block**" in [shown(m.value) for m in at.markdown]
    at.button(key="blk.main.b2.toggle").click()  # Expand
    run(at)
    assert opened(at) == {"b2"}
    at.button(key="blk.main.b2.toggle").click()  # Collapse
    run(at)
    assert opened(at) == frozenset()
    at.text_input(key="blk.main.b2.name").set_value("second")
    run(at)
    assert [b.name for b in graph(at).blocks][:2] == ["sum0", "second"]
    at.text_input(key="blk.main.b2.name").set_value("sum0")
    run(at)
    assert errors(at) == ["there is already a block named 'sum0'"]


def test_the_arguments_table_lists_the_values_that_differ():
    at = pick_block(with_graph(open_app("mlp"), found_blocks(residual_chain([16, 32, 16]))), "b1")
    table = next(m.value for m in at.markdown if m.value.startswith("| block |"))
    assert table.splitlines()[0] == "| block | hidden0.units |"
    assert table.splitlines()[2:] == ["| **sum0** | 16 |", "| sum1 | 32 |", "| sum2 | 16 |"]


def test_apply_to_every_block_of_the_kind_is_one_undoable_edit():
    at = pick_block(with_graph(open_app("mlp"), found_blocks(residual_chain([16, 32, 16]))), "b2")
    total = summary(at)
    assert "Total params: 1,193 " in total  # stem 72, blocks 280 + 552 + 280, out 9
    at.selectbox(key="blk.main.b2.apply.node").select("h1")
    run(at)
    at.selectbox(key="blk.main.b2.apply.field").select("use_bias")
    run(at)
    at.text_input(key="blk.main.b2.apply.value").set_value("false")
    at.button(key="blk.main.b2.apply.go").click()
    run(at)
    assert [graph(at).node(f"h{i}").config.get("use_bias") for i in range(3)] == [False, False, False]
    assert "Total params: 1,129 " in summary(at)  # 16 + 32 + 16 biases fewer
    assert at.session_state["kgs.history"].undo_label == "set use_bias in every add_block block (3)"
    at.text_input(key="blk.main.b2.apply.value").set_value("true")  # the default: dropped again
    at.button(key="blk.main.b2.apply.go").click()
    run(at)
    assert all("use_bias" not in graph(at).node(f"h{i}").config for i in range(3))
    at.button(key="toolbar.undo").click()
    run(at)
    at.button(key="toolbar.undo").click()
    run(at)
    assert "Total params: 1,193 " in summary(at)
    at.text_input(key="blk.main.b2.apply.value").set_value("0")
    at.selectbox(key="blk.main.b2.apply.field").select("units")
    at.button(key="blk.main.b2.apply.go").click()
    run(at)
    messages = errors(at)
    assert len(messages) == 1 and messages[0].startswith("node 'hidden1': units: ") and "\n" not in messages[0]


def test_a_click_on_a_box_is_a_block_click_once():
    g = found_blocks(residual_chain([16, 32, 16]))
    fresh = clicks.CanvasState()
    assert block_panel.clicked_block(fresh, "block:b2", g) == "b2"
    assert block_panel.clicked_block(clicks.CanvasState(last_event="block:b2"), "block:b2", g) is None  # repeated
    assert block_panel.clicked_block(fresh, "h0", g) is None and block_panel.clicked_block(fresh, "block:b9", g) is None


def test_values_typed_for_a_field_and_the_default_dropped():
    from editor.building import catalog

    params = {p.name: p for p in catalog.layers()["Dense"].params}
    assert block_panel.parse_value(params["units"], " 12 ") == 12
    assert block_panel.parse_value(params["use_bias"], "False") is False
    assert block_panel.parse_value(params["activation"], "relu") == "relu"
    assert block_panel.parse_value(params["units"], "") is None
    dropout = {p.name: p for p in catalog.layers()["Dropout"].params}
    assert block_panel.parse_value(dropout["rate"], "0.25") == 0.25
    g = found_blocks(residual_chain([16, 32, 16]))
    g = block_panel.apply_value(g, "b1", "h0", "use_bias", False)
    assert [g.node(f"h{i}").config.get("use_bias") for i in range(3)] == [False] * 3
    g = block_panel.apply_value(g, "b1", "h0", "use_bias", None)
    assert all("use_bias" not in g.node(f"h{i}").config for i in range(3))


def test_the_cost_overlay_adds_up_per_collapsed_block():
    from editor.building import node_cost

    g = found_blocks(residual_chain([16, 32, 16]))
    params = {"stem": 72, "h0": 144, "p0": 136, "s0": 0, "h1": 288, "p1": 264, "s1": 0,
              "h2": 144, "p2": 136, "s2": 0, "out": 9}
    drawn = block_panel.box_heat(g, {"b3"}, params, "params")
    assert {k: v[1] for k, v in drawn.items()} == {
        "x": "0 params", "stem": "72 params", "block:b1": "280 params", "block:b2": "552 params",
        "h2": "144 params", "p2": "136 params", "s2": "0 params", "out": "9 params"}
    assert drawn["block:b2"][0] == node_cost.heat(552, 552) and drawn["stem"][0] == node_cost.heat(72, 552)
    assert block_panel.box_heat(g, set(), {}, "params") == {}


def test_a_node_inside_a_block_expands_it_to_show_and_collapses_it_again():
    from tests.ui.helpers import select

    at = select(with_graph(open_app("mlp"), found_blocks(residual_chain([8] * 40))), "p1")
    assert "In block sum1" in [shown(c.value) for c in at.caption]
    assert opened(at) == frozenset()
    at.button(key="insp.main.p1.expand_block").click()  # its block was one box
    run(at)
    assert opened(at) == {"b2"}
    at.button(key="insp.main.p1.collapse_block").click()
    run(at)
    assert opened(at) == frozenset() and "#### sum1" in headings(at)  # the block is selected now


def test_the_view_centres_on_an_expanded_blocks_first_node():
    g = found_blocks(residual_chain([16, 32, 16]))
    assert block_panel.view_centre(g, "block:b2", set()) == "block:b2"  # collapsed: its box
    assert block_panel.view_centre(g, "block:b2", {"b2"}) == "h1"  # expanded: its first node
    assert block_panel.view_centre(g, "p0", {"b2"}) == "p0" and block_panel.view_centre(g, None, set()) is None
