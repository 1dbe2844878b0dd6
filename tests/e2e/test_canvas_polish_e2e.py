"""Issue 22 items 5, 7 and 9 in headless Chromium: a wiring click that replaces an input
says so; the canvas's looks (label colours by contrast, the back edge of a cycle, rows
for inserted nodes, the legend, labels with room); the Delete key on the canvas; a
refused code import said in its panel. Every test fails on a browser console error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from editor.canvas import looks, placement
from editor.templates import load_template
from support.canvas import FIND_NETWORK, canvas_frame, click_node, network_node_ids, polled, select_node, settled
from tests.e2e.test_canvas_e2e import add_dropout, canvas_wires, choose, code_has, inspector_heading, wait_total, mlp_total
from tests.e2e.test_editor_e2e import field, open_template
from tests.e2e.test_code_import_e2e import paste_code
from support.tabs import open_tab

pytestmark = pytest.mark.e2e

MLP = load_template("mlp").main
CONNECT = "Wire the selected node into the clicked one (adds an input)"


def network(page, script: str, *args):
    frame = canvas_frame(page)
    assert frame.evaluate(FIND_NETWORK)
    return frame.evaluate(script, *args)


def edge_options(page, edge_id: str) -> dict:
    return network(page, """(id) => { const e = window.__kgsNetwork.body.edges[id];
        return e ? {color: e.options.color.color, smooth: e.options.smooth.type, width: e.options.width,
                    label: e.options.label || ''} : null; }""", edge_id)


def node_positions(page) -> dict:
    return network(page, "() => window.__kgsNetwork.getPositions()")


def test_a_wiring_click_into_a_one_input_layer_names_what_it_replaced_and_a_cycle_shows(page, server):
    open_template(page, server, "mlp")
    select_node(page, "n4", inspector_heading(page, "hidden3"), layout=placement.layout(MLP))  # hidden3
    choose(page, "toolbar.mode", CONNECT)
    expect(page.get_by_text("Mode: wire the selected node into the clicked one (adds an input)")).to_be_visible()
    settled(page)  # the mode gets the canvas a new frame (clicks.renew_frame): click in that one
    click_node(page, "n2")  # hidden1 takes one tensor: hidden3 replaces input, closing a cycle
    expect(page.get_by_text("'hidden1' takes one input: 'hidden3' replaced 'input' as its input "
                            "(Undo puts it back; merges and loss nodes take more).")).to_be_visible()
    ok, wires = polled(page, lambda: canvas_wires(page), lambda w: ("n4", "n2") in w)
    assert ok and ("n1", "n2") not in wires, wires
    ok, back = polled(page, lambda: edge_options(page, "n4->n2#0"), lambda e: e is not None)
    assert back == {"color": looks.CYCLE_COLOUR, "smooth": "curvedCW", "width": 2, "label": "closes a cycle"}
    assert edge_options(page, "n2->n3#0")["color"] == looks.EDGE_COLOUR
    open_tab(page, "Code")  # only the open preview tab is drawn
    expect(page.get_by_text("The code cannot be generated: the graph has errors")).to_be_visible()
    page.get_by_role("button", name="↶ Undo").click()
    ok, wires = polled(page, lambda: canvas_wires(page), lambda w: ("n1", "n2") in w)
    assert ok and ("n4", "n2") not in wires
    expect(page.get_by_text("'hidden1' takes one input")).to_have_count(0)


def test_inserted_nodes_get_their_own_rows(page, server):
    open_template(page, server, "mlp")
    for _ in range(2):
        click_node(page, "n2")
        open_tab(page, "Inspector")
        expect(inspector_heading(page, "hidden1")).to_be_visible()
        add_dropout(page, "Insert after hidden1")
        code_has(page, 'name="hidden2")(dropout')
    wait_total(page, mlp_total())
    ok, at = polled(page, lambda: node_positions(page), lambda p: {"n6", "n7"} <= set(p))
    assert ok, at
    # one column, one node a row: hidden1, dropout_1, dropout, hidden2 ... top to bottom
    assert len({round(p["x"]) for p in at.values()}) == 1, at
    ys = [at[i]["y"] for i in ("n1", "n2", "n7", "n6", "n3", "n4", "n5")]
    assert ys == sorted(ys) and len(set(ys)) == 7, at


def test_the_deepest_cost_colour_has_white_labels_and_the_legend_shows_the_warning_border(page, server):
    open_template(page, server, "mlp")
    expect(page.get_by_text("has a warning")).to_be_visible()
    expect(page.get_by_text("⤺ red curved wire: closes a cycle")).to_be_visible()
    choose(page, "cost.mode", "parameters")
    ok, fonts = polled(page, lambda: network(
        page, "() => Object.fromEntries(window.__kgsNetwork.body.data.nodes.get().map(n => [n.id, n.font.color]))"),
        lambda f: f.get("n2") == "#FFFFFF")
    assert ok, fonts  # hidden1 holds most parameters: the deepest red, white text
    assert fonts["n1"] == looks.TEXT_COLOUR


def _cut(locator) -> bool:
    """The text does not fit its box (shown with an ellipsis)."""
    return locator.evaluate("(el) => el.scrollWidth > el.clientWidth + 1")


def test_labels_have_room(page, server):
    open_template(page, server, "mlp")
    button = page.get_by_role("button", name="Open template")
    expect(button).to_be_visible()
    assert not _cut(button.locator("p").first)
    view = field(page, "toolbar.view").locator("input")
    expect(view).to_have_value("Legible (follows the selection)")
    assert not _cut(view)
    choose(page, "toolbar.mode", CONNECT)
    mode = field(page, "toolbar.mode").locator("input")
    expect(mode).to_have_value(CONNECT)
    assert not _cut(mode)
    for legend in ("has a warning", "has an error (hover for why)"):  # one line each
        chip = page.get_by_text(legend, exact=True)
        assert chip.evaluate("(el) => el.getClientRects().length") == 1, legend


def test_the_delete_key_on_the_canvas_deletes_the_selected_node(page, server):
    open_template(page, server, "mlp")
    page.keyboard.press("Delete")  # nothing selected, the canvas not focused: nothing happens
    select_node(page, "n4", inspector_heading(page, "hidden3"), layout=placement.layout(MLP))
    page.keyboard.press("Delete")  # as a person does, right after the click
    ok, ids = polled(page, lambda: network_node_ids(page), lambda i: i and "n4" not in i)
    assert ok and sorted(ids) == ["n1", "n2", "n3", "n5"], ids
    code_has(page, "def build_model")
    expect(page.get_by_role("button", name="↶ Undo")).to_be_enabled()
    select_node(page, "n3", inspector_heading(page, "hidden2"))  # hidden2; then a click in a field: Delete there edits the text only
    name = field(page, "insp.main.n3.name").locator("input")
    name.click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    expect(name).to_have_value("hidden")
    assert "n3" in network_node_ids(page)


def test_a_refused_code_import_is_said_in_the_panel(page, server):
    open_template(page, server, "mlp")
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Import Python code").click()
    paste_code(page, "log = open('/tmp/kgs-never', 'w')\n")
    sidebar.get_by_role("button", name="Import code").click()
    message = sidebar.get_by_text("code import refused: line 1: open() is not model-building code")
    expect(message).to_be_visible()
    assert page.locator("[data-testid='stMain']").get_by_text("code import refused").count() == 0
