"""Issue 22 items 5 and 9: what a wiring click does (and says), and the canvas's looks
(label contrast, the back edge of a cycle, room for inserted nodes, the legend)."""

from editor.canvas import clicks, drawing, framing, looks, placement
from editor.model import edits
from editor.canvas.clicks import CanvasEdit, CanvasState, apply_edit, edit_notice, handle_event
from editor.model.graph import Node, Ref
from editor.templates import load_template


def mlp():
    return load_template("mlp").main


# ----------------------------------------------------------------------------- item 5


def test_wiring_into_a_merge_appends_and_says_nothing():
    g = edits.add_node(mlp(), Node(id="m", kind="layer", name="sum", class_name="Add", inputs=(Ref(node="n2"),)))
    _, edit = handle_event(CanvasState(selection="n3", mode="connect"), "m", g)
    assert apply_edit(g, edit).node("m").inputs == (Ref(node="n2"), Ref(node="n3"))
    assert edit_notice(g, edit) is None


def test_wiring_into_a_one_input_layer_replaces_it_and_names_what_was_replaced():
    g = mlp()
    _, edit = handle_event(CanvasState(selection="n1", mode="connect"), "n3", g)  # input -> hidden2 (fed by hidden1)
    assert apply_edit(g, edit).node("n3").inputs == (Ref(node="n1"),)
    assert edit_notice(g, edit) == ("'hidden2' takes one input: 'input' replaced 'hidden1' as its input "
                                    "(Undo puts it back; merges and loss nodes take more).")
    _, feed = handle_event(CanvasState(selection="n3", mode="feed"), "n1", g)  # the same wire, the other way
    assert edit_notice(g, feed) == edit_notice(g, edit)


def test_wiring_the_input_a_node_already_has_replaces_nothing():
    g = mlp()
    edit = CanvasEdit("connect", "n2", "n3")
    assert apply_edit(g, edit) == g and edit_notice(g, edit) is None
    unwired = edits.set_inputs(g, "n3", ())
    assert apply_edit(unwired, edit).node("n3").inputs == (Ref(node="n2"),) and edit_notice(unwired, edit) is None


def test_the_wiring_modes_say_that_they_add_an_input():
    assert clicks.MODES["connect"] == "Wire the selected node into the clicked one (adds an input)"
    assert clicks.MODES["feed"] == "Wire the clicked node into the selected one (adds an input)"


# ----------------------------------------------------------------------------- item 9


def test_label_colour_reads_at_wcag_aa_on_every_fill():
    from editor.building.node_cost import heat

    fills = [heat(i, 100) for i in range(101)] + [f for pair in looks.KIND_COLOURS.values() for f in pair[:1]]
    for fill in fills:
        assert looks.contrast(fill, looks.label_colour(fill)) >= 4.5, fill
    assert looks.label_colour(heat(1, 1)) == "#FFFFFF"  # the deepest cost red
    assert looks.label_colour(looks.KIND_COLOURS["layer"][0]) == looks.TEXT_COLOUR
    assert round(looks.contrast("#000000", "#FFFFFF"), 2) == 21.0


def test_the_deepest_cost_colour_gets_white_labels_on_the_canvas():
    from editor.building.node_cost import heat

    nodes = drawing.canvas_nodes(mlp(), heat={"n2": (heat(1, 1), "1 params"), "n3": (heat(0, 1), "0 params")})
    fonts = {n["id"]: n["font"]["color"] for n in nodes}
    assert fonts["n2"] == "#FFFFFF" and fonts["n3"] == looks.TEXT_COLOUR


def _cycle():
    # hidden3 wired back into hidden1 (replacing its input): hidden1 -> hidden2 -> hidden3 -> hidden1
    return apply_edit(mlp(), CanvasEdit("connect", "n4", "n2"))


def test_the_wire_that_closes_a_cycle_is_red_curved_and_named():
    g = _cycle()
    assert drawing.back_edges(g) == {("n4", "n2")}
    edges = {e["id"]: e for e in drawing.canvas_data(g).edges}
    back = edges["n4->n2#0"]
    assert back["color"] == looks.CYCLE_COLOUR and back["label"] == "closes a cycle"
    assert back["smooth"]["type"] == "curvedCW" and back["width"] == 2
    assert all(e["color"] == looks.EDGE_COLOUR for i, e in edges.items() if i != "n4->n2#0")
    assert drawing.back_edges(mlp()) == set()


def test_back_edges_of_a_long_cycle_need_no_recursion():
    nodes = [Node(id="a0", kind="layer", name="a0", class_name="Dense", inputs=(Ref(node="a4999"),))]
    nodes += [Node(id=f"a{i}", kind="layer", name=f"a{i}", class_name="Dense", inputs=(Ref(node=f"a{i - 1}"),))
              for i in range(1, 5000)]
    g = mlp().model_copy(update={"nodes": tuple(nodes), "outputs": ()})
    assert len(drawing.back_edges(g)) == 1


def _insert_after(g, source):
    g, new = edits.insert_after(g, Ref(node=source), "Dropout", {"rate": 0.5})
    return placement.place_new(g, new), new


def _through_a_node(g) -> list[tuple[str, str, str]]:
    """(wire, node) pairs where the straight wire passes through another node's box."""
    data = drawing.canvas_data(g)
    at = {n["id"]: n for n in data.nodes}
    hits = []
    for edge in data.edges:
        (x1, y1), (x2, y2) = (at[edge["from"]]["x"], at[edge["from"]]["y"]), (at[edge["to"]]["x"], at[edge["to"]]["y"])
        for node in data.nodes:
            if node["id"] in (edge["from"], edge["to"]):
                continue
            w, h = framing.node_box(node)
            for k in range(1, 100):
                x, y = x1 + (x2 - x1) * k / 100, y1 + (y2 - y1) * k / 100
                if abs(x - node["x"]) < w / 2 and abs(y - node["y"]) < h / 2:
                    hits.append((edge["from"], edge["to"], node["id"]))
                    break
    return hits


def test_inserted_nodes_get_a_row_of_their_own_and_no_wire_runs_through_a_node():
    g = mlp()
    for source in ("n2", "n2", "n3", "n5"):  # insert after hidden1 twice, after hidden2, after the output
        g, new = _insert_after(g, source)
        drawn = placement.layout(g)
        assert drawn[new] == (drawn[source][0], drawn[source][1] + placement.ROW)
        assert len(set(drawn.values())) == len(g.nodes)
        for node in g.nodes:  # every wire runs down
            assert all(drawn[node.id][1] > drawn[r.node][1] for r in node.inputs)
        assert _through_a_node(g) == []


def test_a_branch_keeps_its_free_spot_beside_the_chain():
    g, new = edits.add_layer(mlp(), "Dropout", {"rate": 0.5}, after="n2")
    assert placement.place_new(g, new).node(new).position == placement.new_position(g, new)
    assert placement.place_new(g, new).node("n3").position == (0, 200)  # nothing moved
