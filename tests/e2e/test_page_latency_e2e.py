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
