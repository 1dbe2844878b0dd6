"""Python code in (issue 14), walked in the page: a residual model written as people write
it is pasted into "Import Python code"; the training call it cannot express is listed,
"Import the rest" opens the model; a .py file that imports os is refused in one line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_canvas_e2e import code_has, mlp_total, wait_total
from tests.e2e.test_editor_e2e import field, open_template, settled, summary_block
from tests.e2e.test_ops_e2e import canvas_label

pytestmark = pytest.mark.e2e

RESIDUAL = '''import keras
from keras import layers

inputs = keras.Input(shape=(32,), name="features")
x = layers.Dense(32, activation="relu", name="hidden")(inputs)
x = x + inputs
outputs = layers.Dense(3, activation="softmax", name="classes")(x)
model = keras.Model(inputs, outputs, name="residual_mlp")
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3)
'''
RESIDUAL_TOTAL = f"{32 * 32 + 32 + 32 * 3 + 3:,}"  # 1,155, as keras.Model.count_params() says


def open_code_import(page) -> None:
    page.get_by_text("Import Python code").click()


def paste_code(page, text: str) -> None:
    """Paste into the code box and apply it (Ctrl+Enter), then wait for the page to settle:
    CI lost an "Import code" click made while the box's own rerun (on blur) was running."""
    box = field(page, "code.text").locator("textarea")
    box.fill(text)
    box.press("Control+Enter")
    expect(field(page, "code.text")).not_to_contain_text("to apply")  # "Press Ctrl+Enter to apply" is gone
    settled(page)


def test_a_pasted_residual_model_lists_the_fit_call_then_opens(page, server):
    open_template(page, server, "mlp")
    open_code_import(page)
    paste_code(page, RESIDUAL)
    page.get_by_role("button", name="Import code", exact=True).click()
    expect(page.get_by_text("pasted code: 1 statement left out; the rest builds 'residual_mlp'.")).to_be_visible()
    expect(page.get_by_text("line 10: 'x_train' is not defined")).to_be_visible()
    expect(summary_block(page)).to_contain_text(f"Total params: {mlp_total()}")  # nothing opened yet

    page.get_by_role("button", name="Import the rest", exact=True).click()
    expect(summary_block(page)).to_contain_text(f"Total params: {RESIDUAL_TOTAL}")
    code_has(page, "x = hidden + features")
    code_has(page, 'loss="categorical_crossentropy"')
    assert canvas_label(page, "x") == "hidden + features\n(None, 32)"
    expect(page.get_by_text("line 10: 'x_train' is not defined")).to_have_count(0)
    expect(field(page, "code.text").locator("textarea")).to_have_value(RESIDUAL)  # the pasted text stays


def test_an_uploaded_file_that_imports_os_is_refused_and_the_page_goes_on(page, server, tmp_path):
    open_template(page, server, "mlp")
    open_code_import(page)
    path = tmp_path / "evil.py"
    path.write_text("import os\nopen('/tmp/kgs-never-written', 'w').write('hi')\n", encoding="utf-8")
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Or a .py file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    expect(page.get_by_text("code import refused: line 2: open() is not model-building code")).to_be_visible()
    wait_total(page, mlp_total())  # the mlp is still open

    paste_code(page, RESIDUAL.replace("model.fit(x_train, y_train, epochs=3)\n", ""))
    page.get_by_role("button", name="Import code", exact=True).click()
    expect(summary_block(page)).to_contain_text(f"Total params: {RESIDUAL_TOTAL}")  # no line left out: it opens
