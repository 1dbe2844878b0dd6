"""The editor area is a fragment: an edit there redraws that area and not the sidebar, and
what an edit changes (save status, revisions, download) is shown with it, up to date."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from editor.canvas import placement
from editor.templates import load_template
from support.canvas import polled, select_node, settled
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


def _marked(page) -> bool:
    """Whether the canvas's frame is the one marked by `_mark` (a new frame has no mark)."""
    from support.canvas import canvas_frame

    return canvas_frame(page).evaluate("() => window.__kgsKept === true")


def _mark(page) -> None:
    from support.canvas import canvas_frame

    canvas_frame(page).evaluate("() => { window.__kgsKept = true; }")


def _node(page, node_id: str, field_name: str):
    from support.canvas import FIND_NETWORK, canvas_frame

    frame = canvas_frame(page)
    assert frame.evaluate(FIND_NETWORK)
    return frame.evaluate(f"() => window.__kgsNetwork.body.data.nodes.get('{node_id}')")[field_name]


def test_a_rename_and_a_click_are_drawn_in_the_frame_the_canvas_has(page, server):
    """editor.canvas.frame_identity: building the canvas's frame is most of an edit's cost in
    the browser; a change of what a node says and the highlight of a clicked node are drawn in
    place. The highlight moved by the node finder gets a new frame (the old one would not
    report a click on the node it has selected itself)."""
    from editor.canvas import looks
    from support.canvas import polled
    from tests.e2e.test_canvas_e2e import pick

    layout = placement.layout(load_template("mlp").main)
    open_template(page, server, "mlp")
    select_node(page, "n2", page.get_by_role("heading", name="hidden1"), layout)
    _mark(page)
    name = field(page, "insp.main.n2.name").locator("input")
    name.fill("first_hidden")
    name.press("Enter")
    assert polled(page, lambda: _node(page, "n2", "label"), lambda text: text.startswith("first_hidden"))[0]
    settled(page)
    assert _marked(page)  # the same frame
    select_node(page, "n3", page.get_by_role("heading", name="hidden2"), layout)
    assert polled(page, lambda: _node(page, "n3", "color")["border"], lambda c: c == looks.SELECTED_BORDER)[0]
    assert _marked(page) and _node(page, "n2", "color")["border"] != looks.SELECTED_BORDER
    pick(page, "first_hidden · Dense")
    expect(page.get_by_role("heading", name="first_hidden")).to_be_visible()
    settled(page)
    assert not _marked(page)  # a new frame: a click on hidden2 must be reported again
    select_node(page, "n3", page.get_by_role("heading", name="hidden2"), layout)


def test_a_click_on_the_selected_node_cancels_a_wiring_mode(page, server):
    """vis-network does not report a click on the node its frame selected: choosing a wiring
    mode after that click gets a new frame, so that the click that cancels is seen."""
    from editor.canvas import clicks
    from support.canvas import click_node
    from tests.e2e.test_messages_e2e import choose

    layout = placement.layout(load_template("mlp").main)
    open_template(page, server, "mlp")
    select_node(page, "n3", page.get_by_role("heading", name="hidden2"), layout)
    choose(page, "toolbar.mode", clicks.MODES["connect"])
    expect(page.get_by_text("Mode: wire the selected node")).to_be_visible()
    settled(page)
    click_node(page, "n3", layout)
    expect(page.get_by_text("Mode: wire the selected node")).to_have_count(0)
    expect(field(page, "toolbar.mode").locator("input")).to_have_value(clicks.MODES["select"])
    expect(page.get_by_role("heading", name="hidden2")).to_be_visible()


class ScriptRuns:
    """The script runs the page is told of: "new_session" starts one, "delta" draws, and
    "script_finished" ends it, with its status (FINISHED_EARLY_FOR_RERUN: stopped for the
    rerun a callback asked for, as a click's own run is for the editor area's)."""

    def __init__(self, page):
        self.seen: list[str] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self._received))

    def _received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = ForwardMsg()
        message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            self.seen.append(ForwardMsg.ScriptFinishedStatus.Name(message.script_finished))
        elif kind in ("new_session", "delta"):
            self.seen.append(kind)

    def completed(self) -> list[list[str]]:
        """Each run that drew, as its messages: a run stopped before it drew anything is none."""
        runs, current = [], []
        for kind in self.seen:
            current.append(kind)
            if kind.startswith("FINISHED"):
                if kind != "FINISHED_EARLY_FOR_RERUN" or "delta" in current:
                    runs.append(current)
                current = []
        return runs


