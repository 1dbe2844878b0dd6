"""The sidebar: template gallery and project actions."""

import json

from editor.files import project_files
from editor.templates import load_template
from tests.ui.helpers import MLP_TOTAL, errors, graph, open_app, run, summary


def test_gallery_shows_counts_and_opens_a_template():
    at = open_app("mlp")
    mlp_id = at.session_state["kgs.project_id"]
    assert at.selectbox(key="sidebar.template").value == "mlp"
    captions = [c.value for c in at.sidebar.caption]
    assert any("5 nodes" in c and "541,794 parameters" in c for c in captions), captions
    at.selectbox(key="sidebar.template").select("cnn")
    run(at)
    assert any("7 nodes" in c and "parameters" in c for c in (c.value for c in at.sidebar.caption))
    at.button(key="sidebar.open").click()
    run(at)
    assert graph(at) == load_template("cnn").main
    assert at.query_params["project"] == at.session_state["kgs.project_id"] != mlp_id
    assert at.session_state["kgs.source"] == "template cnn"
    assert at.button(key="toolbar.undo").disabled  # a new project; the mlp one stays in the library
    [projects] = [s for s in at.sidebar.selectbox if s.label == "Projects"]
    assert projects.value == at.session_state["kgs.project_id"]  # the library shows the project just opened
    projects.select(mlp_id)
    run(at)  # choosing a project in the library opens it
    assert at.session_state["kgs.project_id"] == mlp_id and MLP_TOTAL in summary(at)


def test_new_project():
    at = open_app("mlp")
    at.button(key="sidebar.new").click()
    run(at)
    assert [n.class_name for n in graph(at).nodes] == [None, "Dense"]
    assert "Total params: 33" in summary(at)


def test_upload_a_project_file():
    at = open_app("mlp")
    text = project_files.dumps(load_template("rnn"))
    at.file_uploader[0].set_value(("rnn.json", text.encode(), "application/json"))
    run(at)
    assert graph(at) == load_template("rnn").main
    assert at.session_state["kgs.source"] == "file rnn.json"


def test_upload_a_broken_file_says_why_in_one_line():
    at = open_app("mlp")
    bad = json.dumps({"format_version": 1, "graphs": []}).encode()
    at.file_uploader[0].set_value(("bad.json", bad, "application/json"))
    run(at)
    messages = errors(at)
    assert len(messages) == 1 and "bad.json" in messages[0] and "\n" not in messages[0]
    assert MLP_TOTAL in summary(at)
