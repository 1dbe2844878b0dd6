"""editor.canvas: graph -> canvas data, and canvas clicks -> selection / edits (pure)."""

from dataclasses import replace

import pytest

from editor.canvas import clicks, drawing, framing, looks, placement
from editor.canvas.clicks import CanvasEdit, CanvasState, apply_edit, fresh, handle_event, renew_frame
from editor.model.edits import EditError
from editor.model.graph import Graph, Node, Ref
from editor.model.problems import Problem
from editor.templates import load_template
from editor.model.validate import check_project


def mlp():
    return load_template("mlp").main


# ----------------------------------------------------------------------------- labels and colours


def test_labels_name_class_and_shape():
    g = mlp()
    shapes = {"n1": [(None, 784)], "n2": [(None, 512)]}
    nodes = {n["id"]: n for n in drawing.canvas_nodes(g, shapes=shapes)}
    assert nodes["n1"]["label"] == "input\nInputLayer\n(None, 784)"
    assert nodes["n2"]["label"] == "hidden1\nDense\n(None, 512)"
    assert nodes["n3"]["label"] == "hidden2\nDense"  # shape unknown until a build
    assert looks.shape_text([(None, 28, 28, 1)]) == "(None, 28, 28, 1)"
    assert looks.shape_text([(None,)]) == "(None,)"
    assert looks.shape_text([(None, 2), (None, 3)]) == "(None, 2), (None, 3)"


def test_input_shape_is_known_without_a_build():
    node = Node(id="i", kind="input", name="img", shape=(28, 28, 1))
    assert looks.node_label(node) == "img\nInputLayer\n(None, 28, 28, 1)"


def test_colours_by_kind():
    project = load_template("custom_loss_layers")
    g = project.main
    roles = {n.id: looks.role(g, n) for n in g.nodes}
    assert "loss" in roles.values() and "input" in roles.values() and "output" in roles.values()
    nodes = {n["id"]: n for n in drawing.canvas_nodes(g)}
    for node_id, role in roles.items():
        assert nodes[node_id]["color"]["background"] == looks.KIND_COLOURS[role][0]
    unet = load_template("unet").main
    assert looks.role(unet, unet.node("n20")) == "merge"
    auto = load_template("autoencoder").main
    assert looks.role(auto, auto.node("n2")) == "model"
    assert looks.class_text(auto.node("n2"), {"encoder": "encoder"}) == "Model encoder"
    assert len(set(c for c, _ in looks.KIND_COLOURS.values())) == len(looks.KIND_COLOURS)


def test_invalid_nodes_are_red_with_the_message_as_tooltip():
    g = mlp()
    problems = [Problem("node 'hidden2': <b>bad</b> & worse", node="n3", graph="main")]
    nodes = {n["id"]: n for n in drawing.canvas_nodes(g, problems)}
    assert nodes["n3"]["color"]["background"] == looks.ERROR_COLOURS[0]
    assert nodes["n3"]["color"]["border"] == looks.ERROR_COLOURS[1]
    title = nodes["n3"]["title"]
    assert title.startswith("✖ node 'hidden2'")  # never readable as a javascript: link
    # Shown as text by vis-network, parsed as HTML by the component: no tag can open.
    assert "<\u200bb>bad<\u200b/b> & worse" in title and "<b>" not in title
    hostile = Problem("javascript:alert(1)", node="n2", graph="main", severity="warning")
    assert drawing.canvas_nodes(g, [hostile])[1]["title"] == "⚠ javascript:alert(1)"
    assert "title" not in nodes["n2"]


def test_warnings_and_other_graphs():
    g = mlp()
    problems = [
        Problem("input 'input' does not feed any output", node="n1", graph="main", severity="warning"),
        Problem("elsewhere", node="n2", graph="other"),
    ]
    nodes = {n["id"]: n for n in drawing.canvas_nodes(g, problems)}
    assert nodes["n1"]["color"]["border"] == looks.WARNING_BORDER
    assert nodes["n1"]["color"]["background"] == looks.KIND_COLOURS["input"][0]
    assert nodes["n2"]["color"]["background"] == looks.KIND_COLOURS["layer"][0]


def test_real_problems_from_validation():
    project = load_template("mlp")
    from editor.model import edits

    broken = project.replace_graph(edits.set_inputs(project.main, "n3", ()))
    nodes = {n["id"]: n for n in drawing.canvas_nodes(broken.main, check_project(broken))}
    assert nodes["n3"]["color"]["background"] == looks.ERROR_COLOURS[0]
    assert "has no inputs" in nodes["n3"]["title"]


