"""The Train tab in headless Chromium: the progress line and the curves redraw by
themselves while a run goes (the polling fragment), and Stop keeps the history."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.test_editor_e2e import field, open_template

pytestmark = pytest.mark.e2e


def set_number(page, key: str, value: int) -> None:
    box = field(page, key).locator("input")
    box.fill(str(value))
    box.press("Enter")
    expect(box).to_have_value(str(value))


def test_live_curves_update_while_training_and_stop_keeps_the_history(page, server, screenshots):
    open_template(page, server, "mlp")
    page.get_by_role("tab", name="Train").click()
    set_number(page, "train.epochs", 300)
    set_number(page, "train.samples", 256)
    set_number(page, "train.batch_size", 8)
    page.get_by_role("button", name="Start training").click()
    progress = page.locator("[data-testid='stProgress']")
    expect(progress).to_contain_text("samples/s", timeout=60_000)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts.first).to_be_visible()
    # Nobody touches the page: the fragment's polling alone moves the progress line on.
    seen = {progress.inner_text()}
    deadline = time.monotonic() + 20
    while len(seen) < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
        seen.add(progress.inner_text())
    assert len(seen) >= 3, seen
    expect(page.get_by_text("Loss per epoch")).to_be_visible(timeout=60_000)  # an epoch has finished, live
    page.screenshot(path=str(screenshots / "training_live.png"), full_page=True)
    page.get_by_role("button", name="Stop").click()
    stopped = page.get_by_text(re.compile(r"Stopped: stopped by the user at epoch \d+, batch \d+"))
    expect(stopped).to_be_visible(timeout=60_000)
    expect(progress).to_have_count(0)  # the polling is gone with the run
    expect(page.get_by_role("button", name="Download history (.csv)")).to_be_visible()
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
