"""Per-node cost (issue 15.1): parameters are Keras's own, FLOPs match hand-derived
formulas on several shapes, activation memory is the output shape x dtype size x batch."""

from __future__ import annotations

import pytest

from editor.model.graph import Ref
from editor.building.node_cost import heat, human, node_costs
from editor.templates import load_template, template_ids
from editor.model.run_settings import DEFAULT_NONE_DIM
from tests.helpers import inp, layer, project

import keras


def one(shape, class_name, dtype="float32", **config):
    """input -> one layer: the layer node's cost at batch 1 (None dims count as DEFAULT_NONE_DIM)."""
    p = project(inp("n1", "x", shape, dtype=dtype), layer("n2", "l", class_name, "n1", **config), outputs=["n2"])
    return node_costs(p, batch_size=1)["n2"]


# (input shape, class, config, hand-derived FLOPs per sample: 2 x multiply-adds)
CASES = [
    ((20,), "Dense", {"units": 7}, 2 * 20 * 7),
    ((5, 20), "Dense", {"units": 7}, 2 * 20 * 7 * 5),
    ((16, 3), "Conv1D", {"filters": 8, "kernel_size": 3}, 2 * 3 * 3 * 8 * 14),
    ((12, 12, 3), "Conv2D", {"filters": 4, "kernel_size": 3}, 2 * 9 * 3 * 4 * 10 * 10),
    ((12, 12, 3), "Conv2D", {"filters": 4, "kernel_size": [3, 5], "padding": "same", "strides": 2},
     2 * 15 * 3 * 4 * 6 * 6),
    ((6, 6, 6, 2), "Conv3D", {"filters": 3, "kernel_size": 2}, 2 * 8 * 2 * 3 * 5 * 5 * 5),
    ((8, 8, 4), "Conv2D", {"filters": 6, "kernel_size": 3, "groups": 2}, 2 * 9 * 2 * 6 * 6 * 6),
    ((8, 8, 4), "DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, 2 * 9 * 4 * 2 * 6 * 6),
    ((8, 8, 4), "SeparableConv2D", {"filters": 5, "kernel_size": 3},
     2 * 9 * 4 * 6 * 6 + 2 * 4 * 5 * 6 * 6),
    ((10, 4), "SeparableConv1D", {"filters": 3, "kernel_size": 3, "depth_multiplier": 2},
     2 * 3 * 4 * 2 * 8 + 2 * 8 * 3 * 8),
    ((9, 6), "LSTM", {"units": 5}, 9 * 2 * 4 * 5 * (6 + 5)),
    ((9, 6), "GRU", {"units": 5}, 9 * 2 * 3 * 5 * (6 + 5)),
    ((7, 3), "SimpleRNN", {"units": 4, "return_sequences": True}, 7 * 2 * 4 * (3 + 4)),
    ((None, 6), "LSTM", {"units": 2}, DEFAULT_NONE_DIM * 2 * 4 * 2 * (6 + 2)),  # the training estimate's default
    ((10,), "Embedding", {"input_dim": 50, "output_dim": 8}, 0),
    ((4, 4, 3), "Conv2DTranspose", {"filters": 2, "kernel_size": 3}, 2 * 9 * 3 * 2 * 4 * 4),
    ((10,), "ReLU", {}, 10),
]


@pytest.mark.parametrize("shape, class_name, config, flops", CASES, ids=[f"{c[1]}{c[0]}" for c in CASES])
def test_flops_match_the_hand_derived_formula(shape, class_name, config, flops):
    dtype = "int32" if class_name == "Embedding" else "float32"
    assert one(shape, class_name, dtype=dtype, **config).flops == flops


def test_multi_head_attention_flops_and_params():
    """Q/K/V projections, scores, weighted sum and output projection, every head."""
    p = project(inp("n1", "q", (6, 10)), inp("n2", "v", (4, 12)),
                layer("n3", "att", "MultiHeadAttention", "n1", "n2", num_heads=3, key_dim=5), outputs=["n3"])
    cost = node_costs(p)["n3"]
    heads, k = 3, 5
    expected = 2 * heads * (6 * 10 * k + 4 * 12 * k + 4 * 12 * k) + 2 * heads * 6 * 4 * (k + k) + 2 * 6 * heads * k * 10
    assert cost.flops == expected
    assert cost.params == (10 * 15 + 15) + (12 * 15 + 15) * 2 + (15 * 10 + 10)


def test_bidirectional_counts_both_directions():
    config = {"layer": {"module": "keras.layers", "class_name": "LSTM", "config": {"units": 3}}}
    assert one((5, 4), "Bidirectional", **config).flops == 2 * 5 * 2 * 4 * 3 * (4 + 3)


@pytest.mark.parametrize("template_id", template_ids())
def test_params_equal_keras_count_params_per_layer(template_id):
    from editor.building.build import build_project

    p = load_template(template_id)
    costs = node_costs(p, batch_size=2)
    model = build_project(p, weights=False).model
    graph_names = {g.id: g.name for g in p.graphs}
    by_layer = {}
    for node in p.main.nodes:
        if node.kind in ("layer", "application") and not node.shares:
            by_layer[node.name] = costs[node.id].params
        elif node.kind == "model" and graph_names[node.graph] not in by_layer:
            by_layer[graph_names[node.graph]] = costs[node.id].params
    assert by_layer == {l.name: l.count_params() for l in model.layers if l.name in by_layer}
    assert sum(c.params for c in costs.values()) == model.count_params()


def test_activation_memory_is_output_elements_times_dtype_size_times_batch():
    p = project(inp("n1", "x", (None, 6)), layer("n2", "d", "Dense", "n1", units=3, dtype="float16"),
                outputs=["n2"])
    costs = node_costs(p, batch_size=8, none_dim=10)
    assert costs["n1"].activation_bytes == 8 * 10 * 6 * 4
    assert costs["n2"].activation_bytes == 8 * 10 * 3 * 2


def test_a_shared_layer_counts_its_weights_once():
    shared = layer("n3", "again", "Dense", "n2", units=4).model_copy(update={"shares": "n2b", "config": {}})
    p = project(inp("n1", "x", (4,)), layer("n2b", "d", "Dense", "n1", units=4),
                layer("n2", "d2", "Dense", Ref(node="n2b"), units=4), shared, outputs=["n3"])
    costs = node_costs(p)
    assert costs["n2b"].params == 20 and costs["n3"].params == 0 and costs["n3"].flops == 2 * 4 * 4


def test_heat_scale_and_human_figures():
    assert heat(0, 10) == "#FFF7BC" and heat(10, 10) == "#BD0026" and heat(5, 0) == "#FFF7BC"
    assert human(541_794, "params") == "541,794 params"
    assert human(1_234_567, "flops") == "1.2 MFLOPs" and human(999, "activations") == "999 B"


def test_cost_command_prints_the_exact_table(tmp_path):
    from tests.test_cli import run

    result = run("cost", "mlp", "--batch-size", "4")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "mlp:\n"
        "node     class   params  FLOPs/sample  activations (batch 4)\n"
        "input    input        0             0               12,544 B\n"
        "hidden1  Dense  401,920       802,816                8,192 B\n"
        "hidden2  Dense  110,808       221,184                3,456 B\n"
        "hidden3  Dense   27,776        55,296                2,048 B\n"
        "output   Dense    1,290         2,560                  160 B\n"
        "total           541,794     1,081,856               26,400 B\n")


def test_cost_command_json_is_exact():
    import json

    from tests.test_cli import run

    result = run("cost", "mlp", "--json", "--batch-size", "2")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report[0]["total"] == {"params": 541_794, "flops": 1_081_856, "activation_bytes": 13_200}
    assert report[0]["nodes"][1] == {"name": "hidden1", "kind": "layer", "class_name": "Dense", "params": 401_920,
                                     "flops": 2 * 784 * 512, "activation_bytes": 2 * 512 * 4}
    bad = run("cost", "mlp", "--batch-size", "0")
    assert bad.returncode == 2 and bad.stderr.strip().endswith("--batch-size must be between 1 and 1,000,000")


def test_a_nested_model_call_costs_what_its_graph_costs():
    p = load_template("autoencoder")
    main = node_costs(p)
    for node in p.main.nodes:
        if node.kind == "model":
            inner = node_costs(p, graph_id=node.graph)
            assert main[node.id].flops == sum(c.flops for c in inner.values()) > 0
            assert main[node.id].params == sum(c.params for c in inner.values())