def test_selected_node_is_outlined():
    nodes = {n["id"]: n for n in drawing.canvas_nodes(mlp(), selected="n2")}
    assert nodes["n2"]["borderWidth"] == 3 and nodes["n2"]["color"]["border"] == looks.SELECTED_BORDER
    assert nodes["n3"]["borderWidth"] == 1


def test_diff_marks_and_ghosts():
    nodes = {n["id"]: n for n in drawing.canvas_nodes(mlp(), marks={"n2": "added", "n3": "changed"}, selected="n4")}
    assert nodes["n2"]["color"]["border"] == looks.DIFF_BORDERS["added"] == "#1E8449"
    assert nodes["n3"]["color"]["border"] == looks.DIFF_BORDERS["changed"]
    assert "◆ changed since the version compared with" in nodes["n3"]["title"]
    assert nodes["n1"]["borderWidth"] == 1 and nodes["n2"]["borderWidth"] == 3
    ghosts = drawing.ghost_nodes(mlp(), ["n5", "no-such-node"])
    assert [g["id"] for g in ghosts] == ["ghost:n5"]
    assert ghosts[0]["label"] == "output\n(removed)"
    at = drawing.canvas_nodes(mlp())[4]
    assert (ghosts[0]["x"], ghosts[0]["y"]) == (at["x"], at["y"])  # where it was
    state, edit = handle_event(CanvasState(selection="n2"), "ghost:n5", mlp())
    assert state.selection == "n2" and edit is None  # a click on a ghost selects and edits nothing


def test_edges_numbered_for_merges_and_dashed_for_shares():
    unet = load_template("unet").main
    edges = [e for e in drawing.canvas_edges(unet) if e["to"] == "n20"]
    assert [(e["from"], e["label"]) for e in edges] == [("n13", "1"), ("n19", "2")]
    assert len({e["id"] for e in drawing.canvas_edges(unet)}) == len(drawing.canvas_edges(unet))
    shared = load_template("shared_embedding").main
    share_edges = [e for e in drawing.canvas_edges(shared) if e.get("dashes")]
    assert share_edges and all(e["label"] == "shares" and e["arrows"] == "" for e in share_edges)
    g = Graph(id="g", name="g", nodes=(
        Node(id="a", kind="input", name="a", shape=(3,)),
        Node(id="b", kind="layer", name="b", class_name="Dense", config={"units": 2}, inputs=(Ref(node="a"),)),
        Node(id="c", kind="layer", name="c", class_name="Dense", config={"units": 2}, inputs=(Ref(node="a"),), shares="b"),
    ))
    dashed = [e for e in drawing.canvas_edges(g) if e.get("dashes")]
    assert [(e["from"], e["to"]) for e in dashed] == [("b", "c")]


# ----------------------------------------------------------------------------- layout


def test_stored_positions_are_used_and_scaled():
    nodes = {n["id"]: n for n in drawing.canvas_nodes(mlp())}
    assert (nodes["n3"]["x"], nodes["n3"]["y"]) == (0, 200 * placement.Y_SCALE)


def test_layered_layout_without_positions_is_stable_and_free_of_overlaps():
    g = load_template("unet").main
    bare = g.model_copy(update={"nodes": tuple(n.model_copy(update={"position": None}) for n in g.nodes)})
    first, second = placement.layout(bare), placement.layout(bare)
    assert first == second
    assert len(set(first.values())) == len(bare.nodes)
    for node in bare.nodes:  # every node below its producers
        for ref in node.inputs:
            assert first[node.id][1] > first[ref.node][1]


def test_new_node_goes_below_its_producer_in_a_free_spot():
    from editor.model import edits

    g, new = edits.add_layer(mlp(), "Dropout", {"rate": 0.5}, after="n2")
    x, y = placement.new_position(g, new)
    assert y == 200 and x != 0  # hidden2 sits at (0, 200)
    g = edits.set_config(g, new, position=(x, y))
    assert placement.layout(g)[new] == (x, y)


def test_layout_of_a_big_graph_is_quick():
    """Linear in the nodes, counted, not timed (issue 22): about 80 calls a node, and twice
    the nodes take about twice the calls (a quadratic layout would take four times)."""
    from support.randomgraphs import random_project
    from tests.work import measure

    made = {}
    for size in (500, 1000):
        big = random_project(seed=3, size=size).main
        bare = big.model_copy(update={"nodes": tuple(n.model_copy(update={"position": None}) for n in big.nodes)})
        drawing.canvas_data(bare)  # what it loads on first use, loaded before counting
        done = measure(lambda: drawing.canvas_data(bare))
        assert len(done.result.nodes) == len(bare.nodes) == size
        made[size] = done.calls
    assert made[500] <= 150 * 500 and made[1000] <= 2.5 * made[500], made


