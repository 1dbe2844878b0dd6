"""The editor area is a fragment: an edit there redraws that area and not the sidebar, and
what an edit changes (save status, revisions, download) is shown with it, up to date."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from editor.canvas import placement
from editor.templates import load_template
from support.canvas import select_node, settled
from tests.e2e.test_editor_e2e import field, open_template

pytestmark = pytest.mark.e2e

SIDEBAR_ROOT = 1  # a delta's path starts with its root container: 0 the main area, 1 the sidebar


class Deltas:
    """The root containers that the page's websocket messages draw into."""

    def __init__(self, page):
        self.roots: list[int] = []
        page.on("websocket", self._socket)

    def _socket(self, socket) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def received(payload):
            message = ForwardMsg()
            message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
            if message.WhichOneof("type") == "delta":
                self.roots.append(message.metadata.delta_path[0])
        socket.on("framereceived", received)


def edit_units(page, value: int) -> None:
    units = field(page, "insp.main.n2.cfg.units").locator("input")
    units.fill(str(value))
    units.press("Enter")


def test_an_edit_redraws_the_editor_area_and_not_the_sidebar(page, server, tmp_path):
    deltas = Deltas(page)
    open_template(page, server, "mlp")
    assert SIDEBAR_ROOT in deltas.roots  # the page run drew the sidebar
    select_node(page, "n2", page.get_by_role("heading", name="hidden1"), placement.layout(load_template("mlp").main))
    expect(page.get_by_text("Saved · revision 1")).to_be_visible()
    drawn = len(deltas.roots)
    edit_units(page, 300)
    expect(page.get_by_text("Saved · revision 2")).to_be_visible()
    page.locator("pre", has_text="Total params: 329,582").first.wait_for()  # 784*300+300 + 300*216+216 + 216*128+128 + 128*10+10
    settled(page)
    edit_roots = deltas.roots[drawn:]
    assert edit_roots and SIDEBAR_ROOT not in edit_roots, edit_roots
    # The revisions and the download are the edited project's.
    page.get_by_role("button", name="Revisions (2)").click()
    revision = page.locator("[data-testid='stPopoverBody']").get_by_role("combobox", name="Revision", exact=True)
    expect(revision).to_have_value(re.compile(r"^2 · "))
    page.keyboard.press("Escape")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download (.json)").click()
    saved = json.loads(open(download.value.path(), encoding="utf-8").read())
    [dense] = [n for g in saved["graphs"] for n in g["nodes"] if n["id"] == "n2"]
    assert dense["config"]["units"] == 300


def test_an_action_in_the_editor_area_that_changes_the_sidebar_redraws_it(page, server):
    """Training started from the Train tab marks the project in the library's list."""
    from tests.e2e.test_library_e2e import options
    from tests.e2e.test_train_e2e import expect_training, start_training

    open_template(page, server, "mlp")
    assert not any("· training" in t for t in options(page, "Projects"))
    start_training(page, epochs=200, samples=256, batch_size=8)
    expect_training(page)
    assert any(t.startswith("Multilayer perceptron (MLP) (open here) · training") for t in options(page, "Projects"))
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_text(re.compile(r"Stopped: stopped by the user"))).to_be_visible(timeout=60_000)


def test_a_rename_is_drawn_in_the_frame_the_canvas_has_and_a_click_gets_a_new_one(page, server):
    """editor.canvas.frame_identity: building the canvas's frame is most of an edit's cost in
    the browser; a change of what a node says is drawn in place, a click gets a fresh frame."""
    from support.canvas import FIND_NETWORK, canvas_frame, polled

    def label(node_id: str) -> str:
        frame = canvas_frame(page)
        assert frame.evaluate(FIND_NETWORK)
        return frame.evaluate(f"() => window.__kgsNetwork.body.data.nodes.get('{node_id}').label")

    layout = placement.layout(load_template("mlp").main)
    open_template(page, server, "mlp")
    select_node(page, "n2", page.get_by_role("heading", name="hidden1"), layout)
    canvas_frame(page).evaluate("() => { window.__kgsKept = true; }")
    name = field(page, "insp.main.n2.name").locator("input")
    name.fill("first_hidden")
    name.press("Enter")
    assert polled(page, lambda: label("n2"), lambda text: text.startswith("first_hidden"))[0]
    settled(page)
    assert canvas_frame(page).evaluate("() => window.__kgsKept === true")  # the same frame
    select_node(page, "n3", page.get_by_role("heading", name="hidden2"), layout)
    assert canvas_frame(page).evaluate("() => window.__kgsKept === undefined")  # a new one
    assert label("n2").startswith("first_hidden")
