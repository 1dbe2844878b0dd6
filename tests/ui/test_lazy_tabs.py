"""Only the open tab's panel is computed and sent (editor.ui.lazy_tabs); what was chosen or
typed in a closed panel outlives it. AppTest cannot click a tab: a tab is opened here by
setting its session value (its label), which Streamlit allows for a keyed st.tabs."""

import pytest

from tests.ui.helpers import MLP_TOTAL, cfg_key, errors, graph, node_key, open_app, python_code, run, select, summary


@pytest.fixture(autouse=True)
def lazy(monkeypatch):
    monkeypatch.setenv("KGS_EAGER_TABS", "0")


def open_tab(at, key: str, label: str):
    at.session_state[key] = label
    return run(at)


def keys(at) -> set[str]:
    return {w.key for w in (*at.button, *at.number_input, *at.selectbox, *at.text_input, *at.checkbox) if w.key}


def test_a_closed_panel_is_not_drawn_and_an_opened_one_is():
    at = select(open_app("mlp"), "n2")
    assert MLP_TOTAL in summary(at)
    assert not python_code(at)  # the Code tab is closed
    assert "train.start" not in keys(at) and "palette.search" not in keys(at)
    assert cfg_key("n2", "units") in keys(at)  # the inspector is open
    open_tab(at, "previews.tab", "Code")
    assert "layers.Dense(512" in python_code(at) and not summary(at)
    open_tab(at, "side.tab", "Add nodes")
    assert "palette.search" in keys(at) and cfg_key("n2", "units") not in keys(at)


def test_settings_of_a_closed_panel_are_kept():
    at = open_app("mlp")
    open_tab(at, "previews.tab", "Train")
    at.number_input(key="train.epochs").set_value(7)
    run(at)
    open_tab(at, "previews.tab", "Code")
    at.checkbox(key="previews.code_train").check()
    run(at)
    assert "epochs=7" in python_code(at)
    open_tab(at, "side.tab", "Add nodes")
    at.text_input(key="palette.search").input("conv")
    run(at)
    open_tab(at, "previews.tab", "Summary")
    open_tab(at, "side.tab", "Inspector")
    open_tab(at, "side.tab", "Add nodes")
    assert at.text_input(key="palette.search").value == "conv"
    open_tab(at, "previews.tab", "Train")
    assert at.number_input(key="train.epochs").value == 7
    open_tab(at, "previews.tab", "Code")
    assert at.checkbox(key="previews.code_train").value and "epochs=7" in python_code(at)


def test_the_problems_tab_stays_open_when_its_count_changes():
    at = select(open_app("mlp"), "n3")
    open_tab(at, "previews.tab", "Problems (0)")
    at.button(key=node_key("n3", "in0.remove")).click()
    run(at)
    opened = at.session_state["previews.tab"]
    assert opened.startswith("Problems (") and opened != "Problems (0)", opened
    assert any("hidden2" in e and "has no inputs" in e for e in errors(at)) and not summary(at)


def test_the_code_tab_opened_on_errors_shows_the_last_version_that_built_while_it_was_closed():
    at = select(open_app("mlp"), "n2")
    at.number_input(key=cfg_key("n2", "units")).set_value(300)
    run(at)
    select(at, "n3")
    at.button(key=node_key("n3", "in0.remove")).click()
    run(at)
    open_tab(at, "previews.tab", "Code")
    assert "layers.Dense(300" in python_code(at)  # not the template's 512, never seen in this tab
    assert any("cannot be generated" in e for e in errors(at))


def test_a_request_made_before_an_undos_answer_does_not_make_the_edit_again():
    """editor.ui.widgets.bind: a tab opened while Undo is answered sends every widget's value
    as the browser still showed it, with the number of the last run it had seen (a hidden
    field): that old value is no edit of the person's."""
    from editor.ui.widgets import SEEN

    at = select(open_app("mlp"), "n2")
    units = cfg_key("n2", "units")
    at.number_input(key=units).set_value(300)
    run(at)
    seen_before_undo = at.number_input(key=SEEN).value
    at.button(key="toolbar.undo").click()
    run(at)
    assert at.number_input(key=units).value == 512
    at.number_input(key=units).set_value(300)  # what the browser showed before the undo's answer
    at.number_input(key=SEEN).set_value(seen_before_undo)  # and the run it had seen
    at.session_state["previews.tab"] = "Code"
    run(at)
    assert "layers.Dense(512" in python_code(at) and at.number_input(key=units).value == 512
    assert at.session_state["kgs.history"].value.main.node("n2").config["units"] == 512
    at.number_input(key=units).set_value(300)  # the same value, from a page that has the answer
    run(at)
    assert "layers.Dense(300" in python_code(at)


def test_more_parameters_are_drawn_only_when_opened():
    at = select(open_app("mlp"), "n2")
    assert cfg_key("n2", "units") in keys(at) and cfg_key("n2", "kernel_initializer") not in keys(at)
    open_tab(at, cfg_key("n2", "more"), True)
    assert at.selectbox(key=cfg_key("n2", "kernel_initializer")).value == "glorot_uniform"
    at.selectbox(key=cfg_key("n2", "kernel_initializer")).select("he_normal")
    run(at)
    assert graph(at).node("n2").config["kernel_initializer"] == "he_normal"
    open_tab(at, cfg_key("n2", "more"), False)
    assert cfg_key("n2", "kernel_initializer") in keys(at)  # a value set: among the leading fields now
    assert cfg_key("n2", "bias_initializer") not in keys(at)
