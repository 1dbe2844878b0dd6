"""Blocks in the browser (issue 26): group three nodes into a block and ungroup them; open
ResNet50 collapsed, expand a block and collapse it again; "Apply to every block of this
kind" and Undo; helper-function code pasted shows its blocks, and its export writes one
`def` that runs and builds the same parameters. Every journey fails on a browser console
error (the `page` fixture)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from editor.files import project_files
from editor.model.block_finding import found_blocks
from editor.model.graph import Project
from support.canvas import FIND_NETWORK, canvas_frame, network_node_ids, polled, select_node
from tests.e2e.test_canvas_e2e import inspector_heading, mlp_total, type_into, wait_total
from tests.e2e.test_editor_e2e import field, open_template, summary_block
from tests.e2e.test_code_import_e2e import paste_code
from tests.test_blocks import residual_chain
from support.tabs import open_tab

pytestmark = pytest.mark.e2e


def drawn(page, wanted, seconds: float = 90) -> list[str]:
    """The canvas's node ids once `wanted(ids)` holds (the canvas redraws a moment after a rerun)."""
    ok, ids = polled(page, lambda: network_node_ids(page), wanted, seconds)
    assert ok, f"the canvas drew {ids}"
    return ids


def labels(page) -> dict[str, str]:
    """Canvas id -> the label drawn."""
    frame = canvas_frame(page)
    assert frame.evaluate(FIND_NETWORK)
    return frame.evaluate("() => Object.fromEntries(window.__kgsNetwork.body.data.nodes.get().map(n => [n.id, n.label]))")


