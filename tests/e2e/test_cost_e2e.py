"""The cost overlay (issue 15.1) as a person uses it: colour the canvas by parameters,
read the legend, the tooltip and the ten costliest nodes, click one to select it, read
its figures in the inspector and the totals in the summary; activation memory follows
the Train tab's batch size."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from support.canvas import FIND_NETWORK, canvas_frame
from tests.e2e.test_canvas_e2e import choose, inspector_heading, type_into
from tests.e2e.test_editor_e2e import open_template
from support.tabs import open_tab

pytestmark = pytest.mark.e2e


def drawn(page, node_id: str) -> dict:
    frame = canvas_frame(page)
    assert frame.evaluate(FIND_NETWORK)
    return frame.evaluate(f"() => window.__kgsNetwork.body.data.nodes.get('{node_id}')")


def test_colour_by_parameters_then_select_the_costliest_node(page, server):
    open_template(page, server, "mlp")
    choose(page, "cost.mode", "parameters")
    expect(page.get_by_text("0 → 401,920 params (square-root scale)")).to_be_visible()
    expect(page.get_by_role("button", name="1. hidden1 · 401,920 params")).to_be_visible()
    expect(page.get_by_role("button", name="5. input · 0 params")).to_be_visible()
    hidden1 = drawn(page, "n2")
    assert hidden1["color"]["background"] == "#BD0026"  # the costliest: the top of the scale
    assert "▮ 401,920 params" in hidden1["title"]
    assert drawn(page, "n1")["color"]["background"] == "#FFF7BC"  # the input: nothing

    page.get_by_role("button", name="1. hidden1 · 401,920 params").click()
    open_tab(page, "Inspector")
    expect(inspector_heading(page, "hidden1")).to_be_visible()
    expect(page.get_by_text("401,920 params · 802.8 KFLOPs per sample · 65.5 KB of activations at batch 32")
           ).to_be_visible()
    open_tab(page, "Summary")
    expect(page.get_by_text("1.1 MFLOPs per sample (forward) · 211.2 KB of activations at batch 32")).to_be_visible()

    open_tab(page, "Train")
    type_into(page, "train.batch_size", "4")
    choose(page, "cost.mode", "activation memory")
    expect(page.get_by_text("0 → 12.5 KB at batch 4 (square-root scale)")).to_be_visible()
    expect(page.get_by_role("button", name="1. input · 12.5 KB")).to_be_visible()
