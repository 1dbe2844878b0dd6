"""Graph -> keras.Model: exact parameter counts, errors on the node at fault."""

import keras
import numpy as np
import pytest

from editor.building.build import build_project, compiled_model, param_counts, summary_text
from editor.model.graph import Graph, Node, Output, Ref
from editor.templates import load_template
from tests.helpers import inp, layer, project


def build_errors(result):
    return [(p.node, p.message) for p in result.problems if p.severity == "error"]


def test_mlp_template_builds_with_the_documents_parameter_count():
    result = build_project(load_template("mlp"))
    assert result.ok
    assert param_counts(result.model) == {"total_params": 541_794, "trainable_params": 541_794, "non_trainable_params": 0}
    text = summary_text(result.model)
    assert "Total params: 541,794" in text and "hidden1 (Dense)" in text
    assert result.shapes["n4"] == [(None, 128)]


def test_a_broken_branch_is_reported_on_its_node_and_the_rest_still_has_shapes():
    p = project(
        inp("n1", "x", (8,)),
        layer("n2", "wide", "Dense", "n1", units=4),
        layer("n3", "square", "Reshape", "n1", target_shape=(2, 4)),
        layer("n4", "cat", "Concatenate", "n2", "n3"),
        layer("n5", "after", "Dense", "n4", units=1),
        layer("n6", "fine", "Dense", "n2", units=3),
        outputs=["n5", "n6"],
    )
    result = build_project(p)
    assert result.model is None and not result.ok
    [(node, message)] = build_errors(result)
    assert node == "n4"
    assert message.startswith("node 'cat': ")
    assert "\n" not in message
    assert result.shapes["n2"] == [(None, 4)]
    assert result.shapes["n6"] == [(None, 3)]
    assert "n5" not in result.shapes


def test_invalid_config_names_the_node_and_the_class():
    p = project(inp("n1", "x", (8,)), layer("n2", "dense", "Dense", "n1", units="many"), outputs=["n2"])
    [(node, message)] = build_errors(build_project(p))
    assert node == "n2"
    assert message.startswith("node 'dense': ")
    p = project(inp("n1", "x", (8,)), layer("n2", "mystery", "NoSuchLayer", "n1"), outputs=["n2"])
    [(node, message)] = build_errors(build_project(p))
    assert (node, message.split(":")[0]) == ("n2", "node 'mystery'")
    assert "unknown layer class 'NoSuchLayer'" in message


def test_lstm_with_return_state_feeds_each_state_to_different_consumers():
    p = project(
        inp("n1", "seq", (5, 3)),
        layer("n2", "lstm", "LSTM", "n1", units=7, return_state=True),
        layer("n3", "from_h", "Dense", Ref(node="n2", output=1), units=2),
        layer("n4", "from_c", "Dense", Ref(node="n2", output=2), units=3),
        outputs=["n3", "n4", Output(ref=Ref(node="n2"))],
    )
    result = build_project(p)
    assert result.ok, result.problems
    assert result.shapes["n2"] == [(None, 7)] * 3
    assert [tuple(t.shape) for t in result.model.outputs] == [(None, 2), (None, 3), (None, 7)]


def test_asking_for_an_output_a_node_does_not_have():
    p = project(
        inp("n1", "x", (8,)),
        layer("n2", "dense", "Dense", "n1", units=2),
        layer("n3", "next", "Dense", Ref(node="n2", output=2), units=2),
        outputs=["n3"],
    )
    [(node, message)] = build_errors(build_project(p))
    assert (node, message) == ("n3", "node 'next': takes output 2 of 'dense', which has only 1")


def test_multi_head_attention_takes_query_value_key_in_order():
    p = project(
        inp("n1", "q", (4, 8)),
        inp("n2", "v", (6, 8)),
        layer("n3", "mha", "MultiHeadAttention", "n1", "n2", "n2", num_heads=2, key_dim=4),
        outputs=["n3"],
    )
    result = build_project(p)
    assert result.ok, result.problems
    reference = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    reference(np.zeros((1, 4, 8)), np.zeros((1, 6, 8)))
    assert result.model.count_params() == reference.count_params()
    assert result.shapes["n3"] == [(None, 4, 8)]


def test_shared_layer_has_one_set_of_weights():
    """Seed 004 section 4: one Embedding(100, 64) applied to two inputs: 6,400 params, not 12,800."""
    p = project(
        inp("n1", "input1", (None,), "int32"),
        inp("n2", "input2", (None,), "int32"),
        layer("n3", "share_embedding", "Embedding", "n1", input_dim=100, output_dim=64),
        Node(id="n4", kind="layer", name="feat2", class_name="Embedding", shares="n3", inputs=(Ref(node="n2"),)),
        outputs=["n3", "n4"],
    )
    result = build_project(p)
    assert result.ok, result.problems
    assert result.model.count_params() == 6_400
    assert len([l for l in result.model.layers if isinstance(l, keras.layers.Embedding)]) == 1


