"""A loss node's inputs in the inspector, as a person edits them: names, expression, order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_canvas_e2e import type_into
from tests.e2e.test_editor_e2e import field, open_template

pytestmark = pytest.mark.e2e

LOSS = "insp.main.n6"  # add_loss_labels: 'losses' reads label_1, label_2, pred_1, pred_2


def expression_box(page):
    return field(page, f"{LOSS}.expr").locator("textarea")


def test_renaming_a_loss_input_renames_the_tensor_not_the_function_of_the_same_name(page, server):
    """The rename was a regex over the text: an input called abs turned abs(abs) into x(x)."""
    open_template(page, server, "add_loss_labels")
    field(page, "picker").click()
    page.get_by_role("option", name="losses · Loss").click()
    page.get_by_role("heading", name="losses").wait_for()
    type_into(page, f"{LOSS}.iname0", "abs")
    expect(expression_box(page)).to_have_value("sum(square(abs - pred_1) * 1) + sum(square(label_2 - pred_2) * 2)")
    box = expression_box(page)
    box.fill("sum(abs(abs - pred_1)) + sum(square(label_2 - pred_2) * 2)")
    box.press("Control+Enter")
    page.locator("pre", has_text="Total params").first.wait_for()
    type_into(page, f"{LOSS}.iname0", "y")
    expect(expression_box(page)).to_have_value("sum(abs(y - pred_1)) + sum(square(label_2 - pred_2) * 2)")
    # Moving an input down keeps its name with it: the expression is still right.
    field(page, f"{LOSS}.in0.down").locator("button").first.click()
    expect(field(page, f"{LOSS}.iname1").locator("input")).to_have_value("y")
    expect(field(page, f"{LOSS}.iname0").locator("input")).to_have_value("label_2")
    expect(page.get_by_role("heading", name="losses")).to_be_visible()
    expect(page.get_by_role("tab", name="Problems (0)")).to_be_visible()
