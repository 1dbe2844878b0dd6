"""What the page leaves out to answer fast, in headless Chromium (issue 25): only the open
preview tab is computed and sent, and what the closed tabs hold is not lost by it.
(Speed itself is measured by benchmarks/bench_page_latency.py, never asserted here.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_editor_e2e import field, open_template, summary_block

pytestmark = pytest.mark.e2e

DIAGRAM = "[data-testid='stGraphVizChart']"


def pick(page, name: str) -> None:
    field(page, "picker").locator("input").first.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=re.compile(rf"^{name} ·")).click()
    page.get_by_role("heading", name=name, exact=True).wait_for()


def test_only_the_open_preview_tab_is_drawn(page, server):
    open_template(page, server, "mlp")
    expect(summary_block(page)).to_be_visible()
    expect(page.locator(DIAGRAM)).to_have_count(0)  # the Diagram tab is closed: nothing of it was sent
    expect(page.locator("pre", has_text="def build_model")).to_have_count(0)
    expect(page.locator(".st-key-train-start")).to_have_count(0)
    page.get_by_role("tab", name="Diagram").click()
    expect(page.locator(DIAGRAM)).to_have_count(1)
    expect(page.locator("pre", has_text="Total params")).to_have_count(0)
    page.get_by_role("tab", name="Code").click()
    expect(page.locator("pre", has_text="def build_model")).to_have_count(1)
    expect(page.locator(DIAGRAM)).to_have_count(0)
    page.get_by_role("tab", name="Summary").click()
    expect(summary_block(page)).to_be_visible()


def test_train_settings_and_code_choices_survive_closed_tabs(page, server):
    open_template(page, server, "mlp")
    page.get_by_role("tab", name="Train").click()
    epochs = field(page, "train.epochs").locator("input")
    epochs.fill("7")
    epochs.press("Enter")
    expect(epochs).to_have_value("7")
    page.get_by_role("tab", name="Summary").click()
    expect(summary_block(page)).to_be_visible()
    page.get_by_role("tab", name="Code").click()
    field(page, "previews.code_train").locator("label").click()
    expect(page.locator("pre", has_text="def train(epochs=7,")).to_have_count(1)  # the Train tab's setting
    page.get_by_role("tab", name="Diagram").click()
    expect(page.locator(DIAGRAM)).to_have_count(1)
    page.get_by_role("tab", name="Code").click()
    expect(page.locator("pre", has_text="def train(epochs=7,")).to_have_count(1)  # the checkbox stayed ticked
    page.get_by_role("tab", name="Train").click()
    expect(field(page, "train.epochs").locator("input")).to_have_value("7")
    expect(page.get_by_text("Session State API")).to_have_count(0)  # no warning about the kept values


def test_the_problems_tab_stays_open_when_its_count_changes(page, server):
    open_template(page, server, "mlp")
    page.get_by_role("tab", name="Problems (0)").click()
    expect(page.get_by_text("No problems: the model builds.")).to_be_visible()
    pick(page, "hidden2")
    page.get_by_role("button", name="Delete node").click()  # hidden3 loses its input
    tab = page.get_by_role("tab", name=re.compile(r"^Problems \([1-9]\d*\)$"))
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("No problems: the model builds.")).to_have_count(0)
    expect(page.locator("[data-testid='stTabPanel'] [data-testid='stAlert']").first).to_be_visible()


def _script_runs(page) -> list[str]:
    """The kinds of message the server sends that start ("new_session") and end ("script_finished")
    a script run, in order, as the page receives them."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen: list[str] = []

    def received(payload) -> None:
        message = ForwardMsg()
        message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        kind = message.WhichOneof("type")
        if kind in ("new_session", "script_finished"):
            seen.append(kind)

    page.on("websocket", lambda socket: socket.on("framereceived", received))
    return seen


def test_a_click_that_selects_costs_one_script_run(page, server):
    from editor.canvas import placement
    from editor.templates import load_template
    from support.canvas import click_node, polled

    runs = _script_runs(page)
    open_template(page, server, "mlp")
    layout = placement.layout(load_template("mlp").main)
    for node, name in (("n3", "hidden2"), ("n4", "hidden3")):
        ok, _ = polled(page, lambda: list(runs), lambda r: r and r[-1] == "script_finished")
        assert ok, runs
        runs.clear()
        click_node(page, node, layout)
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
        ok, _ = polled(page, lambda: list(runs), lambda r: r and r[-1] == "script_finished")
        page.wait_for_timeout(1000)  # a second run would start at once: give it the time to show
        assert ok and runs == ["new_session", "script_finished"], runs

