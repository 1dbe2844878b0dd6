"""The Train tab in headless Chromium: the progress line and the curves redraw by
themselves while a run goes (the polling fragment), and Stop keeps the history."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.test_editor_e2e import field, open_template, settled, summary_block
from support.tabs import open_tab

pytestmark = pytest.mark.e2e


def set_number(page, key: str, value: int) -> None:
    box = field(page, key).locator("input")
    box.fill(str(value))
    box.press("Enter")
    expect(box).to_have_value(str(value))


def test_live_curves_update_while_training_and_stop_keeps_the_history(page, server, screenshots):
    open_template(page, server, "mlp")
    open_tab(page, "Train")
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


def start_training(page, **numbers) -> None:
    open_tab(page, "Train")
    for key, value in numbers.items():
        set_number(page, f"train.{key}", value)
    page.get_by_role("button", name="Start training").click()


def expect_training(page) -> None:
    """The run is going and this page polls it: the progress line reports a speed."""
    expect(page.locator("[data-testid='stProgress']")).to_contain_text("samples/s", timeout=60_000)
    expect(page.get_by_role("button", name="Stop")).to_be_enabled()
    expect(page.get_by_role("button", name="Start training")).to_be_disabled()


def stop_training(page) -> None:
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_text(re.compile(r"Stopped: stopped by the user at epoch \d+, batch \d+"))).to_be_visible()
    expect(page.get_by_role("button", name="Start training")).to_be_enabled()
    expect(page.get_by_role("button", name="Stop")).to_be_disabled()
    expect(page.locator("[data-testid='stProgress']")).to_have_count(0)


def project_id(page) -> str:
    found = re.search(r"[?&]project=([^&]+)", page.url)
    assert found, page.url
    return found.group(1)


def test_stop_brings_start_back_with_the_history(page, server):
    open_template(page, server, "mlp")
    start_training(page, epochs=1000, samples=256, batch_size=8)
    expect_training(page)
    stop_training(page)
    expect(page.get_by_role("button", name="Download history (.csv)")).to_be_visible()


def test_a_run_belongs_to_its_project(page, server):
    """Issue 11 #14: another project's Train tab shows nothing of this project's run."""
    open_template(page, server, "mlp")
    first = project_id(page)
    start_training(page, epochs=1000, samples=256, batch_size=8)
    expect_training(page)
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="New project").click()
    expect(page).not_to_have_url(re.compile(f"project={first}"))  # the new project is open
    expect(page.get_by_role("button", name="Start training")).to_be_enabled()
    expect(page.get_by_role("button", name="Stop")).to_be_disabled()
    expect(page.locator("[data-testid='stProgress']")).to_have_count(0)
    expect(page.get_by_text("results are hidden")).to_have_count(0)
    expect(page.get_by_text("Stopped:")).to_have_count(0)
    # Back to the first project (its address): its run is still there, still going.
    page.goto(f"{server}/?project={first}")
    summary_block(page).wait_for()
    open_tab(page, "Train")
    expect_training(page)
    stop_training(page)


def test_a_refreshed_tab_finds_its_run_again(page, server):
    """Issue 17 #3: a refresh reattaches to the run of the project in the address."""
    open_template(page, server, "mlp")
    start_training(page, epochs=1000, samples=256, batch_size=8)
    expect_training(page)
    page.reload()
    summary_block(page).wait_for()
    settled(page)  # a run still redrawing the page after the reload can reset the tabs (CI saw it)
    open_tab(page, "Train")
    expect_training(page)
    stop_training(page)


def final_loss(page, seed: int) -> str:
    """The final loss of the run with this seed (waits for its results, not an earlier run's)."""
    done = page.get_by_text(re.compile(rf"Trained 2 epochs with seed {seed} in .*, final loss [\d.e+-]+"))
    expect(done).to_be_visible(timeout=120_000)
    return re.search(r"final loss ([\d.e+-]+)", done.inner_text()).group(1)


def test_the_same_seed_trains_to_the_same_loss(page, server):
    """Issue 11 #9: the Train tab's seed makes the run repeatable; another seed does not repeat it."""
    open_template(page, server, "mnist_mlp")  # has Dropout: its masks follow the seed too
    start_training(page, epochs=2, samples=128, batch_size=16, seed=0)
    first = final_loss(page, seed=0)
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text("final loss")).to_have_count(0)  # the new run is going
    assert final_loss(page, seed=0) == first
    set_number(page, "train.seed", 1)
    page.get_by_role("button", name="Start training").click()
    assert final_loss(page, seed=1) != first  # waits for seed 1's results: a lost click cannot pass or fail it


def test_a_new_loss_node_does_not_take_the_total_loss_name(page, server):
    """Issue 11 #15: Keras logs the total as "loss"; a new loss node is named after its source."""
    from editor.canvas import placement
    from editor.templates import load_template
    from support.canvas import select_node

    mlp = load_template("mlp")
    open_template(page, server, "mlp")
    source = mlp.main.node("n4").name
    select_node(page, "n4", page.get_by_role("heading", name=source), placement.layout(mlp.main))
    open_tab(page, "Add nodes")
    page.get_by_role("button", name="Add loss node").click()
    open_tab(page, "Inspector")
    expect(field(page, "insp.main.n6.name").locator("input")).to_have_value(f"{source}_loss_term")
