"""Issue 22 items 5 and 9: what a wiring click does (and says), and the canvas's looks
(label contrast, the back edge of a cycle, room for inserted nodes, the legend)."""

from editor import canvas_logic, edits
from editor.canvas_logic import CanvasEdit, CanvasState, apply_edit, edit_notice, handle_event
from editor.graph import Node, Ref
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
    assert canvas_logic.MODES["connect"] == "Wire the selected node into the clicked one (adds an input)"
    assert canvas_logic.MODES["feed"] == "Wire the clicked node into the selected one (adds an input)"
