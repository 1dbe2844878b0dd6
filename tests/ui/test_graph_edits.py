"""Inspector edits of the wiring: inputs, outputs and losses, sharing, deleting."""

from editor.model.graph import Ref
from tests.ui.helpers import (
    MLP_TOTAL, errors, graph, node_key, open_app, run, select, summary, warnings,
)


def test_delete_a_node_and_undo():
    at = select(open_app("mlp"), "n4")
    at.button(key=node_key("n4", "delete")).click()
    run(at)
    g = graph(at)
    assert g.get("n4") is None and len(g.nodes) == 4
    assert at.session_state["kgs.canvas"].selection == "n3"
    # output lost its input: the previews stay, marked out of date
    assert any("has no inputs" in e for e in errors(at))
    assert any("Out of date" in w for w in warnings(at))
    assert MLP_TOTAL in summary(at)
    at.button(key="toolbar.undo").click()
    run(at)
    assert graph(at).get("n4") is not None and not any("Out of date" in w for w in warnings(at))


def test_rewire_an_input():
    at = select(open_app("mlp"), "n5")
    at.button(key=node_key("n5", "in0.remove")).click()
    run(at)
    assert graph(at).node("n5").inputs == ()
    at.selectbox(key=node_key("n5", "add_input")).select("n3")
    run(at)
    assert graph(at).node("n5").inputs == (Ref(node="n3"),)
    assert not errors(at)
    assert "hidden2" in summary(at) and "hidden3" not in summary(at)  # left out of the model
    assert any("hidden3" in w and "does not feed" in w for w in warnings(at))


def test_reorder_the_inputs_of_a_merge():
    at = select(open_app("unet"), "n20")  # merge6: Concatenate(drop4, up6)
    assert [r.node for r in graph(at).node("n20").inputs] == ["n13", "n19"]
    at.button(key=node_key("n20", "in1.up")).click()
    run(at)
    assert [r.node for r in graph(at).node("n20").inputs] == ["n19", "n13"]
    assert not at.exception


def test_output_loss_weight_and_metrics():
    at = select(open_app("mlp"), "n5")
    assert at.checkbox(key=node_key("n5", "out")).value is True
    at.selectbox(key=node_key("n5", "loss")).select("categorical_crossentropy")
    run(at)
    assert graph(at).outputs[0].loss == "categorical_crossentropy"
    at.number_input(key=node_key("n5", "loss_weight")).set_value(0.5)
    run(at)
    assert graph(at).outputs[0].loss_weight == 0.5
    at.multiselect(key=node_key("n5", "metrics")).select("mae")
    run(at)
    assert graph(at).outputs[0].metrics == ("accuracy", "mae")
    at.selectbox(key=node_key("n5", "loss")).select("none")
    run(at)
    assert graph(at).outputs[0].loss is None


def test_custom_loss_expression_is_checked_before_it_is_stored():
    at = select(open_app("mlp"), "n5")
    at.selectbox(key=node_key("n5", "loss")).select("custom expression…")
    run(at)
    assert graph(at).outputs[0].loss.startswith("expr:")
    before = graph(at)
    at.text_input(key=node_key("n5", "loss_expr")).set_value("__import__('os')")
    run(at)
    assert len(errors(at)) == 1 and graph(at) == before
    at.text_input(key=node_key("n5", "loss_expr")).set_value("mean(abs(y_true - y_pred), axis=-1)")
    run(at)
    assert graph(at).outputs[0].loss == "expr:mean(abs(y_true - y_pred), axis=-1)"
    assert not errors(at)


def test_mark_and_unmark_an_output():
    at = select(open_app("mlp"), "n4")
    at.checkbox(key=node_key("n4", "out")).check()
    run(at)
    assert [o.ref.node for o in graph(at).outputs] == ["n5", "n4"]
    assert at.button(key=node_key("n4", "out.up")) is not None
    at.button(key=node_key("n4", "out.up")).click()
    run(at)
    assert [o.ref.node for o in graph(at).outputs] == ["n4", "n5"]
    at.checkbox(key=node_key("n4", "out")).uncheck()
    run(at)
    assert [o.ref.node for o in graph(at).outputs] == ["n5"]


def test_share_a_layer():
    at = select(open_app("mlp"), "n4")  # a new Dense after hidden3 shares hidden3's layer
    at.selectbox(key="palette.class").select("Dense")
    run(at)
    at.button(key="palette.add").click()
    run(at)
    new = graph(at).nodes[-1].id
    at.selectbox(key=node_key(new, "shares")).select("n4")
    run(at)
    assert graph(at).node(new).shares == "n4"
    assert at.session_state["kgs.canvas"].selection == new
    assert any("Calls the layer of 'hidden3'" in i.value for i in at.info)
    at.selectbox(key=node_key(new, "shares")).select("")
    run(at)
    assert graph(at).node(new).shares is None


def test_loss_node_expression_and_input_names():
    at = select(open_app("mlp"), "n5")
    at.button(key="palette.add_loss").click()
    run(at)
    loss = graph(at).nodes[-1]
    k = lambda field: node_key(loss.id, field)  # noqa: E731
    at.text_area(key=k("expr")).set_value("mean(x) +")
    run(at)
    assert len(errors(at)) == 1 and graph(at).node(loss.id).expression == "mean(square(x))"
    at.text_input(key=k("iname0")).set_value("y_pred")
    run(at)
    node = graph(at).node(loss.id)
    assert node.input_names == ("y_pred",) and node.expression == "mean(square(y_pred))"
    at.selectbox(key=k("add_input")).select("n1")
    run(at)
    node = graph(at).node(loss.id)
    assert len(node.inputs) == 2 and node.input_names == ("y_pred", "input")
    at.text_area(key=k("expr")).set_value("mean(square(y_pred)) + 0.1 * mean(input)")
    run(at)
    assert graph(at).node(loss.id).expression == "mean(square(y_pred)) + 0.1 * mean(input)"
    assert not errors(at), errors(at)
    assert "Total params" in summary(at)
