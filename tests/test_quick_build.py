"""The quick preview of big graphs (issue 15.3): the same shapes, problems, parameter
counts and costs as the full Keras build, and an edit calls only the nodes it changed."""

from __future__ import annotations

import pytest

from support.big_graphs import residual_stack
from editor.model import edits
from editor.building import quick_build
from editor.building.build import build_project, param_counts
from editor.model.graph import Node, Ref
from editor.building.node_cost import costs_of
from editor.templates import load_template

SIZE = quick_build.QUICK_ABOVE + 10  # just big enough for the quick preview


@pytest.fixture(scope="module")
def big():
    return residual_stack(SIZE)


def test_it_applies_to_big_plain_graphs_only(big):
    assert quick_build.applies(big, "main")
    assert not quick_build.applies(load_template("unet"), "main")  # 39 nodes: the full build
    with_model = load_template("autoencoder")
    assert not quick_build.applies(with_model, with_model.main.id)


def test_same_shapes_counts_and_costs_as_the_full_build(big):
    quick = quick_build.quick_build(big, "main")
    full = build_project(big, weights=False)
    assert quick.ok and full.ok
    assert quick.shapes == full.shapes
    assert quick.counts == param_counts(full.model) == {
        "total_params": (SIZE - 1) // 3 * (272 + 272), "trainable_params": (SIZE - 1) // 3 * 544,
        "non_trainable_params": 0}
    assert costs_of(big, "main", quick_build.as_build_result(quick)) == costs_of(big, "main", full)


def test_the_summary_has_keras_columns_and_totals(big):
    text = quick_build.summary_table("residual", quick_build.quick_build(big, "main"))
    lines = text.splitlines()
    assert lines[0] == 'Model: "residual"'
    assert lines[2].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#", "Connected", "to"]
    assert lines[4].split() == ["input", "(InputLayer)", "(None,", "16)", "0", "-"]
    assert lines[5].split() == ["dense_1", "(Dense)", "(None,", "16)", "272", "input[0]"]
    assert lines[7].split() == ["add_3", "(Add)", "(None,", "16)", "0", "input[0],", "dense_2[0]"]
    total = (SIZE - 1) // 3 * 544
    assert f" Total params: {total:,} (" in text and " Non-trainable params: 0 (0.00 B)" in text


def test_a_problem_lands_on_the_node_with_the_full_builds_message(big):
    broken = big.replace_graph(edits.set_param(big.main, "n3", "units", 8))  # dense_2 -> 8 units; add_3 adds 16 + 8
    quick = quick_build.quick_build(broken, "main")
    full = build_project(broken, weights=False)
    assert not quick.ok
    assert [(p.node, p.message) for p in quick.problems] == [(p.node, p.message) for p in full.problems]
    assert [p.node for p in quick.problems] == ["n4"]


def test_an_edit_calls_only_the_nodes_it_changed(big):
    quick_build.quick_build(big, "main")
    before = len(quick_build._cache)
    edited = big.replace_graph(edits.set_param(big.main, "n2", "units", 17))
    result = quick_build.quick_build(edited, "main")
    # dense_1 (new units) and dense_2 (new input spec) are called; add_3 and everything
    # after it see the same specs as before and are dictionary hits.
    assert len(quick_build._cache) == before + 2
    # dense_1: 16 x 17 + 17, dense_2: 17 x 16 + 16, where both had 272
    assert result.counts["total_params"] == quick_build.quick_build(big, "main").counts["total_params"] + 33


def test_shared_layers_count_once():
    project = residual_stack(SIZE)
    graph = project.main
    shared = Node(id="s1", kind="layer", name="again", class_name="Dense", shares="n2",
                  inputs=(Ref(node="n1"),))
    graph = graph.model_copy(update={"nodes": graph.nodes + (shared,)})
    project = project.replace_graph(graph)
    quick = quick_build.quick_build(project, "main")
    full = build_project(project, weights=False)
    assert quick.counts == param_counts(full.model)
    assert quick.shapes["s1"] == full.shapes["s1"] == [(None, 16)]


def test_an_imported_densenet121_previews_as_the_full_build_does():
    """The issue's example of a big import: 429 nodes of layers, previewed quickly."""
    from editor.files.importer import import_application

    project = import_application("DenseNet121").project
    assert quick_build.applies(project, project.main.id)
    quick = quick_build.quick_build(project, project.main.id)
    full = build_project(project, weights=False)
    assert quick.ok and quick.shapes == full.shapes
    assert quick.counts == param_counts(full.model) == {
        "total_params": 8_062_504, "trainable_params": 7_978_856, "non_trainable_params": 83_648}