def test_vis_options_fix_the_layout():
    options = framing.vis_options()
    assert options["physics"]["enabled"] is False
    assert options["layout"]["hierarchical"]["enabled"] is False


def test_node_choices_in_topological_order():
    assert [i for i, _ in framing.node_choices(mlp())] == ["n1", "n2", "n3", "n4", "n5"]
    assert dict(framing.node_choices(mlp()))["n2"] == "hidden1 · Dense"


# ----------------------------------------------------------------------------- clicks


def test_click_selects():
    state, edit = handle_event(CanvasState(), "n3", mlp())
    assert state.selection == "n3" and state.last_event == "n3" and edit is None


def test_the_same_report_on_a_later_rerun_is_not_a_new_click():
    state = CanvasState(selection="n2", last_event="n3")  # n3 clicked, then n2 picked in the list
    same, edit = handle_event(state, "n3", mlp())
    assert same.selection == "n2" and edit is None


def test_nothing_reported_resets_the_memory():
    state, _ = handle_event(CanvasState(selection="n2", last_event="n3"), None, mlp())
    assert state.selection == "n2" and state.last_event is None
    state, _ = handle_event(state, "n3", mlp())
    assert state.selection == "n3"


def test_click_on_a_vanished_node_does_nothing():
    state, edit = handle_event(CanvasState(selection="n2"), "n99", mlp())
    assert state.selection == "n2" and edit is None and state.last_event == "n99"


def test_connect_mode_wires_selected_into_clicked():
    g = mlp()
    state, edit = handle_event(CanvasState(selection="n1", mode="connect"), "n5", g)
    assert edit == CanvasEdit("connect", "n1", "n5")
    assert state.mode == "select" and state.selection == "n1"
    # output is a Dense: it takes one tensor, so the new wire replaces its input
    assert apply_edit(g, edit).node("n5").inputs == (Ref(node="n1"),)
    assert clicks.describe_edit(g, edit) == "wire input into output"


def test_feed_mode_wires_clicked_into_selected():
    state, edit = handle_event(CanvasState(selection="n5", mode="feed"), "n2", mlp())
    assert edit == CanvasEdit("connect", "n2", "n5")


def test_share_mode():
    g = mlp()
    state, edit = handle_event(CanvasState(selection="n4", mode="share"), "n3", g)
    assert edit == CanvasEdit("share", "n3", "n4")
    assert apply_edit(g, edit).node("n4").shares == "n3"
    assert clicks.describe_edit(g, edit) == "hidden3 shares hidden2's layer"


def test_clicking_the_selected_node_cancels_a_mode():
    state, edit = handle_event(CanvasState(selection="n2", mode="connect"), "n2", mlp())
    assert state.mode == "select" and edit is None


def test_a_mode_without_selection_just_selects():
    state, edit = handle_event(CanvasState(mode="connect"), "n2", mlp())
    assert state == CanvasState(selection="n2", mode="select", last_event="n2") and edit is None


def test_the_same_report_again_is_not_a_new_click():
    state, _ = handle_event(CanvasState(), "n3", mlp())
    again, edit = handle_event(replace(state, mode="connect"), "n3", mlp())  # reported again by the next run
    assert again == replace(state, mode="connect") and edit is None


def test_a_click_that_selects_keeps_the_frame_and_its_highlight_moving_elsewhere_renews_it():
    """vis-network does not report a click on the node its frame has selected: the frame is
    renewed when that node is not the one highlighted, or when a click on it would cancel a mode."""
    clicked, _ = handle_event(CanvasState(frame=4), "n3", mlp())
    assert renew_frame(clicked, "n3") == clicked  # the highlight is drawn in the same frame
    picked = replace(clicked, selection="n2")  # the node finder chose another node
    assert renew_frame(picked, "n2") == replace(picked, frame=5, last_event=None)
    wiring = replace(clicked, mode="connect")  # clicking n3 again must cancel the mode
    assert renew_frame(wiring, "n3") == replace(wiring, frame=5, last_event=None)
    fresh_frame = CanvasState(selection="n2", frame=5)  # a new frame has nothing selected
    assert renew_frame(fresh_frame, "n2") == fresh_frame and renew_frame(replace(fresh_frame, mode="feed"), "n2") == replace(fresh_frame, mode="feed")
    assert fresh(clicked) == CanvasState(frame=5)


def test_unknown_mode_falls_back_to_select():
    state, edit = handle_event(CanvasState(selection="n1", mode="??"), "n2", mlp())
    assert state.selection == "n2" and edit is None


