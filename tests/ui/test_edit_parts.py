"""An inspector edit reruns only the parts of the editor area it changes (editor.ui.page_scope).

AppTest builds its page from the output of one run alone, so a run of the parts shows here
as a page holding the parts and not the form: that is what these tests read. (The other UI
tests set KGS_WHOLE_EDITOR=1, and every edit reruns the whole area there; the journeys in
tests/e2e/test_page_scope_e2e.py check in Chromium that the page keeps the form.)
"""

import pytest

from tests.ui.helpers import MLP_256_TOTAL, cfg_key, errors, graph, open_app, run, select, summary


@pytest.fixture(autouse=True)
def parts(monkeypatch):
    monkeypatch.setenv("KGS_WHOLE_EDITOR", "0")


def keys(at) -> set[str]:
    return {w.key for w in at.main if getattr(w, "key", None)}


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_a_units_edit_reruns_the_heading_summary_canvas_undo_and_revision_not_the_form():
    at = select(open_app("mlp"), "n2")
    at.number_input(key=cfg_key("n2", "units")).set_value(256)
    run(at)
    assert graph(at).node("n2").config["units"] == 256
    assert MLP_256_TOTAL in summary(at)
    assert "#### hidden1" in [m.value for m in at.markdown]
    assert any("(None, 256)" in c for c in captions(at)), captions(at)  # the heading's shape
    assert any("revision 2" in c for c in captions(at)), captions(at)  # the project bar
    undo = at.button(key="toolbar.undo")
    assert not undo.disabled and "set units of hidden1" in undo.help
    drawn = keys(at)
    assert cfg_key("n2", "units") not in drawn and "picker" not in drawn, drawn
    assert "toolbar.mode" not in drawn  # the toolbar's second row is no part
    assert any(o.startswith("revision 1") for o in at.selectbox(key="compare.with").options)  # the one before


def test_the_same_field_edited_again_leaves_the_undo_row_as_it_was():
    at = select(open_app("mlp"), "n2")
    at.number_input(key=cfg_key("n2", "units")).set_value(256)
    run(at)
    assert "toolbar.undo" in keys(at)  # a new undo label: the row is drawn
    run(at)  # the whole page again, form included
    at.number_input(key=cfg_key("n2", "units")).set_value(128)
    run(at)
    assert graph(at).node("n2").config["units"] == 128 and "(None, 128)" in summary(at)
    drawn = keys(at)
    assert "toolbar.undo" not in drawn and "toolbar.redo" not in drawn, drawn  # same label, same state
    run(at)
    assert "set units of hidden1" in at.button(key="toolbar.undo").help
    at.button(key="toolbar.undo").click()
    run(at)
    assert graph(at).node("n2").config["units"] == 256


def test_a_refused_value_redraws_the_form_with_its_reason():
    at = select(open_app("mlp"), "n2")
    at.number_input(key=cfg_key("n2", "units")).set_value(0)
    run(at)
    assert cfg_key("n2", "units") in keys(at)
    assert any("units" in e for e in errors(at)), errors(at)


def test_a_value_that_moves_its_field_out_of_more_parameters_redraws_the_form():
    at = select(open_app("mlp"), "n2")
    at.selectbox(key=cfg_key("n2", "kernel_initializer")).select("he_normal")
    run(at)
    assert graph(at).node("n2").config["kernel_initializer"] == "he_normal"
    assert cfg_key("n2", "kernel_initializer") in keys(at)


def test_with_a_cost_overlay_an_edit_redraws_the_whole_area():
    at = select(open_app("mlp"), "n2")
    at.selectbox(key="cost.mode").select("params")
    run(at)
    at.number_input(key=cfg_key("n2", "units")).set_value(256)
    run(at)
    assert MLP_256_TOTAL in summary(at)
    assert {cfg_key("n2", "units"), "cost.mode", "picker"} <= keys(at)


def test_a_widget_inside_a_part_reruns_the_whole_area():
    at = select(open_app("mlp"), "n2")
    at.number_input(key=cfg_key("n2", "units")).set_value(256)
    run(at)
    at.button(key="toolbar.undo").click()  # inside the undo row, a part
    run(at)
    assert graph(at).node("n2").config["units"] == 512
    assert {cfg_key("n2", "units"), "picker", "toolbar.mode"} <= keys(at)
    assert at.number_input(key=cfg_key("n2", "units")).value == 512


def test_a_revision_chosen_to_compare_with_shows_its_changes():
    at = select(open_app("mlp"), "n2")
    at.number_input(key=cfg_key("n2", "units")).set_value(256)
    run(at)
    at.selectbox(key="compare.with").select("rev:1")  # inside a part: its choice reruns the whole area
    run(at)
    assert {cfg_key("n2", "units"), "picker", "toolbar.mode"} <= keys(at)
    assert "- changed mlp/hidden1: units: 512 -\\> 256" in [m.value for m in at.markdown]
