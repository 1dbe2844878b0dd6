"""Issue 22, items 2, 3 and the Train tab's polish of 9, in headless Chromium.

- A 1,002-node graph's "Draw the diagram" shows an image that Graphviz drew on the server
  (the browser's own renderer gave up on it: a 0 px chart and `pageerror: undefined`).
- A run goes on while any tab of the editor is open, whichever project it shows; the
  library marks the project that trains.
- The Train tab counts in the singular where it counts one, clears "tracing the model"
  once the first batch is done, and its charts make Vega log no "Infinite extent".

Every test fails on browser console errors, and on any console message that mentions
"Infinite extent" (Vega logs those as warnings).
"""

from __future__ import annotations

import contextlib
import os
import re
import time

import pytest
from playwright.sync_api import expect

from support.big_graphs import residual_stack
from editor.files import project_files
from editor.model.graph import Node, Output, Ref
from tests.e2e.conftest import free_port, quiet_tab, start_server, stop_server, wait_healthy
from tests.e2e.test_library_e2e import choose, options, settled, sidebar
from tests.e2e.test_train_e2e import expect_training, project_id, set_number, start_training, stop_training
from tests.e2e.test_editor_e2e import open_template, summary_block
from support.tabs import open_tab

pytestmark = pytest.mark.e2e

GRACE_S = 1  # KGS_RUN_GRACE_S of this file's server: a run nobody wants stops after 1 s


@pytest.fixture(scope="module")
def short_grace_server(tmp_path_factory, chromium):
    """A server of its own whose runs stop 1 s after the last tab of the editor closes, with
    a workspace of its own (the projects made here stay out of the other files' library)."""
    port = free_port()
    folder = tmp_path_factory.mktemp("streamlit")
    own = {"KGS_RUN_GRACE_S": str(GRACE_S), "KGS_WORKSPACE": str(folder / "workspace.sqlite3")}
    before = {name: os.environ.get(name) for name in own}
    os.environ.update(own)
    try:
        proc = start_server(port, folder / "server.log")
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


@contextlib.contextmanager
def no_infinite_extent(page):
    """Fails if any console message of `page` mentions Vega's "Infinite extent"."""
    found: list[str] = []
    page.on("console", lambda m: found.append(f"console.{m.type}: {m.text}") if "Infinite extent" in m.text else None)
    yield
    assert not found, "Vega drew a chart without finite data:\n" + "\n".join(found)


def graph_of_1002_nodes():
    """The big-graph benchmark's residual stack (1,000 nodes) and two Dense layers after it."""
    project = residual_stack(1000)
    main = project.main
    last = main.outputs[0].ref.node
    extra = (
        Node(id="x1", kind="layer", name="head_1", class_name="Dense", config={"units": 8}, inputs=(Ref(node=last),)),
        Node(id="x2", kind="layer", name="head_2", class_name="Dense", config={"units": 4}, inputs=(Ref(node="x1"),)),
    )
    graph = main.model_copy(update={"nodes": main.nodes + extra, "outputs": (Output(ref=Ref(node="x2"), loss="mse"),)})
    return project.model_copy(update={"graphs": (graph,), "title": "Residual stack of 1,002 nodes"})


# ----------------------------------------------------------------------------- item 2


def test_a_1002_node_diagram_is_drawn_as_an_image(page, server, tmp_path, screenshots):
    project = graph_of_1002_nodes()
    assert len(project.main.nodes) == 1002
    path = tmp_path / "residual_1002.json"
    path.write_text(project_files.dumps(project))
    page.goto(f"{server}/?template=mlp")
    summary_block(page).wait_for()
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    expect(page.get_by_text(re.compile(r"of 1,?002 nodes around 'input'"))).to_be_visible(timeout=120_000)
    settled(page)
    open_tab(page, "Diagram", page.get_by_text("1,002 nodes: the diagram is laid out when you ask for it"))
    page.get_by_role("button", name="Draw the diagram").click()
    image = page.locator("[data-testid='stImage'] img")
    expect(image).to_be_visible(timeout=180_000)
    page.wait_for_function("img => img.complete && img.naturalHeight > 0", arg=image.element_handle())
    assert image.bounding_box()["height"] > 0
    expect(page.get_by_text("1,002 nodes, drawn by Graphviz on the server")).to_be_visible()
    expect(page.get_by_role("button", name="Download DOT")).to_be_visible()
    expect(page.get_by_role("button", name="Download SVG")).to_be_visible()
    expect(page.locator("[data-testid='stGraphVizChart']")).to_have_count(0)  # the browser lays out nothing
    page.screenshot(path=str(screenshots / "diagram_1002_nodes.png"))


# ----------------------------------------------------------------------------- item 3


def test_a_run_goes_on_while_the_tab_shows_another_project(chromium, short_grace_server):
    server = short_grace_server
    with quiet_tab(chromium) as page, no_infinite_extent(page):
        open_template(page, server, "mlp")
        first = project_id(page)
        start_training(page, epochs=100_000, samples=256, batch_size=8)
        expect_training(page)
        sidebar(page).get_by_role("button", name="New project").click()
        expect(page).not_to_have_url(re.compile(f"project={first}"))
        settled(page)
        listed = options(page, "Projects")
        marked = [t for t in listed if "training" in t]
        assert len(marked) == 1 and marked[0].startswith("Multilayer perceptron (MLP) · training ·"), listed
        # Far past the grace: the tab is open, so the run must not stop (it used to, after
        # the grace, "because no open page showed it").
        time.sleep(GRACE_S * 6)
        choose(page, "Projects", "· training")
        expect(page).to_have_url(re.compile(f"project={first}"))
        open_tab(page, "Train")
        expect_training(page)
        expect(page.get_by_text("Stopped:")).to_have_count(0)
        assert any(t.startswith("Multilayer perceptron (MLP) (open here) · training") for t in options(page, "Projects"))
        stop_training(page)


# ----------------------------------------------------------------------------- item 9


def test_train_tab_words_and_charts(page, server):
    with no_infinite_extent(page):
        open_template(page, server, "mlp")
        # One long first epoch (20,000 batches): its progress line is on screen for a while.
        start_training(page, epochs=2, samples=20_000, batch_size=1)
        progress = page.locator("[data-testid='stProgress']")
        expect(progress).to_contain_text("samples/s", timeout=60_000)
        expect(progress).to_contain_text(re.compile(r"^epoch 1/2 · [\d,]+ samples/s"))
        assert "tracing" not in progress.inner_text()
        expect(page.get_by_text("Loss per batch")).to_be_visible()
        stop_training(page)
        set_number(page, "train.epochs", 1)
        set_number(page, "train.samples", 64)
        set_number(page, "train.batch_size", 64)
        page.get_by_role("button", name="Start training").click()
        done = page.get_by_text(re.compile(r"^Trained 1 epoch with seed 0 in "))
        expect(done).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Loss per epoch")).to_be_visible()
        settled(page)
