"""Only the open tab's panel is drawn (editor.ui.lazy_tabs), so opening a tab reruns the
editor. A tab opened at once after an action, while that action's run still answers, must
neither undo the action nor make it again (editor.ui.widgets.bind: echoes)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from editor.canvas import placement
from editor.templates import load_template
from support.canvas import select_node, settled
from support.tabs import open_tab
from tests.e2e.conftest import free_port, start_server, stop_server, wait_healthy
from tests.e2e.test_editor_e2e import field, open_template

pytestmark = pytest.mark.e2e

MLP = load_template("mlp").main


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory, chromium):
    """A server whose every run waits before it draws (tests/e2e/slow_app.py)."""
    port = free_port()
    proc = start_server(port, tmp_path_factory.mktemp("streamlit") / "server.log", script="tests/e2e/slow_app.py")
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


def undo_then_open_code(page, url: str, wait_ms: int) -> None:
    """Units 512 -> 300, then Undo and, `wait_ms` later, the Code tab: the code and the field
    say 512, and the undone edit is not made again."""
    from tests.e2e.test_canvas_e2e import pick

    open_template(page, url, "mlp")
    pick(page, "hidden1 · Dense")
    expect(page.get_by_role("heading", name="hidden1", exact=True)).to_be_visible()
    settled(page)
    units = field(page, "insp.main.n2.cfg.units").locator("input")
    units.fill("300")
    units.press("Enter")
    page.locator("pre", has_text="Total params: 329,582").wait_for()  # 784*300+300 + 300*216+216 + 216*128+128 + 128*10+10
    settled(page)
    page.get_by_role("button", name="↶ Undo").click()
    if wait_ms:
        page.wait_for_timeout(wait_ms)
        expect(units).to_have_value("300")  # the undo's answer has not come yet
    page.get_by_role("tab", name="Code", exact=True).click()  # no settling: the undo's run may still answer
    page.locator("pre", has_text="layers.Dense(512").first.wait_for()
    settled(page)
    page.wait_for_timeout(500)  # a run that made the edit again would have started by now
    settled(page)
    expect(units).to_have_value("512", timeout=60_000)
    expect(page.locator("pre", has_text="layers.Dense(300")).to_have_count(0)
    expect(page.get_by_role("button", name="↷ Redo")).to_be_enabled()


def add_loss_node_then_open_inspector(page, url: str, wait_ms: int) -> None:
    """"Add loss node" on hidden3 and, `wait_ms` later, the Inspector tab: it shows the new node
    (the node finder's old value, hidden3, sent with the tab, does not move the selection back)."""
    from tests.e2e.test_canvas_e2e import pick

    open_template(page, url, "mlp")
    pick(page, "hidden3 · Dense")
    expect(page.get_by_role("heading", name="hidden3", exact=True)).to_be_visible()
    open_tab(page, "Add nodes")
    page.get_by_role("button", name="Add loss node").click()
    if wait_ms:
        page.wait_for_timeout(wait_ms)
    page.get_by_role("tab", name="Inspector", exact=True).click()  # no settling: the add's run may still answer
    expect(field(page, "insp.main.n6.name").locator("input")).to_have_value("hidden3_loss_term", timeout=60_000)
    settled(page)
    expect(page.get_by_role("heading", name="hidden3_loss_term", exact=True)).to_be_visible()
    expect(field(page, "picker").locator("input")).to_have_value("hidden3_loss_term · Loss")


def test_a_tab_opened_while_an_undo_is_answered_keeps_the_undo(page, slow_server):
    """editor.ui.widgets.bind: the Code tab, clicked while the undo's run waits, is sent with
    the units field's old value (300); taken for an edit, it would make the undone edit again."""
    undo_then_open_code(page, slow_server, wait_ms=300)


def test_a_tab_opened_while_a_node_is_added_shows_the_new_node(page, slow_server):
    add_loss_node_then_open_inspector(page, slow_server, wait_ms=300)


def test_a_tab_opened_at_once_after_undo_keeps_the_undo(page, server):
    undo_then_open_code(page, server, wait_ms=0)


def test_the_inspector_opened_at_once_after_adding_a_loss_node_shows_that_node(page, server):
    add_loss_node_then_open_inspector(page, server, wait_ms=0)


def test_the_problems_tab_stays_open_when_its_count_changes_and_settings_outlive_a_closed_tab(page, server):
    open_template(page, server, "mlp")
    open_tab(page, "Train")
    epochs = field(page, "train.epochs").locator("input")
    epochs.fill("7")
    epochs.press("Enter")
    settled(page)
    open_tab(page, "Problems (0)")
    expect(page.get_by_text("No problems: the model builds.")).to_be_visible()
    select_node(page, "n3", page.get_by_role("heading", name="hidden2", exact=True), placement.layout(MLP))
    field(page, "insp.main.n3.in0.remove").get_by_role("button", name="✕").click()  # hidden2 has no input now
    tab = page.get_by_role("tab", name=re.compile(r"^Problems \([1-9]"))
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel").get_by_text("has no inputs").first).to_be_visible()
    open_tab(page, "Train")
    expect(epochs).to_have_value("7")


def test_more_parameters_are_drawn_when_opened_and_edited_there(page, server):
    """A layer's "More parameters" are drawn only once the expander is opened (most clicks on
    a node never open it); a value set there moves its field among the leading ones."""
    from tests.e2e.test_blocks_e2e import open_expander
    from tests.e2e.test_canvas_e2e import choose, code_has

    open_template(page, server, "mlp")
    select_node(page, "n2", page.get_by_role("heading", name="hidden1"), placement.layout(MLP))
    initializer = field(page, "insp.main.n2.cfg.kernel_initializer")
    expect(field(page, "insp.main.n2.cfg.units")).to_be_visible()
    expect(initializer).to_have_count(0)
    open_expander(page, "More parameters", initializer)
    choose(page, "insp.main.n2.cfg.kernel_initializer", "he_normal")
    code_has(page, 'kernel_initializer="he_normal"')
    expect(field(page, "insp.main.n2.cfg.bias_initializer")).to_be_visible()  # still open


def test_a_tab_opened_while_a_click_is_answered_keeps_the_selection(page, slow_server):
    """A click that selects reruns the canvas and the side column alone (editor.ui.page_scope);
    that run counts for the echo guard too: the Code tab, clicked while it waits, is sent with
    the node finder's old value (nothing), which must not take the selection away again."""
    from support.canvas import click_node

    open_template(page, slow_server, "mlp")
    settled(page)
    click_node(page, "n3", placement.layout(MLP))
    page.wait_for_timeout(300)
    page.get_by_role("tab", name="Code", exact=True).click()  # no settling: the click's run may still answer
    page.locator("pre", has_text="layers.Dense(").first.wait_for(timeout=60_000)
    settled(page)
    page.wait_for_timeout(500)  # a run that took the selection away would have started by now
    settled(page)
    expect(page.get_by_role("heading", name="hidden2", exact=True)).to_be_visible()
    expect(field(page, "picker").locator("input")).to_have_value("hidden2 · Dense")
