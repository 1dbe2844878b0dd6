"""A big graph as a person works on it (issue 15.3): open a project of a few hundred
nodes, see the canvas and the summary, click a node, change it and read the new total,
then ask for the diagram, which a big graph draws only on request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from support.big_graphs import residual_stack
from editor.files import project_files
from editor.building import quick_build
from support.canvas import FIND_NETWORK, canvas_frame, select_node
from tests.e2e.test_canvas_e2e import inspector_heading, type_into, wait_total
from tests.e2e.test_editor_e2e import summary_block
from support.tabs import open_tab

pytestmark = pytest.mark.e2e

SIZE = quick_build.QUICK_ABOVE + 31  # 331 nodes: 110 residual blocks
TOTAL = 110 * 544


def test_open_edit_and_draw_a_big_graph(page, server, tmp_path):
    path = tmp_path / "residual.json"
    path.write_text(project_files.dumps(residual_stack(SIZE)))
    page.goto(f"{server}/?template=mlp")
    summary_block(page).wait_for()
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    wait_total(page, f"{TOTAL:,}")
    frame = canvas_frame(page)
    assert frame.evaluate(FIND_NETWORK)
    drawn = frame.evaluate("() => Object.keys(window.__kgsNetwork.getPositions())")
    assert "n1" in drawn and len(drawn) < SIZE  # the rows around the first node, at a readable size
    expect(page.get_by_text(f"of {SIZE} nodes around 'input'")).to_be_visible()

    select_node(page, "n2", inspector_heading(page, "dense_1"))
    type_into(page, "insp.main.n2.cfg.units", "17")
    wait_total(page, f"{TOTAL + 33:,}")  # dense_1: 16 x 17 + 17, dense_2: 17 x 16 + 16, where both had 272
    expect(summary_block(page)).to_contain_text(re.compile(r"dense_1 \(Dense\) +\(None, 17\) +289 +input\[0\]"))

    open_tab(page, "Diagram")
    expect(page.get_by_text(f"{SIZE} nodes: the diagram is laid out when you ask for it")).to_be_visible()
    page.get_by_role("button", name="Draw the diagram").click()
    expect(page.locator("[data-testid='stGraphVizChart'] svg")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("button", name="Download DOT")).to_be_visible()
    assert page.locator("[data-testid='stGraphVizChart'] svg g.node").count() == SIZE
