"""The diff overlay (issue 15.2) as a person uses it: edit a project, pick "Compare with"
one of its revisions or another project of the library, and read the canvas (added nodes
green, changed amber, removed ones ghosted red where they were) and the list of changes
with the parameter delta and the weights that would still load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from editor.canvas import looks, placement
from support.canvas import click_node, polled, select_node
from tests.e2e.test_canvas_e2e import MLP, add_dropout, field, inspector_heading, mlp_total, type_into, wait_total
from tests.e2e.test_cost_e2e import drawn
from tests.e2e.test_editor_e2e import open_template
from tests.e2e.test_library_e2e import rename
from support.tabs import open_tab

pytestmark = pytest.mark.e2e


def compare_with(page, typed: str, option: re.Pattern) -> None:
    """Open "Compare with", type to filter, click the first option that matches (the
    library lists the most recently saved project first)."""
    field(page, "compare.with").locator("input").first.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()


def changes(page):
    return page.locator("[data-testid='stExpander']", has_text="Changes (")


def wait_drawn(page, node_id: str, wanted) -> dict:
    """The node as vis-network holds it, once `wanted(node)` is true."""
    reached, last = polled(page, lambda: drawn(page, node_id), lambda node: node is not None and wanted(node), 30)
    if not reached:
        raise AssertionError(f"{node_id} never looked as wanted; last seen: {last}")
    return last


def test_compare_with_the_first_revision_marks_added_and_changed_nodes(page, server):
    open_template(page, server, "mlp")
    select_node(page, "n2", inspector_heading(page, "hidden1"), layout=placement.layout(MLP))
    add_dropout(page, "Insert after hidden1")
    open_tab(page, "Inspector")
    expect(inspector_heading(page, "dropout")).to_be_visible()
    select_node(page, "n3", inspector_heading(page, "hidden2"))
    type_into(page, "insp.main.n3.cfg.units", "100")
    wait_total(page, mlp_total(h2=100))

    compare_with(page, "revision 1", re.compile(r"^revision 1\b"))
    added = wait_drawn(page, "n6", lambda n: n["color"]["border"] == looks.DIFF_BORDERS["added"])
    assert "◆ added since the version compared with" in added["title"]
    assert "◆ changed since the version compared with" in drawn(page, "n3")["title"]  # selected: its border says so
    assert drawn(page, "n4")["borderWidth"] == 1  # hidden3's shape changed, the node did not
    box = changes(page)
    expect(box).to_contain_text("added mlp/dropout: Dropout; reads hidden1")
    expect(box).to_contain_text("changed mlp/hidden2: units: 216 → 100; inputs: hidden1 → dropout")  # Markdown draws -> as →
    expect(box).to_contain_text(f"Parameters: 541,794 → {mlp_total(h2=100)} (-74,356)")
    expect(box).to_contain_text("Trained weights that would still load by layer name: hidden1, output; "
                                "not: hidden2, hidden3")

    compare_with(page, "nothing", re.compile("^nothing$"))
    wait_drawn(page, "n6", lambda n: n["borderWidth"] == 1)
    expect(changes(page)).to_have_count(0)


def test_compare_with_another_project_ghosts_its_removed_nodes(page, server):
    open_template(page, server, "mlp")
    rename(page, "The MLP that worked")  # a title no other test's project has
    open_template(page, server, "mnist_mlp")  # h1, h2, outputs: the mlp's output node is not in it
    compare_with(page, "The MLP that", re.compile(r"^project 'The MLP that worked'$"))
    ghost = wait_drawn(page, "ghost:n5", lambda n: True)
    assert ghost["label"] == "output\n(removed)"
    assert "removed since the version compared with: output" in ghost["title"]
    box = changes(page)
    expect(box).to_contain_text("removed mlp/output")  # named in the graph it was in (issue 22)
    expect(box).to_contain_text("Parameters: 541,794 → 27,882 (-513,912)")
    select_node(page, "n2", inspector_heading(page, "h1"))  # the canvas still works as a canvas
