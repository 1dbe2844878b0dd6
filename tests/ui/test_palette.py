"""The palette: every Keras layer, searchable and grouped; add after, insert before; inputs,
loss nodes and nested models."""

from tests.ui.helpers import errors, graph, open_app, run, select, summary


def test_branch_a_dropout_from_the_selected_node():
    at = select(open_app("mlp"), "n2")
    at.text_input(key="palette.search").set_value("dropout")
    run(at)
    assert at.selectbox(key="palette.class").value == "Dropout"
    assert at.button(key="palette.add").label == "Branch from hidden1"
    at.button(key="palette.add").click()
    run(at)
    g = graph(at)
    assert len(g.nodes) == 6
    new = g.nodes[-1]
    assert new.class_name == "Dropout" and new.config == {"rate": 0.5}
    assert [r.node for r in new.inputs] == ["n2"] and new.position is not None
    assert at.session_state["kgs.canvas"].selection == new.id  # the new node is selected
    assert at.selectbox(key="picker").value == new.id
    # the Dropout hangs off hidden1 but feeds nothing: a warning, the model still builds
    assert "541,794" in summary(at)
    assert any("does not feed any output" in w.value for w in at.warning)


def test_insert_between_keeps_the_wiring():
    at = select(open_app("mlp"), "n3")
    at.selectbox(key="palette.class").select("Dropout")
    run(at)
    at.button(key="palette.insert").click()
    run(at)
    g = graph(at)
    new = g.nodes[-1]
    assert [r.node for r in new.inputs] == ["n2"]
    assert [r.node for r in g.node("n3").inputs] == [new.id]
    assert "dropout (Dropout)" in summary(at)
    assert "541,794" in summary(at)


def test_group_filter_and_search():
    at = open_app("mlp")
    at.selectbox(key="palette.group").select("pooling")
    run(at)
    options = at.selectbox(key="palette.class").options
    assert options and all("pooling" in o for o in options)
    at.text_input(key="palette.search").set_value("max")
    run(at)
    assert all("Max" in o for o in at.selectbox(key="palette.class").options)


def test_every_group_is_offered():
    from editor.building import catalog

    at = open_app("mlp")
    assert at.selectbox(key="palette.group").options[1:] == [*catalog.groups(), "ops (keras.ops on tensors)"]


def test_an_op_from_the_ops_group_goes_into_the_chain():
    """Unit-level: the ops group lists editor.building.op_palette; Insert after makes an op node."""
    at = select(open_app("mlp"), "n2")
    at.selectbox(key="palette.group").set_value("ops (keras.ops on tensors)")
    run(at)
    at.selectbox(key="palette.op").set_value("scale")
    run(at)
    at.button(key="palette.insert_after").click()
    run(at)
    node = next(n for n in graph(at).nodes if n.kind == "op")
    assert (node.name, node.expression, node.input_names) == ("scale", "x * 2.0", ("x",))
    assert graph(at).node("n3").inputs[0].node == node.id
    assert not errors(at)


def test_add_input_and_loss_node():
    at = select(open_app("mlp"), "n5")
    at.text_input(key="palette.input_shape").set_value("10")
    run(at)
    at.button(key="palette.add_input").click()
    run(at)
    g = graph(at)
    assert g.nodes[-1].kind == "input" and g.nodes[-1].shape == (10,)
    at.text_input(key="palette.input_shape").set_value("ten")
    run(at)
    at.button(key="palette.add_input").click()
    run(at)
    assert len(errors(at)) == 1 and len(graph(at).nodes) == 6
    select(at, "n5")
    at.button(key="palette.add_loss").click()
    run(at)
    loss = graph(at).nodes[-1]
    assert loss.kind == "loss" and loss.input_names == ("x",) and loss.expression == "mean(square(x))"