def nested_project():
    encoder = Graph(
        id="enc",
        name="encoder",
        nodes=(inp("e1", "image", (8,)), layer("e2", "code", "Dense", "e1", units=3)),
        outputs=(Output(ref=Ref(node="e2")),),
    )
    return project(
        inp("n1", "a", (8,)),
        inp("n2", "b", (8,)),
        Node(id="n3", kind="model", name="enc_a", graph="enc", inputs=(Ref(node="n1"),)),
        Node(id="n4", kind="model", name="enc_b", graph="enc", inputs=(Ref(node="n2"),)),
        layer("n5", "sum", "Add", "n3", "n4"),
        outputs=["n5"],
        name="siamese",
        extra_graphs=(encoder,),
    )


def test_nested_graph_called_twice_shares_its_weights():
    result = build_project(nested_project())
    assert result.ok, result.problems
    assert result.model.count_params() == 8 * 3 + 3
    assert [l.name for l in result.model.layers if isinstance(l, keras.Model)] == ["encoder"]


def test_a_broken_nested_graph_is_reported_on_the_calling_node():
    p = nested_project()
    encoder = p.graph("enc")
    broken = encoder.model_copy(update={"nodes": (encoder.nodes[0], encoder.nodes[1].model_copy(update={"config": {"units": -1}}))})
    result = build_project(p.replace_graph(broken))
    found = build_errors(result)
    assert ("e2", found[0][1]) == found[0] and found[0][1].startswith("node 'code': invalid Dense settings")
    assert ("n3", "node 'enc_a': the nested model 'encoder' does not build") in found


def test_application_node_is_built_without_downloading_weights():
    app = Node(
        id="n2", kind="application", name="mobilenet", class_name="MobileNetV2",
        config={"include_top": False, "input_shape": [32, 32, 3], "alpha": 0.35}, inputs=(Ref(node="n1"),),
    )
    p = project(inp("n1", "img", (32, 32, 3)), app, layer("n3", "pool", "GlobalAveragePooling2D", "n2"), outputs=["n3"])
    result = build_project(p)
    assert result.ok, result.problems
    expected = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.35)
    assert result.model.count_params() == expected.count_params()
    bad = project(inp("n1", "img", (32, 32, 3)), app.model_copy(update={"class_name": "get_file"}), outputs=["n2"])
    assert build_errors(build_project(bad)) == [("n2", "node 'mobilenet': 'get_file' is not a keras.applications model")]


def test_loss_node_only_model_trains_with_an_optimizer_alone():
    """Seed 003, method 2: labels as inputs, the loss computed in the graph, compile('adam')."""
    loss = Node(
        id="n5", kind="loss", name="loss", expression="sum(square(label - pred) * 2)",
        input_names=("label", "pred"), inputs=(Ref(node="n2"), Ref(node="n3")),
    )
    p = project(inp("n1", "x", (10,)), inp("n2", "label_1", (10,)), layer("n3", "pred_1", "Dense", "n1", units=10), loss, outputs=["n3"])
    result = build_project(p)
    assert result.ok, result.problems
    assert set(result.compile_args) == {"optimizer"}
    model = compiled_model(p)
    rng = np.random.default_rng(0)
    data = [rng.random((32, 10), dtype="float32") for _ in range(2)]
    history = model.fit(data, epochs=3, verbose=0).history
    assert len(history["loss"]) == 3 and history["loss"][-1] < history["loss"][0]


def test_bad_loss_expression_is_reported_on_the_loss_node():
    loss = Node(id="n3", kind="loss", name="l", expression="__import__('os')", input_names=("p",), inputs=(Ref(node="n2"),))
    p = project(inp("n1", "x", (4,)), layer("n2", "d", "Dense", "n1", units=2), loss, outputs=["n2"])
    [(node, message)] = build_errors(build_project(p))
    assert node == "n3" and message.startswith("node 'l': loss expression: ")


def test_per_output_losses_weights_and_custom_expression_compile_and_train():
    p = project(
        inp("n1", "x", (6,)),
        layer("n2", "a", "Dense", "n1", units=1, activation="sigmoid"),
        layer("n3", "b", "Dense", "n1", units=3),
        outputs=[
            Output(ref=Ref(node="n2"), loss="binary_crossentropy", loss_weight=1.0, metrics=("accuracy",)),
            Output(ref=Ref(node="n3"), loss="expr:mean(abs(y_true - y_pred))", loss_weight=0.2),
        ],
    )
    args = build_project(p).compile_args
    assert args["loss"][0] == "binary_crossentropy" and args["loss_weights"] == [1.0, 0.2]
    model = compiled_model(p)
    rng = np.random.default_rng(0)
    x = rng.random((16, 6), dtype="float32")
    history = model.fit(x, [rng.integers(0, 2, (16, 1)), rng.random((16, 3), dtype="float32")], verbose=0).history
    assert {"a_loss", "b_loss", "a_accuracy"} <= set(history)


@pytest.mark.parametrize("optimizer, cls", [("adam", "Adam"), ("rmsprop", "RMSprop"), ("SGD", "SGD")])
def test_optimizer_and_learning_rate(optimizer, cls):
    from editor.model.graph import Training

    p = load_template("mlp").model_copy(update={"training": Training(optimizer=optimizer, learning_rate=0.01)})
    opt = build_project(p).compile_args["optimizer"]
    assert type(opt).__name__ == cls
    assert float(opt.learning_rate) == pytest.approx(0.01)


