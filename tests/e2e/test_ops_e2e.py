"""Models as people write them (issue 13), walked in the page: a residual `x + y` and a
scaled output built from the palette's ops group, and an LSTM encoder-decoder whose
states go in by keyword (initial_state), imported from a .keras file Keras saved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from support.canvas import FIND_NETWORK, canvas_frame
from tests.e2e.test_canvas_e2e import choose, code_has, inspector_heading, mlp_total, pick, type_into, wait_total
from tests.e2e.test_editor_e2e import field, open_template, summary_block
from tests.e2e.test_train_e2e import start_training
from support.tabs import open_tab

pytestmark = pytest.mark.e2e

OPS_GROUP = "ops (keras.ops on tensors)"


def add_op(page, option: str, button: str) -> None:
    open_tab(page, "Add nodes")
    choose(page, "palette.group", OPS_GROUP)
    choose(page, "palette.op", option)
    page.get_by_role("button", name=button, exact=True).click()


def canvas_label(page, node_id: str) -> str:
    frame = canvas_frame(page)
    assert frame.evaluate(FIND_NETWORK)
    return frame.evaluate(f"() => window.__kgsNetwork.body.data.nodes.get('{node_id}').label")


def problems_tab(page, count: int):
    return page.get_by_role("tab", name=f"Problems ({count})")


def trained(page, epochs: int) -> None:
    done = page.get_by_text(re.compile(rf"Trained {epochs} epochs? with seed \d+ in .*, final loss [\d.e+-]+"))
    expect(done).to_be_visible(timeout=120_000)


def test_a_scaled_residual_from_the_ops_group_builds_exports_and_trains(page, server):
    open_template(page, server, "mlp")
    pick(page, "hidden1 · Dense")
    add_op(page, "scale: x * 2.0", "Insert after hidden1")
    open_tab(page, "Inspector")
    expect(inspector_heading(page, "scale")).to_be_visible()  # the new op is selected
    expect(field(page, "insp.main.n6.set.number").locator("input")).to_have_value("2.0")
    type_into(page, "insp.main.n6.set.number", "3")
    expect(field(page, "insp.main.n6.expr").locator("input")).to_have_value("x * 3")
    code_has(page, "scale = hidden1 * 3")
    assert canvas_label(page, "n6") == "x * 3\n(None, 512)"  # small: the expression and the shape
    wait_total(page, mlp_total())  # an op has no weights

    add_op(page, "add: x + y", "Insert after scale")
    expect(problems_tab(page, 1)).to_be_visible()  # y is not wired yet
    panel = page.get_by_role("tabpanel", name="Problems (1)")
    open_tab(page, "Problems (1)", panel.get_by_text("node 'add': expression: unknown name 'y' at column 5 (available: x)"))
    open_tab(page, "Inspector")
    expect(inspector_heading(page, "add")).to_be_visible()
    choose(page, "insp.main.n7.add_input", "hidden1 · Dense")
    expect(field(page, "insp.main.n7.iname1").locator("input")).to_have_value("y")  # the wire takes the free name
    expect(problems_tab(page, 0)).to_be_visible()
    code_has(page, "add = scale + hidden1")
    code_has(page, 'name="hidden2")(add)')
    wait_total(page, mlp_total())
    assert canvas_label(page, "n7") == "x + y\n(None, 512)"

    start_training(page, epochs=1, samples=64, batch_size=16)
    trained(page, 1)


def seq2seq_file(tmp_path) -> str:
    import keras

    layers = keras.layers
    encoder_inputs = keras.Input((10, 6), name="encoder_inputs")
    _, state_h, state_c = layers.LSTM(8, return_state=True, name="encoder")(encoder_inputs)
    decoder_inputs = keras.Input((9, 5), name="decoder_inputs")
    decoded, _, _ = layers.LSTM(8, return_sequences=True, return_state=True, name="decoder")(
        decoder_inputs, initial_state=[state_h, state_c])
    outputs = layers.Dense(5, activation="softmax", name="next_char")(decoded)
    path = tmp_path / "seq2seq.keras"
    keras.Model([encoder_inputs, decoder_inputs], outputs, name="seq2seq").save(path)
    return str(path)


def test_an_encoder_decoder_with_initial_state_imports_edits_and_trains(page, server, tmp_path):
    open_template(page, server, "mlp")
    page.get_by_text("Import a Keras model").click()
    uploader = page.locator("[data-testid='stFileUploader']", has_text="A .keras, .h5 or model.to_json() file")
    uploader.locator("input[type='file']").set_input_files(seq2seq_file(tmp_path))
    expect(summary_block(page)).to_contain_text("Total params: 973")  # LSTMs 4*(8*(6+8)+8) + 4*(8*(5+8)+8), Dense 45
    pick(page, "decoder · LSTM")
    expect(inspector_heading(page, "decoder")).to_be_visible()
    state_wire = field(page, "insp.seq2seq.decoder.kw1").locator("input")
    expect(state_wire).to_have_value("as initial_state=")
    code_has(page, "(decoder_inputs, initial_state=[encoder[1], encoder[2]])")
    frame = canvas_frame(page)
    assert frame.evaluate(FIND_NETWORK)
    labels = frame.evaluate("() => window.__kgsNetwork.body.data.edges.get().map(e => e.label || '')")
    assert "initial_state out 1" in labels and "initial_state out 2" in labels

    # Passing the cell state positionally is a mistake the problems name, on the node.
    choose(page, "insp.seq2seq.decoder.kw2", "positional")
    expect(problems_tab(page, 1)).to_be_visible()
    page.get_by_role("tab", name="Problems (1)").click()
    panel = page.get_by_role("tabpanel", name="Problems (1)")
    expect(panel.get_by_text("node 'decoder': LSTM takes one tensor but 2 are wired in")).to_be_visible()
    open_tab(page, "Inspector")
    choose(page, "insp.seq2seq.decoder.kw2", "as initial_state=")
    expect(problems_tab(page, 0)).to_be_visible()

    pick(page, "next_char · Dense")
    choose(page, "insp.seq2seq.next_char.loss", "categorical_crossentropy")
    start_training(page, epochs=1, samples=32, batch_size=8)
    trained(page, 1)
