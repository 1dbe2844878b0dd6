"""Projects with nested models: the graph switcher and the model node's "open" button."""

from tests.ui.helpers import graph, node_key, open_app, run, select, summary


def test_switch_graphs_and_open_a_nested_model():
    at = open_app("autoencoder")
    assert "28,241" in summary(at)
    assert at.selectbox(key="toolbar.graph").options == ["autoencoder (main)", "encoder (nested)", "decoder (nested)"]
    select(at, "n2")  # the encoder node
    assert at.selectbox(key=node_key("n2", "graph", "autoencoder")).value == "encoder"
    at.button(key=node_key("n2", "open", "autoencoder")).click()
    run(at)
    assert at.session_state["kgs.graph"] == "encoder"
    assert "18,672" in summary(at)
    assert at.selectbox(key="toolbar.graph").value == "encoder"
    select(at, "n2")
    at.number_input(key=node_key("n2", "cfg.filters", "encoder")).set_value(8)
    run(at)
    assert graph(at, "encoder").node("n2").config["filters"] == 8
    at.selectbox(key="toolbar.graph").select("autoencoder")
    run(at)
    assert "28,241" not in summary(at) and 'Model: "autoencoder"' in summary(at)


def test_add_a_nested_model_node():
    at = open_app("autoencoder")
    select(at, "n1")
    at.selectbox(key="palette.model_graph").select("encoder")
    run(at)
    at.button(key="palette.add_model").click()
    run(at)
    node = graph(at).nodes[-1]
    assert node.kind == "model" and node.graph == "encoder" and node.name == "encoder_1"


def test_new_nested_model_and_a_call_to_it():
    at = select(open_app("mlp"), "n4")
    at.button(key="palette.new_graph").click()
    run(at)
    assert [g.id for g in at.session_state["kgs.history"].value.graphs] == ["main", "model_1"]
    assert at.session_state["kgs.graph"] == "model_1"
    assert 'Model: "model_1"' in summary(at)
    select(at, "n1")
    at.text_input(key=node_key("n1", "shape", "model_1")).set_value("128")
    run(at)
    at.selectbox(key="toolbar.graph").select("main")
    run(at)
    select(at, "n4")
    at.button(key="palette.add_model").click()
    run(at)
    call = graph(at).nodes[-1]
    assert call.kind == "model" and call.graph == "model_1" and call.inputs[0].node == "n4"
    assert not at.exception
    at.button(key="toolbar.undo").click()
    run(at)
    assert graph(at).nodes[-1].id == "n5"