def pick_option(page, box, option: str, typed: str = "", multi: bool = False) -> None:
    """Open a select or multiselect, type `typed` (a long list draws only what fits) and
    click `option` until the box shows it (a select: as its value; a multiselect: as a
    chip). A click that meets a rerun replacing the list is lost, so the pick is repeated."""
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(12):
        try:
            box.locator("input").first.click(timeout=5_000)
            page.get_by_role("option").first.wait_for(timeout=5_000)
            page.keyboard.type(typed)
            wanted.click(timeout=5_000)
            page.keyboard.press("Escape")
            if multi:
                expect(box.get_by_text(option, exact=True)).to_be_visible(timeout=5_000)
            else:
                expect(box.locator("input").first).to_have_value(option, timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - the list closed or was replaced: pick again
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose '{option}'")


def open_expander(page, title: str, inside) -> None:
    """Open an expander until `inside` shows (a click that meets a rerun is lost)."""
    for _ in range(6):
        page.get_by_text(title, exact=True).click()
        try:
            expect(inside).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(inside).to_be_visible()


def press(page, key: str) -> None:
    """Click the button of Streamlit key `key` (a button with a tooltip renders two)."""
    field(page, key).locator("button").first.click()


def test_group_three_nodes_into_one_box_then_ungroup(page, server):
    open_template(page, server, "mlp")
    nodes = field(page, "blocks.group.nodes")
    open_expander(page, "Group nodes into a block", nodes)
    for count, option in enumerate(("hidden1 · Dense", "hidden2 · Dense", "hidden3 · Dense"), start=1):
        pick_option(page, nodes, option, multi=True)
        expect(nodes.get_by_text(" · Dense")).to_have_count(count)  # the chips chosen so far
    type_into(page, "blocks.group.name", "hidden_stack")
    press(page, "blocks.group.go")
    expect(inspector_heading(page, "hidden_stack")).to_be_visible()
    ids = drawn(page, lambda ids: sorted(ids) == ["block:b1", "n1", "n5"])
    assert labels(page)["block:b1"].startswith("hidden_stack\nblock · 3 nodes\n(None, 784) → (None, 128)")
    wait_total(page, mlp_total())  # the model is the same
    press(page, "blk.main.b1.ungroup")
    drawn(page, lambda ids: sorted(ids) == ["n1", "n2", "n3", "n4", "n5"])
    expect(inspector_heading(page, "hidden_stack")).to_have_count(0)


def test_resnet50_opens_collapsed_expand_a_block_and_collapse_it(page, server, screenshots):
    open_template(page, server, "mlp")
    open_expander(page, "Import a Keras model", field(page, "import.application"))
    pick_option(page, field(page, "import.application"), "ResNet50", typed="ResNet50")
    press(page, "import.application_go")
    expect(summary_block(page)).to_contain_text("Total params: 25,636,712", timeout=180_000)
    ids = drawn(page, lambda ids: any(i.startswith("block:") for i in ids))
    assert len(ids) == 9 <= 25, ids  # input, conv1, pool1, conv2..conv5, avg_pool, predictions
    boxes = {label.split("\n")[0]: item for item, label in labels(page).items() if item.startswith("block:")}
    assert {"conv2", "conv3", "conv4", "conv5"} <= set(boxes), boxes
    assert labels(page)[boxes["conv2"]].endswith(" params")
    page.screenshot(path=str(screenshots / "blocks_resnet50_collapsed.png"))

    conv2 = boxes["conv2"]
    select_node(page, conv2, inspector_heading(page, "conv2"))
    page.get_by_role("button", name="Expand", exact=True).click()
    ids = drawn(page, lambda ids: conv2 not in ids)
    inner = {label.split("\n")[0]: item for item, label in labels(page).items()}
    assert {"conv2_block1", "conv2_block2", "conv2_block3"} <= set(inner), inner
    page.get_by_role("button", name="Collapse", exact=True).click()
    drawn(page, lambda ids: conv2 in ids and len(ids) == 9)

    # A residual block inside it: its arguments, its nodes
    page.get_by_role("button", name="Expand", exact=True).click()
    drawn(page, lambda ids: inner["conv2_block2"] in ids)
    select_node(page, inner["conv2_block2"], inspector_heading(page, "conv2_block2"))
    expect(page.get_by_text("12 blocks of kind")).to_be_visible()
    table = page.locator("table", has_text="1_conv.filters")
    expect(table).to_be_visible()
    assert table.locator("th").all_inner_texts() == ["block", "1_conv.filters", "2_conv.filters", "3_conv.filters"]
    page.screenshot(path=str(screenshots / "blocks_resnet50_arguments.png"))
    page.get_by_role("button", name="Expand", exact=True).click()
    drawn(page, lambda ids: inner["conv2_block2"] not in ids)
    names = {label.split("\n")[0] for label in labels(page).values()}
    assert {"conv2_block2_1_conv", "conv2_block2_1_bn", "conv2_block2_1_relu", "conv2_block2_2_conv"} <= names, names
    page.get_by_role("button", name="Collapse", exact=True).click()
    drawn(page, lambda ids: inner["conv2_block2"] in ids)
    press(page, "blocks.collapse_all")
    drawn(page, lambda ids: conv2 in ids and len(ids) == 9)


def chain_project() -> Project:
    """123 nodes: an input, a stem, 40 residual blocks of one kind (Dense 8, Dense 8, Add), an output."""
    return Project(title="Residual chain", graphs=(found_blocks(residual_chain([8] * 40)),))


CHAIN_TOTAL = 72 + 40 * 144 + 9  # stem, blocks of 72 + 72, out


def test_apply_to_every_block_of_the_kind_then_undo(page, server, tmp_path):
    path = tmp_path / "chain.json"
    path.write_text(project_files.dumps(chain_project()))
    open_template(page, server, "mlp")
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    wait_total(page, f"{CHAIN_TOTAL:,}")
    drawn(page, lambda ids: "block:b2" in ids)
    expect(page.get_by_text("of 43 nodes around 'x'")).to_be_visible()  # x, stem, 40 boxes, out
    select_node(page, "block:b2", inspector_heading(page, "sum1"))
    expect(page.get_by_text("40 blocks of kind add_block")).to_be_visible()
    pick_option(page, field(page, "blk.g.b2.apply.field"), "use_bias")
    type_into(page, "blk.g.b2.apply.value", "false")
    press(page, "blk.g.b2.apply.go")
    wait_total(page, f"{CHAIN_TOTAL - 40 * 8:,}")  # each block's first Dense loses its 8 biases
    press(page, "toolbar.undo")
    wait_total(page, f"{CHAIN_TOTAL:,}")


HELPER_CODE = '''import keras
from keras import layers

def residual_block(x, units):
    y = layers.Dense(units, activation="relu")(x)
    y = layers.Dense(16)(y)
    return layers.Add()([x, y])

inputs = keras.Input(shape=(16,))
x = residual_block(inputs, 32)
x = residual_block(x, 64)
x = residual_block(x, 32)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
'''
HELPER_TOTAL = (33 * 32 + 16) * 2 + 33 * 64 + 16 + 16 * 3 + 3  # a block of u units: 16u + u + 16u + 16


def test_helper_code_pasted_shows_its_blocks_and_exports_them_as_a_def_that_runs(page, server, tmp_path):
    open_template(page, server, "mlp")
    open_expander(page, "Import Python code", field(page, "code.text"))
    paste_code(page, HELPER_CODE)
    page.get_by_role("button", name="Import code", exact=True).click()
    wait_total(page, f"{HELPER_TOTAL:,}")
    expect(page.get_by_text("3 blocks, 3 expanded: residual_block, residual_block_1, residual_block_2")).to_be_visible()
    press(page, "blocks.collapse_all")
    drawn(page, lambda ids: sorted(i for i in ids if i.startswith("block:")) == ["block:b1", "block:b2", "block:b3"]
          and len(ids) == 5)
    assert labels(page)["block:b2"] == "residual_block_1\nresidual_block · 3 nodes\n(None, 16) → (None, 16)\n2,128 params"

    open_tab(page, "Code")  # only the open preview tab is drawn
    code = page.locator("pre", has_text="def build_model").first
    code.wait_for()
    source = code.text_content()
    assert "def residual_block(x, name, names, units):" in source and source.count("= residual_block(") == 3
    script = tmp_path / "exported.py"
    script.write_text(source, encoding="utf-8")
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert f"Total params: {HELPER_TOTAL:,}" in ran.stdout
