"""Issue 22 item 6: the Code tab offers no code for a graph with errors (the rule of
editor.code.codegen.refusal, as export-code): an empty graph, an invalid config key."""

from streamlit.testing.v1 import AppTest

from editor.templates import load_template
from editor.store.workspace import Workspace, default_path
from tests.ui.helpers import APP, errors, python_code, run


def _open(project) -> AppTest:
    with Workspace(default_path()) as workspace:
        project_id = workspace.create(project, label="test")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["project"] = project_id
    return run(at)


def _downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_an_empty_graph_offers_no_code():
    mlp = load_template("mlp")
    empty = mlp.replace_graph(mlp.main.model_copy(update={"nodes": (), "outputs": ()}))
    at = _open(empty)
    assert python_code(at) == ""
    assert "Download code (.py)" not in _downloads(at)
    assert ("The code cannot be generated: the graph has errors: model 'mlp' has no outputs: mark a node as an "
            "output; model 'mlp': inputs argument cannot be empty. Received: inputs=[] outputs=[] (see Problems)"
            in errors(at)), errors(at)


def test_an_invalid_config_key_offers_no_code():
    mlp = load_template("mlp")
    nodes = tuple(n.model_copy(update={"config": {**n.config, "unitz": 3}}) if n.id == "n2" else n for n in mlp.main.nodes)
    at = _open(mlp.replace_graph(mlp.main.model_copy(update={"nodes": nodes})))
    assert python_code(at) == ""
    assert "Download code (.py)" not in _downloads(at)
    assert ("The code cannot be generated: the graph has errors: node 'hidden1': invalid Dense settings: "
            "Unrecognized keyword arguments passed to Dense: {'unitz': 3} (see Problems)" in errors(at)), errors(at)
