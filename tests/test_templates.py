"""The template gallery: every document example builds with the document's parameter counts.

Each template in templates/ is checked the way a person would use it: it validates,
Keras reports the parameter counts the document prints (or, where the document shows no
network, the count written in the template's description), it compiles with the
project's own compile settings, and one forward pass on random data gives outputs of the
shapes the model declares. U-Net and VGG16 are big: marked slow (`make test` runs them,
`make test-fast` skips them).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import keras

from editor.model import edits, expr  # noqa: E402
from editor.building.build import build_project, param_counts  # noqa: E402
from editor.model.graph import topological_order  # noqa: E402
from editor.model.problems import errors  # noqa: E402
from editor.templates import TEMPLATE_DIR, catalogue, load_template, template_ids  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# template id -> (total params, trainable params), as the documents print them
EXPECTED = {
    "add_loss_labels": (220, 220),
    "autoencoder": (28_241, 28_241),
    "cnn": (138_122, 138_122),
    "custom_loss_layers": (70_960, 70_954),
    "headline_multi_io": (5_200_610, 5_200_610),
    "mlp": (541_794, 541_794),
    "mnist_mlp": (27_882, 27_882),
    "multi_input": (424_874, 424_874),
    "multi_input_single_output": (39_045, 39_045),
    "multi_output": (31_348, 31_348),
    "rnn": (84_362, 84_362),
    "shared_embedding": (6_400, 6_400),
    "shared_feature_extractor": (78_726, 78_726),
    "shared_input": (399_610, 399_610),
    "shared_loss_function": (220, 220),
    "single_input_multi_output": (39_045, 39_045),
    "ticket_priority": (368_097, 368_097),
    "two_losses_weighted": (3_059, 3_059),  # the document shows no network: the template's own count
    "unet": (31_031_685, 31_031_685),
    "vgg16_features": (138_357_544, 138_357_544),
}
SLOW = {"unet", "vgg16_features"}
# template id -> names of the inputs validation warns about (nothing else may warn)
UNUSED_INPUTS = {"multi_input_single_output": ["a2"]}

BATCH, FREE_DIM, VOCAB = 2, 8, 100


def _params():
    return [pytest.param(t, marks=pytest.mark.slow) if t in SLOW else t for t in sorted(EXPECTED)]


@pytest.fixture(autouse=True)
def fresh_keras():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def concrete(shape) -> tuple:
    """A symbolic shape (batch first) as a test shape: batch 2, free dimensions 8."""
    return (BATCH, *(FREE_DIM if d is None else d for d in shape[1:]))


def random_inputs(model, rng) -> list:
    data = []
    for tensor in model.inputs:
        shape, dtype = concrete(tensor.shape), str(tensor.dtype)
        if "int" in dtype:
            data.append(rng.integers(0, VOCAB, shape).astype(dtype))
        else:
            data.append(rng.uniform(0.0, 1.0, shape).astype(dtype))
    return data


# ----------------------------------------------------------------------------- the gallery as a whole

def test_the_table_covers_exactly_the_template_files():
    files = {p.stem for p in TEMPLATE_DIR.glob("*.json")}
    assert set(EXPECTED) == files
    assert template_ids() == sorted(files)


@pytest.mark.parametrize("template_id", sorted(EXPECTED))
def test_every_template_says_what_it_is(template_id):
    project = load_template(template_id)
    assert project.title.strip()
    assert len(project.description) >= 80, project.description
    # It names its source document by its English title (original in parentheses), not by
    # the project's internal file name ("seed 002").
    assert project.description.startswith("From “"), project.description[:80]
    assert "seed" not in project.description.lower().split("”")[0]
    assert "seed 0" not in project.description.lower()


@pytest.mark.parametrize("template_id", sorted(EXPECTED))
def test_nodes_are_placed_top_down(template_id):
    """Every node has a position, below all the nodes that feed it; inputs start at the top."""
    for graph in load_template(template_id).graphs:
        assert topological_order(graph) == [n.id for n in graph.nodes], f"{graph.id}: nodes listed producers first"
        for node in graph.nodes:
            assert node.position is not None, node.name
            for ref in node.inputs:
                assert graph.node(ref.node).position[1] < node.position[1], node.name
        assert {n.position[1] for n in graph.inputs} == {0}, graph.id


# ----------------------------------------------------------------------------- each template

def check_loss_expressions(project, result):
    """Custom losses pass the expression dry run: per sample on outputs, one number in loss nodes."""
    graph = project.main
    for output in graph.outputs:
        if output.custom_expression is not None:
            shape = result.shapes[output.ref.node][output.ref.output][1:]
            tree = expr.parse(output.custom_expression, ("y_true", "y_pred"))
            assert expr.dry_run(tree, {"y_true": shape, "y_pred": shape}, "per_sample") in ((), (expr.BATCH,))
    for node in graph.nodes:
        if node.kind == "loss":
            shapes = {name: result.shapes[r.node][r.output][1:] for name, r in zip(node.input_names, node.inputs)}
            assert expr.dry_run(expr.parse(node.expression, node.input_names), shapes, "scalar") == ()


@pytest.mark.parametrize("template_id", _params())
def test_template_builds_compiles_and_runs(template_id):
    project = load_template(template_id)
    result = build_project(project)

    assert not errors(result.problems), [str(p) for p in result.problems]
    unused = {n.id: n.name for n in project.main.inputs if n.name in UNUSED_INPUTS.get(template_id, [])}
    warnings = [p for p in result.problems if p.severity == "warning"]
    assert sorted(p.node for p in warnings) == sorted(unused), [str(p) for p in warnings]
    for problem in warnings:
        assert f"input '{unused[problem.node]}'" in problem.message

    model = result.model
    counts = param_counts(model)
    assert (counts["total_params"], counts["trainable_params"]) == EXPECTED[template_id]

    check_loss_expressions(project, result)
    model.compile(**result.compile_args)

    outputs = model(random_inputs(model, np.random.default_rng(0)), training=False)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    assert [tuple(o.shape) for o in outputs] == [concrete(t.shape) if t.shape else () for t in model.outputs]
    assert all(np.all(np.isfinite(keras.ops.convert_to_numpy(o))) for o in outputs)


def test_autoencoder_nests_the_encoder_and_the_decoder():
    project = load_template("autoencoder")
    assert [g.id for g in project.graphs] == ["autoencoder", "encoder", "decoder"]
    assert [(n.kind, n.graph) for n in project.main.nodes if n.kind == "model"] == [("model", "encoder"), ("model", "decoder")]
    for graph_id, total in (("encoder", 18_672), ("decoder", 9_569)):
        keras.backend.clear_session()
        result = build_project(project, graph_id)
        assert result.ok, [str(p) for p in result.problems]
        assert result.model.name == graph_id
        assert param_counts(result.model)["total_params"] == total


def test_shared_embedding_has_one_weight_matrix():
    result = build_project(load_template("shared_embedding"))
    assert [tuple(w.shape) for w in result.model.weights] == [(100, 64)]
    assert [n.dtype for n in load_template("shared_embedding").main.inputs] == ["int32", "int32"]


@pytest.mark.slow
def test_vgg16_features_is_keras_vgg16_with_every_layer_as_an_output():
    reference = keras.applications.VGG16(weights=None)
    expected = [(l.__class__.__name__, {k: v for k, v in l.get_config().items()}) for l in reference.layers[1:]]
    del reference
    keras.backend.clear_session()
    project = load_template("vgg16_features")
    layer_nodes = [n for n in project.main.nodes if n.kind == "layer"]
    assert [o.ref.node for o in project.main.outputs] == [n.id for n in layer_nodes]
    assert [o.loss for o in project.main.outputs] == [None] * 21 + ["categorical_crossentropy"]
    model = build_project(project).model
    assert [(l.__class__.__name__, l.get_config()) for l in model.layers[1:]] == expected
    assert len(model.outputs) == 22


def test_unet_at_the_documents_572_pixels_fails_on_the_first_concatenate():
    project = load_template("unet")
    graph = project.main
    [inputs] = graph.inputs
    graph = edits.set_config(graph, inputs.id, shape=(572, 572, 1))
    first_concatenate = next(n for n in graph.nodes if n.class_name == "Concatenate")
    result = build_project(project.replace_graph(graph))
    problems = errors(result.problems)
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].node == first_concatenate.id
    assert "71" in problems[0].message and "70" in problems[0].message
    assert result.model is None


# ----------------------------------------------------------------------------- the command line

def run_cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "editor", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def test_cli_summary_reports_the_documents_counts():
    result = run_cli("summary", "mlp", "unet", "--json")
    assert result.returncode == 0, result.stderr
    reports = {r["target"]: r for r in json.loads(result.stdout)}
    assert reports["mlp"]["total_params"] == 541_794
    assert reports["unet"]["total_params"] == 31_031_685
    assert reports["unet"]["outputs"] == [{"name": "conv10", "shape": [None, 256, 256, 1]}]


def test_cli_lists_every_template_with_its_title():
    result = run_cli("templates", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed == [{"id": t.id, "title": t.title} for t in catalogue()]
    assert [t["id"] for t in listed] == sorted(EXPECTED)
    assert all(t["title"] for t in listed)
