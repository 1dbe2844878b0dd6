"""A canvas click is taken at the start of the run it causes (editor.ui.canvas_view.take_click):
that one run shows its result everywhere. AppTest cannot click in the component's frame: a
click is the component's value set under the key of the frame drawn last, as the browser
sends it."""

from tests.ui.helpers import cfg_key, graph, open_app, run


def click(at, node_id: str):
    drawn = at.session_state["canvas.drawn"]
    at.session_state[drawn[3]] = node_id
    return run(at)


def test_a_click_selects_in_the_run_it_causes_and_keeps_the_frame():
    at = open_app("mlp")
    before = at.session_state["canvas.drawn"]
    click(at, "n3")
    assert at.session_state["kgs.canvas"].selection == "n3"
    assert cfg_key("n3", "units") in {w.key for w in at.number_input}  # the inspector shows hidden2 now
    assert at.session_state["canvas.drawn"] == before  # the same frame: its highlight drawn in place
    click(at, "n4")
    assert at.session_state["kgs.canvas"].selection == "n4" and at.session_state["canvas.drawn"] == before


def test_a_wiring_click_edits_in_the_run_it_causes_and_a_click_on_the_selected_node_cancels():
    at = open_app("mlp")
    click(at, "n2")
    at.selectbox(key="toolbar.mode").select("connect")
    run(at)
    renewed = at.session_state["canvas.drawn"]
    assert renewed[2] == at.session_state["kgs.canvas"].frame  # a new frame: the old one had n2 selected
    click(at, "n2")  # the selected node: cancels
    assert at.session_state["kgs.canvas"].mode == "select" and len(graph(at).nodes) == 5
    at.selectbox(key="toolbar.mode").select("feed")
    run(at)
    click(at, "n4")  # hidden3 feeds hidden1: one input, so it replaces hidden1's
    assert [r.node for r in graph(at).node("n2").inputs] == ["n4"]
    assert at.session_state["kgs.canvas"].mode == "select"
    assert any("replaced" in i.value for i in at.info)  # said in the same run


def test_a_report_of_another_projects_frame_is_not_a_click():
    at = open_app("mlp")
    drawn = at.session_state["canvas.drawn"]
    at.session_state["canvas.drawn"] = ("another project", *drawn[1:])
    at.session_state[drawn[3]] = "n3"
    run(at)
    assert at.session_state["kgs.canvas"].selection is None
