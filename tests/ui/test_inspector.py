"""The inspector: parameters from the layer's config, rename, validation, undo/redo."""

from tests.ui.helpers import (
    MLP_256_TOTAL, MLP_TOTAL, cfg_key, errors, graph, node_key, open_app, python_code, run, select, summary,
)


def test_change_units_then_undo_and_redo():
    at = select(open_app("mlp"), "n2")
    assert at.number_input(key=cfg_key("n2", "units")).value == 512
    at.number_input(key=cfg_key("n2", "units")).set_value(256)
    run(at)
    assert MLP_256_TOTAL in summary(at)
    assert graph(at).node("n2").config["units"] == 256
    assert at.number_input(key=cfg_key("n2", "units")).value == 256
    at.button(key="toolbar.undo").click()
    run(at)
    assert MLP_TOTAL in summary(at)
    assert at.number_input(key=cfg_key("n2", "units")).value == 512  # the field follows the project
    at.button(key="toolbar.redo").click()
    run(at)
    assert MLP_256_TOTAL in summary(at)


def test_zero_units_is_refused_in_one_line_and_the_graph_is_unchanged():
    at = select(open_app("mlp"), "n2")
    before = graph(at)
    at.number_input(key=cfg_key("n2", "units")).set_value(0)
    run(at)
    messages = errors(at)
    assert len(messages) == 1, messages
    assert "hidden1" in messages[0] and "units" in messages[0] and "\n" not in messages[0]
    assert graph(at) == before
    assert MLP_TOTAL in summary(at)
    assert not at.session_state["kgs.history"].can_undo


def test_bad_tuple_is_refused_per_field():
    at = select(open_app("cnn"), "n2")
    key = cfg_key("n2", "kernel_size")
    before = graph(at)
    at.text_input(key=key).set_value("3,x")
    run(at)
    messages = errors(at)
    assert len(messages) == 1 and "'x' is not a number" in messages[0], messages
    assert graph(at) == before
    assert at.text_input(key=key).value == "3,x"  # what was typed stays, next to the reason
    at.text_input(key=key).set_value("5, 5")
    run(at)
    assert not errors(at)
    assert graph(at).node("n2").config["kernel_size"] == [5, 5]


def test_defaults_are_not_stored():
    at = select(open_app("mlp"), "n2")
    at.checkbox(key=cfg_key("n2", "use_bias")).uncheck()
    run(at)
    assert graph(at).node("n2").config["use_bias"] is False
    at.checkbox(key=cfg_key("n2", "use_bias")).check()
    run(at)
    assert "use_bias" not in graph(at).node("n2").config


def test_activation_and_choice_fields():
    at = select(open_app("mlp"), "n3")
    at.selectbox(key=cfg_key("n3", "activation")).select("tanh")
    run(at)
    assert graph(at).node("n3").config["activation"] == "tanh"
    at.selectbox(key=cfg_key("n3", "activation")).select("__none__")
    run(at)
    assert "activation" not in graph(at).node("n3").config


def test_rename_and_duplicate_name():
    at = select(open_app("mlp"), "n3")
    at.text_input(key=node_key("n3", "name")).set_value("middle")
    run(at)
    assert graph(at).node("n3").name == "middle"
    assert "middle (Dense)" in summary(at)
    at.text_input(key=node_key("n3", "name")).set_value("hidden1")
    run(at)
    messages = errors(at)
    assert len(messages) == 1 and "already used" in messages[0]
    assert graph(at).node("n3").name == "middle"


def test_input_shape_field():
    at = select(open_app("mlp"), "n1")
    at.text_input(key=node_key("n1", "shape")).set_value("28, 28")
    run(at)
    assert graph(at).node("n1").shape == (28, 28)
    assert "(None, 28, 512)" in summary(at)
    at.text_input(key=node_key("n1", "shape")).set_value("0")
    run(at)
    assert len(errors(at)) == 1 and graph(at).node("n1").shape == (28, 28)


def test_fifty_undos():
    from editor.model import edits

    at = select(open_app("mlp"), "n2")
    history = at.session_state["kgs.history"]
    for units in range(100, 152):  # 52 edits, made the way the inspector makes them
        history = history.push(history.value.replace_graph(
            edits.set_param(history.value.main, "n2", "units", units)), f"set units {units}")
    at.session_state["kgs.history"] = history
    run(at)
    assert at.number_input(key=cfg_key("n2", "units")).value == 151
    for _ in range(50):
        at.button(key="toolbar.undo").click()
        run(at)
    assert graph(at).node("n2").config["units"] == 101
    assert at.number_input(key=cfg_key("n2", "units")).value == 101
    at.button(key="toolbar.redo").click()
    run(at)
    assert graph(at).node("n2").config["units"] == 102


def test_an_unexpected_failure_in_a_change_is_one_line_not_a_traceback(monkeypatch):
    def broken(graph, node_id, name):
        raise RuntimeError("kaboom\nwith a second line")

    at = select(open_app("mlp"), "n2")
    monkeypatch.setattr("editor.model.edits.rename", broken)
    at.text_input(key=node_key("n2", "name")).set_value("first")
    run(at)
    messages = errors(at)
    assert len(messages) == 1 and "kaboom" in messages[0] and "\n" not in messages[0]
    assert graph(at).node("n2").name == "hidden1"


def test_a_name_cannot_inject_markdown():
    """Rename refuses such names, but a project file may hold one: it shows as text."""
    from editor.model.history import History

    at = select(open_app("mlp"), "n2")
    p = at.session_state["kgs.history"].value
    node = p.main.node("n2").model_copy(update={"name": "![x](x.png)"})
    hostile = p.replace_graph(p.main.model_copy(update={"nodes": tuple(
        node if n.id == "n2" else n for n in p.main.nodes)}))
    at.session_state["kgs.history"] = History.start(hostile)
    run(at)
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert headings == ["#### !\\[x\\](x.png)"]


def test_each_output_port_can_be_a_model_output_with_its_own_loss():
    at = select(open_app("rnn"), "n2")
    at.checkbox(key=cfg_key("n2", "return_state")).check()
    run(at)  # LSTM now returns (output, state_h, state_c); the Dense layers still read output 0
    headings = [m.value for m in at.markdown if m.value.startswith("**Model output")]
    assert headings == ["**Model output · output 0** · (None, 128)", "**Model output · output 1** · (None, 128)",
                        "**Model output · output 2** · (None, 128)"]
    at.checkbox(key=node_key("n2", "port2.out")).check()
    run(at)
    outputs = graph(at).outputs
    assert [(o.ref.node, o.ref.output) for o in outputs] == [("n4", 0), ("n2", 2)]
    at.selectbox(key=node_key("n2", "port2.loss")).select("mean_squared_error")
    run(at)
    assert graph(at).outputs[1].loss == "mean_squared_error" and graph(at).outputs[0].loss == "sparse_categorical_crossentropy"
    assert not at.checkbox(key=node_key("n2", "out")).value  # port 0 is not an output
    assert "Total params: 84,362" in summary(at) and not errors(at)  # an output adds no weights
    assert "outputs=[output, lstm[2]]" in python_code(at)  # the generated code follows
    at.checkbox(key=node_key("n2", "port2.out")).uncheck()
    run(at)
    assert [(o.ref.node, o.ref.output) for o in graph(at).outputs] == [("n4", 0)]