def test_refused_edits_raise_edit_error():
    g = mlp()
    with pytest.raises(EditError):
        apply_edit(g, CanvasEdit("share", "n1", "n2"))  # an input has no layer to share
    with pytest.raises(EditError):
        apply_edit(g, CanvasEdit("connect", "n2", "n1"))  # inputs take no tensors
    with pytest.raises(EditError):
        apply_edit(g, CanvasEdit("explode", "n1", "n2"))


def test_wiring_into_a_loss_node_names_the_new_input():
    from editor.model import edits

    g = edits.add_node(mlp(), Node(id="L", kind="loss", name="loss", inputs=(Ref(node="n5"),),
                                   input_names=("x",), expression="mean(x)"))
    g = apply_edit(g, CanvasEdit("connect", "n4", "L"))
    assert g.node("L").input_names == ("x", "hidden3")
    assert edits.expression_name("1st layer", ["_1st_layer"]) == "_1st_layer_1"  # editor.model.names.unique
    assert edits.expression_name("lambda") == "lambda_1"  # never a keyword: expressions could not use it


def unet_data():
    return drawing.canvas_data(load_template("unet").main)


def wires_inside(view):
    ids = {n["id"] for n in view.data.nodes}
    return all(e["from"] in ids and e["to"] in ids for e in view.data.edges)


def test_a_small_graph_is_shown_whole_at_zoom_one():
    data = drawing.canvas_data(mlp())
    view = framing.choose_view(data, "auto")
    assert view.data == data and view.left_out == 0
    assert framing.fit_scale(data.nodes, framing.CANVAS_WIDTH, view.height) == 1.0


def test_the_unet_whole_would_be_unreadable_so_auto_shows_a_legible_window():
    data = unet_data()
    assert framing.fit_scale(data.nodes, framing.CANVAS_WIDTH, framing.LARGEST) < framing.LEGIBLE_SCALE
    view = framing.choose_view(data, "auto")  # nothing selected: the window at the top
    ids = [n["id"] for n in view.data.nodes]
    assert ids[:3] == ["n1", "n2", "n3"] and view.left_out == 39 - len(ids) and len(ids) >= 9
    assert framing.fit_scale(view.data.nodes, framing.CANVAS_WIDTH, view.height) >= framing.LEGIBLE_SCALE
    assert wires_inside(view)


@pytest.mark.parametrize("selected", ["n1", "n20", "n39"])
def test_the_window_holds_the_selected_node_and_stays_full_at_the_graph_edges(selected):
    data = unet_data()
    for mode, scale in (("auto", framing.LEGIBLE_SCALE), ("selected", 1.0)):
        view = framing.choose_view(data, mode, selected)
        ids = [n["id"] for n in view.data.nodes]
        assert selected in ids and len(ids) >= 6, (mode, ids)
        assert framing.fit_scale(view.data.nodes, framing.CANVAS_WIDTH, view.height) >= scale
        assert wires_inside(view) and view.height == framing.LARGEST


def test_fit_and_fixed_heights_show_the_whole_graph():
    data = unet_data()
    fit = framing.choose_view(data, "fit", "n20")
    assert fit.data == data and fit.left_out == 0 and fit.height == framing.LARGEST
    tall = framing.choose_view(data, 2000, "n20")
    assert tall.data == data and tall.height == 2000
    assert framing.choose_view(drawing.CanvasData([], []), "selected").height == framing.SMALLEST


def test_auto_never_cuts_columns_of_a_short_wide_graph():
    data = drawing.canvas_data(load_template("add_loss_labels").main)  # 6 nodes side by side
    assert framing.choose_view(data, "auto").data == data


def test_an_edit_keeps_every_drawn_node_in_place():
    """A graph without stored positions (an import) is laid out row by row: inserting a node
    pushed every node below it down a row. Pinned by keep_in_place, only the new one moves in."""
    from support.big_graphs import residual_stack
    from editor.model import edits

    graph = residual_stack(10).main
    assert all(n.position is None for n in graph.nodes)
    before = placement.layout(graph)
    inserted, new_id = edits.insert_after(graph, Ref(node="n2"), "Dropout", {"rate": 0.1})
    assert placement.layout(inserted)["n3"] != before["n3"]  # unpinned, dense_2 moves down a row
    kept = placement.keep_in_place(graph, inserted)
    after = placement.layout(kept)
    assert all(after[node_id] == spot for node_id, spot in before.items())
    assert kept.get(new_id).position is None and after[new_id] not in before.values()
    pinned = placement.keep_in_place(kept, kept)  # the next edit pins the new node where it was drawn
    assert pinned.get(new_id).position == after[new_id]
    assert placement.keep_in_place(pinned, pinned) is pinned  # all stored: nothing to do
