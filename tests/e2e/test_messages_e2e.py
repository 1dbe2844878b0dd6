"""Messages as a person reads them in the page: a cycle wired on the canvas is one
problem named by node names and pinned to its nodes in red; user text (a loss
expression, a node name) is shown as typed, never rendered as Markdown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from editor.canvas import clicks, looks, placement
from editor.templates import load_template
from support.canvas import FIND_NETWORK, canvas_frame, click_node, settled
from tests.e2e.test_editor_e2e import field, open_template

pytestmark = pytest.mark.e2e

FILLS = f"""
(ids) => {{
  if (!({FIND_NETWORK})()) return null;
  return ids.map(id => {{ const n = window.__kgsNetwork.body.data.nodes.get(id); return n ? n.color.background : null; }});
}}
"""


def choose(page, key: str, option: str) -> None:
    """Pick `option` in the selectbox with Streamlit key `key`, as a person does."""
    field(page, key).click()
    page.get_by_role("option", name=option, exact=True).click()


def wait_for_fills(page, fills: dict[str, str]) -> None:
    """Wait until the canvas draws each node in the given fill colour."""
    ids, wanted = list(fills), list(fills.values())
    canvas_frame(page).wait_for_function(
        f"([ids, wanted]) => JSON.stringify(({FILLS})(ids)) === JSON.stringify(wanted)", arg=[ids, wanted])


def test_a_wire_that_closes_a_cycle_is_named_and_pinned_to_its_nodes(page, server):
    open_template(page, server, "headline_multi_io")
    layout = placement.layout(load_template("headline_multi_io").main)
    click_node(page, "n9", layout)  # dense_2
    page.get_by_role("heading", name="dense_2").wait_for()
    choose(page, "toolbar.mode", clicks.MODES["connect"])
    expect(page.get_by_text("Mode: wire the selected node")).to_be_visible()
    settled(page)  # the mode gets the canvas a new frame (clicks.renew_frame): click in that one
    click_node(page, "n7", layout)  # dense: dense_2 now feeds dense, closing the loop
    cycle = "cycle: dense → dense_1 → dense_2 → dense"
    tab = page.get_by_role("tab", name="Problems (1)")
    expect(tab).to_be_visible()
    tab.click()
    problems = page.get_by_role("tabpanel", name="Problems (1)")
    expect(problems.get_by_text(cycle, exact=True)).to_have_count(1)
    expect(page.get_by_role("heading", name="dense_2")).to_be_visible()  # the inspector says it too
    red = looks.ERROR_COLOURS[0]
    merge = looks.KIND_COLOURS["merge"][0]
    wait_for_fills(page, {"n7": red, "n8": red, "n9": red, "n6": merge})
    body = page.locator("body").inner_text()
    assert "n10" not in body and "KeyError" not in body and "build failed" not in body


def test_user_text_in_messages_is_shown_as_typed(page, server):
    open_template(page, server, "add_loss_labels")
    field(page, "picker").click()
    page.get_by_role("option", name="losses · Loss").click()
    page.get_by_role("heading", name="losses").wait_for()
    box = field(page, "insp.main.n6.expr").locator("textarea")
    box.fill("__import__('os')")
    box.press("Control+Enter")
    alert = page.locator("[data-testid='stAlert']", has_text="unknown function")
    expect(alert).to_contain_text("unknown function '__import__'")
    assert alert.locator("strong").count() == 0  # no bold, no eaten underscores
