"""Project files that once hung or broke the page, uploaded through the sidebar as a
person does: each is refused in one line, nothing is opened, and the page keeps working."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_editor_e2e import open_template, summary_block
from support.tabs import open_tab

pytestmark = pytest.mark.e2e

INPUT = {"id": "n1", "kind": "input", "name": "x", "shape": [4]}
DENSE = {"id": "n2", "kind": "layer", "name": "d", "class_name": "Dense", "config": {"units": 2},
         "inputs": [{"node": "n1"}]}


def project_file(*nodes) -> str:
    graph = {"id": "main", "name": "m", "nodes": list(nodes), "outputs": [{"ref": {"node": "n2"}}]}
    return json.dumps({"format_version": 1, "title": "Hostile", "graphs": [graph]})


CASES = {
    "huge_position.json": (project_file({**INPUT, "position": [1e20, 1e20]}, DENSE),
                           "invalid project: node 'x': position: Input should be less than or equal to 1000000"),
    "infinite.json": (project_file({**INPUT, "position": [0, 0]}, DENSE).replace("[0, 0]", "[Infinity, 0]"),
                      "Infinity is not a number a project can hold"),
    "same_ids.json": (project_file(INPUT, {**DENSE, "id": "n1"}), "nodes 'x' and 'd' have the same id 'n1'"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_project_file_is_refused_and_the_page_keeps_working(page, server, tmp_path, name):
    text, reason = CASES[name]
    path = tmp_path / name
    path.write_text(text)
    open_template(page, server, "mlp")
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    alert = page.locator("[data-testid='stAlert']", has_text=reason)
    expect(alert).to_be_visible()
    assert name in alert.inner_text()
    assert "Total params: 541,794" in summary_block(page).inner_text()  # mlp is still open
    open_tab(page, "Code")  # and the page still answers
    expect(page.get_by_role("button", name="Download code (.py)")).to_be_visible()


def test_a_layer_outside_the_palette_can_be_read_and_deleted(page, server, tmp_path):
    """The inspector crashed on a Lambda of an uploaded project ("name 'md' is not defined")
    and offered no Delete: it explains in one line, shows the config read-only, and deletes."""
    lam = {"id": "n3", "kind": "layer", "name": "lam", "class_name": "Lambda", "config": {"function": "x"},
           "inputs": [{"node": "n2"}]}
    path = tmp_path / "lambda.json"
    path.write_text(project_file(INPUT, DENSE, lam))
    page.goto(f"{server}/?template=mlp")
    summary_block(page).wait_for()
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    from tests.e2e.test_editor_e2e import field

    field(page, "picker").click()
    page.get_by_role("option", name="lam · Lambda").click()
    page.get_by_role("heading", name="lam").wait_for()
    expect(page.locator("[data-testid='stAlert']", has_text="Lambda cannot be edited or built here")).to_contain_text(
        "runs arbitrary Python code")
    assert "unexpected error" not in page.locator("body").inner_text()
    page.get_by_role("button", name="Delete node").click()
    expect(page.get_by_role("heading", name="lam")).to_have_count(0)
    page.locator("pre", has_text="Total params").first.wait_for()  # without it the model builds


LONG_STEM = "m" * 296  # with ".json", 300 characters: longer than a file name may be on disk


def test_a_300_character_upload_name_imports_and_shows_no_server_path(page, server):
    """A model file named with 300 characters failed with "[Errno 36] File name too long:
    '/tmp/kgs-import-…'", which also showed a server path: it imports under a shortened name."""
    import keras

    inputs = keras.Input((3,), name="x")
    model_json = keras.Model(inputs, keras.layers.Dense(2, name="d")(inputs)).to_json()
    open_template(page, server, "mlp")
    page.get_by_text("Import a Keras model").click()
    uploader = page.locator("[data-testid='stFileUploader']", has_text="model.to_json() file")
    uploader.locator("input[type='file']").set_input_files(
        {"name": LONG_STEM + ".json", "mimeType": "application/json", "buffer": model_json.encode()})
    expect(summary_block(page)).to_contain_text("Total params: 8")
    body = page.locator("body").inner_text()
    assert "Errno" not in body and "/tmp" not in body and "kgs-import" not in body


def test_a_300_character_project_file_name_is_named_shortly(page, server):
    open_template(page, server, "mlp")
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(
        {"name": LONG_STEM + ".json", "mimeType": "application/json", "buffer": b"{not json"})
    alert = page.locator("[data-testid='stAlert']", has_text="not valid JSON")
    expect(alert).to_be_visible()
    assert LONG_STEM not in alert.inner_text()  # the name is shortened in the one line
    assert "m" * 40 in alert.inner_text() and "….json" in alert.inner_text()


def test_a_problem_tooltip_reads_as_written_and_runs_no_markup(page, server, tmp_path):
    """Canvas tooltips showed '&lt;img' (escaped for innerHTML, then shown as text): the
    message reads as Keras wrote it, and the markup in it is never parsed as HTML."""
    from support.canvas import canvas_frame, node_point

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = "<img src=x onerror=alert(1)> & more"
    path = tmp_path / "activation.json"
    path.write_text(project_file(INPUT, {**DENSE, "config": {"units": 2, "activation": hostile}}))
    open_template(page, server, "mlp")
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    page.get_by_role("tab", name="Problems (1)").wait_for()
    frame = canvas_frame(page)
    x, y = node_point(page, "n2")
    frame.locator(".vis-network canvas").hover(position={"x": x, "y": y})
    tooltip = frame.locator(".vis-tooltip")
    expect(tooltip).to_be_visible()
    text = tooltip.inner_text().replace("\u200b", "")  # the invisible tag break
    assert "Could not interpret activation function identifier: <img src=x onerror=alert(1)>" in text
    assert "&lt;" not in text and "&amp;" not in text
    assert frame.locator("img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []  # the onerror never ran