def test_a_click_that_selects_costs_one_script_run(page, server):
    from support.canvas import click_node, polled

    runs = ScriptRuns(page)
    layout = placement.layout(load_template("mlp").main)
    open_template(page, server, "mlp")
    for node, name in (("n3", "hidden2"), ("n4", "hidden3"), ("n2", "hidden1")):
        runs.seen.clear()
        click_node(page, node, layout)
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
        assert polled(page, runs.completed, lambda r: len(r) >= 1)
        page.wait_for_timeout(1000)  # a second run would start at once: give it the time to show
        done = runs.completed()
        assert len(done) == 1 and done[0][-1] != "FINISHED_EARLY_FOR_RERUN", runs.seen
        clicked = done[0].count("delta")
    # A selection reruns the canvas and the side column alone (editor.ui.page_scope): fewer
    # deltas than a rename, which reruns the whole editor area.
    runs.seen.clear()
    name = field(page, "insp.main.n2.name").locator("input")
    name.fill("first_hidden")
    name.press("Enter")
    expect(page.get_by_role("heading", name="first_hidden", exact=True)).to_be_visible()
    settled(page)
    renamed = sum(run.count("delta") for run in runs.completed())
    assert 0 < clicked < renamed * 0.6, (clicked, renamed)  # 36 and 81 here
    expect(page.locator("pre", has_text="Total params").first).to_be_visible()  # the previews stayed


def test_an_inspector_edit_redraws_its_parts_and_keeps_the_form(page, server):
    """editor.ui.page_scope: a field's edit reruns the heading, summary, canvas, undo row,
    project bar and "Compare with" list, not the form being typed in (fewer than half the deltas of a rename, which
    reruns the whole area); the form stays usable, and a widget inside a part (Undo) still
    reruns the whole area, form included."""
    deltas = Deltas(page)
    layout = placement.layout(load_template("mlp").main)
    open_template(page, server, "mlp")
    select_node(page, "n2", page.get_by_role("heading", name="hidden1"), layout)
    settled(page)
    before = len(deltas.roots)
    name = field(page, "insp.main.n2.name").locator("input")
    name.fill("first_hidden")
    name.press("Enter")
    expect(page.get_by_role("heading", name="first_hidden", exact=True)).to_be_visible()
    settled(page)
    renamed = len(deltas.roots) - before
    before = len(deltas.roots)
    edit_units(page, 300)
    page.locator("pre", has_text="Total params: 329,582").first.wait_for()
    expect(page.get_by_text("Dense · (None, 300) · id n2")).to_be_visible()  # the heading
    expect(page.get_by_text("Saved · revision 3")).to_be_visible()  # the project bar
    expect(page.get_by_role("button", name="↶ Undo")).to_be_enabled()
    assert polled(page, lambda: _node(page, "n2", "label"), lambda text: "300" in text)[0]  # the canvas
    settled(page)
    edited = len(deltas.roots) - before
    assert 0 < edited < renamed / 2, (edited, renamed)
    units = field(page, "insp.main.n2.cfg.units").locator("input")
    expect(units).to_have_value("300")
    edit_units(page, 310)  # the form kept from before the edit takes the next one
    page.locator("pre", has_text="Total params: 339,592").first.wait_for()  # 784*310+310 + 310*216+216 + 27,776 + 1,290
    expect(page.get_by_text("Saved · revision 4")).to_be_visible()
    field(page, "compare.with").locator("input").first.click()  # drawn by the edit's parts too:
    expect(page.get_by_role("option", name=re.compile(r"^revision 3\b"))).to_be_visible()  # the one before
    page.keyboard.press("Escape")
    page.get_by_role("button", name="↶ Undo").click()
    page.locator("pre", has_text="Total params: 329,582").first.wait_for()
    expect(units).to_have_value("300")  # the form follows the undo
