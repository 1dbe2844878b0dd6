"""Blocks in exported code (editor.code.codegen_blocks): one def per kind of block, called at
each block, building the very model the flat code builds; anything less certain stays flat."""

import re

import pytest

from editor.code.codegen import generate
from editor.files.importer import import_application
from editor.model import blocks
from editor.model.graph import Block, Graph, Node, Output, Project, Ref
from tests.test_blocks import residual_chain, two_blocks
from tests.test_codegen import assert_only_safe_code, load_generated
from tests.test_import import assert_same_model

import keras


def flat(project: Project) -> Project:
    return Project(graphs=tuple(g.model_copy(update={
        "blocks": (), "nodes": tuple(n.model_copy(update={"block": None}) for n in g.nodes)}) for g in project.graphs),
        training=project.training)


def built(project: Project, tmp_path):
    source = generate(project)
    assert_only_safe_code(source)
    keras.backend.clear_session()  # the same automatic names in both builds
    return load_generated(source, tmp_path).build_model()


def assert_same_as_flat(project: Project, tmp_path) -> str:
    with_blocks = built(project, tmp_path)
    without = built(flat(project), tmp_path / "..")
    assert_same_model(without, with_blocks, forward=False)
    assert with_blocks.count_params() == without.count_params()
    return generate(project)


def prefixed(units=(8, 4)) -> Project:
    """x -> stage1 (Dense, Dropout) -> stage2 (Dense, Dropout) -> out: names `stageN_...`."""
    nodes = [Node(id="x", kind="input", name="x", shape=(6,))]
    last = "x"
    for i, width in enumerate(units, start=1):
        nodes += [Node(id=f"d{i}", kind="layer", name=f"stage{i}_dense", class_name="Dense",
                       config={"units": width, "activation": "relu"}, inputs=(Ref(node=last),), block=f"b{i}"),
                  Node(id=f"r{i}", kind="layer", name=f"stage{i}_drop", class_name="Dropout", config={"rate": 0.1},
                       inputs=(Ref(node=f"d{i}"),), block=f"b{i}")]
        last = f"r{i}"
    nodes.append(Node(id="out", kind="layer", name="out", class_name="Dense", config={"units": 1},
                      inputs=(Ref(node=last),)))
    graph = Graph(id="main", name="m", nodes=tuple(nodes), outputs=(Output(ref=Ref(node="out"), loss="mse"),),
                  blocks=tuple(Block(id=f"b{i}", name=f"stage{i}", kind="stage") for i in range(1, len(units) + 1)))
    return Project(graphs=(graph,))


def test_blocks_named_by_prefix_become_one_def_called_per_block(tmp_path):
    source = assert_same_as_flat(prefixed(), tmp_path)
    assert "def stage(x, name, units):" in source
    assert '    dense = layers.Dense(units, activation="relu", name=name + "_dense")(x)' in source
    assert '    drop = layers.Dropout(0.1, name=name + "_drop")(dense)' in source
    assert '    stage1_drop = stage(x, "stage1", 8)' in source
    assert '    stage2_drop = stage(stage1_drop, "stage2", 4)' in source


def test_blocks_with_names_of_their_own_pass_them_in(tmp_path):
    source = assert_same_as_flat(two_blocks(), tmp_path)
    assert "def dense_block(x, name, names, units, rate):" in source
    assert '    a_drop = dense_block(x, "dense_block", ("a", "a_drop"), 8, 0.1)' in source


def test_residual_blocks_found_from_structure_export_as_calls(tmp_path):
    from editor.model.block_finding import found_blocks

    project = Project(graphs=(found_blocks(residual_chain([16, 32, 16])),))
    source = assert_same_as_flat(project, tmp_path)
    assert "def add_block(x, name, names, units):" in source and source.count("= add_block(") == 3


def test_a_block_alone_of_its_kind_is_a_def_called_once(tmp_path):
    source = assert_same_as_flat(prefixed(units=(8,)), tmp_path)
    assert "def stage(x, name):" in source and '    stage1_drop = stage(x, "stage1")' in source
    assert '    dense = layers.Dense(8, activation="relu", name=name + "_dense")(x)' in source


def test_a_block_with_a_shared_layer_stays_flat(tmp_path):
    project = prefixed()
    graph = project.main
    sharing = graph.node("r2").model_copy(update={"shares": "r1", "config": {}})  # stage2 calls stage1's Dropout
    graph = graph.model_copy(update={"nodes": tuple(sharing if n.id == "r2" else n for n in graph.nodes)})
    shared = project.replace_graph(graph)
    assert "def stage" not in generate(shared)
    assert_same_as_flat(shared, tmp_path)


def test_a_block_whose_nodes_are_not_one_run_of_the_plan_stays_flat():
    project = prefixed()
    graph = project.main
    side = Node(id="side", kind="layer", name="side", class_name="Dense", config={"units": 2}, inputs=(Ref(node="x"),))
    d1 = graph.node("d1")
    nodes = tuple(n for n in graph.nodes if n.id != "r1")
    index = [n.id for n in nodes].index("d1") + 1
    nodes = nodes[:index] + (side, graph.node("r1")) + nodes[index:]  # side sits between stage1's two nodes
    graph = graph.model_copy(update={"nodes": nodes, "outputs": graph.outputs + (Output(ref=Ref(node="side")),)})
    assert d1.block == "b1" and blocks.same_kind(graph, "b1") == ("b1", "b2")
    source = generate(project.replace_graph(graph))
    assert '"stage1")' not in source and 'name="stage1_dense"' in source  # stage1 flat; stage2 a call
    assert '    stage2_drop = stage(stage1_drop, "stage2")' in source


@pytest.mark.slow
def test_resnet50_exports_as_block_calls_and_builds_the_same_model(tmp_path):
    project = import_application("ResNet50").project
    source = assert_same_as_flat(project, tmp_path)
    assert len(source.splitlines()) < 140  # flat: 200; the four stages are defs calling the blocks
    # three kinds of residual block (projection with and without strides, identity), called 16
    # times from the four stage defs; the stages and the stem are defs called once
    assert source.count("def conv_block") == 3 and len(re.findall(r"= conv_block(_\d)?\(x|= conv_block(_\d)?\(block", source)) == 16
    assert re.findall(r"\w+ = (conv(?:_\d)?)\(\w+, \"(conv\d)\"\)", source) == [
        ("conv", "conv1"), ("conv_1", "conv2"), ("conv_2", "conv3"), ("conv_3", "conv4"), ("conv_4", "conv5")]
    assert built(project, tmp_path).count_params() == 25_636_712
