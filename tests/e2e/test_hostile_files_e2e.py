"""Project files that once hung or broke the page, uploaded through the sidebar as a
person does: each is refused in one line, nothing is opened, and the page keeps working."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_editor_e2e import open_template, summary_block

pytestmark = pytest.mark.e2e

INPUT = {"id": "n1", "kind": "input", "name": "x", "shape": [4]}
DENSE = {"id": "n2", "kind": "layer", "name": "d", "class_name": "Dense", "config": {"units": 2},
         "inputs": [{"node": "n1"}]}


def project_file(*nodes) -> str:
    graph = {"id": "main", "name": "m", "nodes": list(nodes), "outputs": [{"ref": {"node": "n2"}}]}
    return json.dumps({"format_version": 1, "title": "Hostile", "graphs": [graph]})


CASES = {
    "huge_position.json": (project_file({**INPUT, "position": [1e20, 1e20]}, DENSE),
                           "invalid project at graphs.0.nodes.0.position.0"),
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
    page.get_by_role("tab", name="Code").click()  # and the page still answers
    expect(page.get_by_role("button", name="Download code (.py)")).to_be_visible()
