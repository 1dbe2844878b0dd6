"""Issue 22 item 6 in headless Chromium: an empty graph offers no code (its code crashed:
`keras.Model(inputs=[], outputs=[])`); the Code tab says why in one line, as export-code."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from editor.templates import load_template
from support.canvas import canvas_frame
from tests.e2e.test_editor_e2e import open_template
from support.tabs import open_tab

pytestmark = pytest.mark.e2e


def test_an_empty_graph_offers_no_code(page, server, tmp_path):
    mlp = load_template("mlp")
    empty = mlp.replace_graph(mlp.main.model_copy(update={"nodes": (), "outputs": ()}))
    path = tmp_path / "empty.json"
    path.write_text(empty.model_dump_json(exclude_none=True))
    open_template(page, server, "mlp")
    open_tab(page, "Code")
    expect(page.get_by_role("button", name="Download code (.py)")).to_be_visible()
    page.locator("[data-testid='stSidebar'] input[type='file'][accept='application/streamlit,.json']").set_input_files(str(path))
    expect(page.get_by_text("The code cannot be generated: the graph has errors: model 'mlp' has no outputs: "
                            "mark a node as an output")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("button", name="Download code (.py)")).to_have_count(0)
    assert page.locator("pre", has_text="def build_model").count() == 0
    canvas_frame(page)  # the page goes on
