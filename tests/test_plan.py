"""The call plan (editor.building.plan): each graph read once into ordered steps, each with
the node whose layer it calls and its positional and keyword inputs, and the model's
outputs (declared, then one per loss node) with the compile lists padded to match."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.building.plan import owner, plan
from editor.model.graph import Output, Ref
from editor.templates import load_template, template_ids
from tests.helpers import inp, layer, project
from support.randomgraphs import random_project


def steps(graph):
    """(node, owner, positional, keywords, first call, shared) by name, per step."""
    def name(ref):
        return graph.node(ref.node).name + (f":{ref.output}" if ref.output else "")

    return [(s.node.name, s.owner.name if s.owner else None, [name(r) for r in s.positional],
             {k: [name(r) for r in v] if isinstance(v, tuple) else name(v) for k, v in s.keywords},
             s.first_call, s.shared) for s in plan(graph).steps]


def outputs(graph):
    return [graph.node(r.node).name + (f":{r.output}" if r.output else "") for r in plan(graph).outputs]


def test_steps_of_the_mlp():
    assert steps(load_template("mlp").main) == [
        ("input", "input", [], {}, True, False),
        ("hidden1", "hidden1", ["input"], {}, True, False),
        ("hidden2", "hidden2", ["hidden1"], {}, True, False),
        ("hidden3", "hidden3", ["hidden2"], {}, True, False),
        ("output", "output", ["hidden3"], {}, True, False),
    ]


def test_steps_of_a_shared_layer_name_its_owner():
    assert steps(load_template("shared_embedding").main) == [
        ("input1", "input1", [], {}, True, False),
        ("input2", "input2", [], {}, True, False),
        ("share_embedding", "share_embedding", ["input1"], {}, True, True),
        ("feat2", "share_embedding", ["input2"], {}, False, True),  # a second call of the owner's layer
    ]


def test_steps_of_a_loss_node_take_its_inputs_in_order():
    assert steps(load_template("add_loss_labels").main) == [
        ("x", "x", [], {}, True, False),
        ("label_1", "label_1", [], {}, True, False),
        ("label_2", "label_2", [], {}, True, False),
        ("pred_1", "pred_1", ["x"], {}, True, False),
        ("pred_2", "pred_2", ["x"], {}, True, False),
        ("losses", "losses", ["label_1", "label_2", "pred_1", "pred_2"], {}, True, False),
    ]


def test_steps_of_nested_models():
    p = load_template("autoencoder")
    assert steps(p.main) == [
        ("img", "img", [], {}, True, False),
        ("encoder", "encoder", ["img"], {}, True, False),
        ("decoder", "decoder", ["encoder"], {}, True, False),
    ]
    assert [s.layer for s in plan(p.main).steps][1:] == ["graph:encoder", "graph:decoder"]


OUTPUTS = {
    "add_loss_labels": ["pred_1", "pred_2", "losses"],
    "autoencoder": ["decoder"],
    "cnn": ["output"],
    "custom_loss_layers": ["out1", "out2", "loss1", "loss2"],
    "headline_multi_io": ["main_output", "aux_output"],
    "mlp": ["output"],
    "mnist_mlp": ["outputs"],
    "multi_input": ["output"],
    "multi_input_single_output": ["conv3"],
    "multi_output": ["output1", "output2"],
    "rnn": ["output"],
    "shared_embedding": ["share_embedding", "feat2"],
    "shared_feature_extractor": ["output"],
    "shared_input": ["output"],
    "shared_loss_function": ["x_1", "x_2"],
    "single_input_multi_output": ["maxpool", "conv3"],
    "ticket_priority": ["priority", "department"],
    "two_losses_weighted": ["out1", "out2"],
    "unet": ["conv10"],
    "vgg16_features": ["block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2", "block2_pool",
                       "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool", "block4_conv1",
                       "block4_conv2", "block4_conv3", "block4_pool", "block5_conv1", "block5_conv2",
                       "block5_conv3", "block5_pool", "flatten", "fc1", "fc2", "predictions"],
}


@pytest.mark.parametrize("template_id", template_ids())
def test_outputs_of_the_templates_are_the_declared_then_the_loss_nodes(template_id):
    graph = load_template(template_id).main
    assert outputs(graph) == OUTPUTS[template_id]
    calls = plan(graph)
    assert calls.complete and sorted(s.node.id for s in calls.steps) == sorted(n.id for n in graph.nodes)
    produced: set[str] = set()
    for step in calls.steps:  # producers first: every step's inputs come from earlier steps
        assert all(r.node in produced for r in step.node.inputs)
        produced.add(step.node.id)


def test_the_owner_rule():
    p = project(inp("n1", "x", (4,)), layer("n2", "a", "Dense", "n1", units=3),
                layer("n3", "b", "Dense", "n1").model_copy(update={"shares": "n2"}),
                layer("n4", "c", "Dense", "n1").model_copy(update={"shares": "gone"}),
                outputs=["n2", "n3"])
    g = p.main
    assert owner(g, g.node("n2")) is g.node("n2")
    assert owner(g, g.node("n3")) is g.node("n2")  # a sharing node calls its owner's layer
    assert owner(g, g.node("n4")) is None  # its owner is missing (validate says so)
    by_id = {s.node.id: s for s in plan(g).steps}
    assert by_id["n3"].layer == by_id["n2"].layer == "n2" and by_id["n2"].shared


def test_a_sharing_call_before_its_owner_makes_the_layer():
    p = project(inp("n1", "x", (4,)), layer("n3", "b", "Dense", "n1").model_copy(update={"shares": "n4"}),
                layer("n4", "a", "Dense", "n3", units=4), outputs=["n4"])
    first = [(s.node.name, s.first_call) for s in plan(p.main).steps]
    assert first == [("x", True), ("b", True), ("a", False)]


def test_keyword_inputs_go_by_name_and_lists_stay_lists():
    p = project(inp("n1", "x", (5, 3)), inp("h", "h", (2,)), inp("c", "c", (2,)),
                layer("n2", "lstm", "LSTM", "n1", "h", "c", units=2).model_copy(
                    update={"input_names": ("", "initial_state", "initial_state")}), outputs=["n2"])
    assert steps(p.main)[-1] == ("lstm", "lstm", ["x"], {"initial_state": ["h", "c"]}, True, False)


def test_compile_lists_are_padded_for_the_loss_nodes():
    graph = load_template("custom_loss_layers").main
    calls = plan(graph)
    assert [n.name for n in calls.loss_nodes] == ["loss1", "loss2"]
    assert calls.padded(["mse", "mae"], None) == ["mse", "mae", None, None]
    assert len(calls.padded([o.loss_weight for o in calls.declared], 1.0)) == len(calls.outputs)
    g = graph.model_copy(update={"outputs": (Output(ref=Ref(node=graph.outputs[0].ref.node), loss="mse"),)})
    assert plan(g).padded([2.0], 1.0) == [2.0, 1.0, 1.0]


def test_a_cycle_leaves_the_plan_incomplete():
    p = project(inp("n1", "x", (4,)), layer("n2", "a", "Add", "n1", "n3"), layer("n3", "b", "Dense", "n2", units=4),
                outputs=["n3"])
    calls = plan(p.main)
    assert not calls.complete and [s.node.id for s in calls.steps] == ["n1"]


def test_the_plan_imports_no_keras():
    import ast
    import inspect

    from editor.building import plan as module

    tree = ast.parse(inspect.getsource(module))
    imported = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
    assert not any("keras" in (name or "") for name in imported)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), size=st.integers(3, 40))
def test_build_quick_build_and_exported_code_agree_on_random_projects(seed, size, tmp_path_factory):
    """The three readers of the plan give one model: the same shapes, problems and
    parameter counts from the build and the quick build, and the exported code's model
    has the build's outputs and parameters."""
    import importlib.util

    import keras

    from editor.building.build import build_project, param_counts
    from editor.building.quick_build import quick_build
    from editor.code.codegen import generate

    project = random_project(seed, size)
    full = build_project(project, weights=False)
    quick = quick_build(project, project.main.id)
    assert full.ok and quick.ok
    assert quick.shapes == full.shapes
    assert [p.message for p in quick.problems] == [p.message for p in full.problems]
    if not full.problems:  # (a dead end's layer is in the quick count, not in the model)
        assert quick.counts == param_counts(full.model)
    path = tmp_path_factory.mktemp("code") / "generated_model.py"
    path.write_text(generate(project), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"kgs_plan_{seed}_{size}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    keras.backend.clear_session()
    model = module.build_model()
    assert [tuple(t.shape) for t in model.outputs] == [tuple(t.shape) for t in full.model.outputs]
    assert param_counts(model) == param_counts(full.model)