@pytest.mark.parametrize(
    "class_name, config, message",
    [
        ("Lambda", {"function": "os.system"}, "node 'bad': Lambda cannot be used in the editor: runs arbitrary Python code"),
        ("TFSMLayer", {"filepath": "/etc"}, "node 'bad': TFSMLayer cannot be used in the editor: loads a SavedModel from a file path"),
        ("TimeDistributed", {"layer": {"module": "keras.layers", "class_name": "Lambda", "config": {}}}, "node 'bad': Lambda cannot be used"),
        ("Bidirectional", {"layer": {"class_name": "TFSMLayer", "config": {}}}, "node 'bad': TFSMLayer cannot be used"),
        ("Nope", {}, "node 'bad': unknown layer class 'Nope' (not in keras.layers)"),
    ],
)
def test_unsafe_or_unknown_layer_classes_are_refused(class_name, config, message):
    p = project(inp("n1", "x", (3, 4)), layer("n2", "bad", class_name, "n1", **config), outputs=["n2"])
    [(node, text)] = build_errors(build_project(p))
    assert node == "n2" and text.startswith(message)


def test_wrapper_with_nested_layer_config_builds():
    inner = {"module": "keras.layers", "class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}
    p = project(inp("n1", "x", (784, 1)), layer("n2", "output2", "TimeDistributed", "n1", layer=inner), outputs=["n2"])
    result = build_project(p)
    assert result.ok, result.problems
    assert result.model.count_params() == 20 and result.shapes["n2"] == [(None, 784, 10)]


def test_loss_node_must_reduce_to_one_finite_number():
    def with_loss(expression):
        loss = Node(id="n3", kind="loss", name="l", expression=expression, input_names=("p",), inputs=(Ref(node="n2"),))
        return project(inp("n1", "x", (4,)), layer("n2", "d", "Dense", "n1", units=10), loss, outputs=["n2"])

    [(node, message)] = build_errors(build_project(with_loss("p * 2")))
    assert node == "n3"
    assert message == "node 'l': loss expression: must reduce to a single number; it gives shape (4, 10): wrap it in mean(...)"
    [(node, message)] = build_errors(build_project(with_loss("mean(log(p - p - 1))")))
    assert message.startswith("node 'l': loss expression: gives NaN or Inf on test data")
    assert build_project(with_loss("mean(p)")).ok


def test_custom_output_loss_is_dry_run_on_the_output_shape():
    p = project(inp("n1", "x", (4,)), layer("n2", "d", "Dense", "n1", units=3),
                outputs=[Output(ref=Ref(node="n2"), loss="expr:y_true[:, 5] - y_pred")])
    [(node, message)] = build_errors(build_project(p))
    assert node == "n2" and message.startswith("node 'd': custom loss: cannot be computed for inputs shaped y_true (3,), y_pred (3,)")


def test_a_chain_of_2000_layers_builds_in_a_script_thread():
    """Keras's map_graph recursed past Python's default limit at about 1,000 layers; the
    editor's own limit is 5,000 nodes. Built in a plain thread, as Streamlit's script runs."""
    import threading

    from editor.model.graph import Graph, Node, Output, Project, Ref

    nodes = [Node(id="n0", kind="input", name="x", shape=(2,))]
    nodes += [Node(id=f"n{i}", kind="layer", name=f"d{i}", class_name="Dense", config={"units": 2},
                   inputs=(Ref(node=f"n{i - 1}"),)) for i in range(1, 2000)]
    project = Project(graphs=(Graph(id="main", name="chain", nodes=tuple(nodes),
                                    outputs=(Output(ref=Ref(node="n1999"), loss="mse"),)),))
    found = {}
    thread = threading.Thread(target=lambda: found.update(result=build_project(project, weights=False)))
    thread.start()
    thread.join()
    result = found["result"]
    assert result.ok, result.problems[:1]
    assert param_counts(result.model)["total_params"] == 6 + 1998 * 6


def test_a_build_over_its_time_budget_stops_with_one_problem_on_the_node_it_reached(monkeypatch):
    """No build may hold a server thread unbounded: past the budget it stops, in one line."""
    monkeypatch.setenv("KGS_STEP_SECONDS", "0")
    result = build_project(load_template("autoencoder"))  # nested models: stops once, not per graph
    assert result.model is None
    assert [p.message for p in result.problems] == [
        "build stopped at node 'image': it took more than 0 s of CPU time, the budget of one build"]
    assert result.problems[0].node is not None
    monkeypatch.setenv("KGS_STEP_SECONDS", "60")
    assert build_project(load_template("autoencoder")).ok


def test_first_error_is_the_one_line_why():
    assert build_project(load_template("mlp")).first_error is None
    from editor.model import edits

    p = load_template("mlp")
    broken = p.replace_graph(edits.set_param(p.main, "n3", "units", -5))
    assert build_project(broken).first_error.startswith("node 'hidden2': invalid Dense settings")
