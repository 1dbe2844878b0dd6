"""Blocks (editor.model.blocks): grouping that the built model never sees, blocks from Keras's
own layer names, blocks of one kind and their arguments, and what diff and cost say per block."""

import json

import pytest

from editor.building.build import build_project
from editor.code.codegen import generate
from editor.diff import by_block, diff
from editor.files import project_files
from editor.files.importer import import_application
from editor.model import block_finding, blocks, edits
from editor.model.blocks import BlockError
from editor.model.graph import Block, Graph, Node, Output, Project, Ref
from editor.templates import load_template
from tests.test_cli import run


def _dense(node_id, name, source, units, block=None, rate=None):
    nodes = [Node(id=node_id, kind="layer", name=name, class_name="Dense", config={"units": units},
                  inputs=(Ref(node=source),), block=block)]
    if rate is not None:
        nodes.append(Node(id=node_id + "d", kind="layer", name=name + "_drop", class_name="Dropout",
                          config={"rate": rate}, inputs=(Ref(node=node_id),), block=block))
    return nodes


def two_blocks() -> Project:
    """x -> [Dense 8, Dropout 0.1] -> [Dense 4, Dropout 0.2] -> Dense 1: two 'dense_block's."""
    nodes = [Node(id="x", kind="input", name="x", shape=(6,))]
    nodes += _dense("a", "a", "x", 8, "b1", 0.1)
    nodes += _dense("b", "b", "ad", 4, "b2", 0.2)
    nodes += _dense("out", "out", "bd", 1)
    graph = Graph(id="main", name="m", nodes=tuple(nodes), outputs=(Output(ref=Ref(node="out"), loss="mse"),),
                  blocks=(Block(id="b1", name="dense_block", kind="dense_block"),
                          Block(id="b2", name="dense_block_1", kind="dense_block")))
    return Project(graphs=(graph,))


def params(project: Project) -> int:
    result = build_project(project, weights=False)
    assert result.ok, result.first_error
    return result.model.count_params()


def test_blocks_change_nothing_in_the_model():
    project = two_blocks()
    flat = Project(graphs=(project.main.model_copy(update={
        "blocks": (), "nodes": tuple(n.model_copy(update={"block": None}) for n in project.main.nodes)}),))
    assert params(project) == params(flat) == (6 * 8 + 8) + (8 * 4 + 4) + (4 + 1)
    assert "def dense_block" in generate(project) and "def dense_block" not in generate(flat)
    # the code builds the same model either way: tests/test_codegen_blocks.py


def test_a_project_with_blocks_saves_and_opens_again_and_version_2_files_open():
    project = two_blocks()
    text = project_files.dumps(project)
    assert json.loads(text)["format_version"] == 3
    assert project_files.loads(text) == project
    old = json.loads(project_files.dumps(load_template("mlp")))
    old["format_version"] = 2
    assert project_files.loads(json.dumps(old)) == load_template("mlp")


@pytest.mark.parametrize("change, message", [
    (lambda g: {"nodes": g.nodes[:1] + (g.nodes[1].model_copy(update={"block": "nope"}),) + g.nodes[2:]},
     "node 'a' is in a block that does not exist ('nope')"),
    (lambda g: {"blocks": (Block(id="b1", name="p", parent="b2"), Block(id="b2", name="q", parent="b1"))},
     "block 'p' is inside itself"),
    (lambda g: {"blocks": (Block(id="b1", name="same"), Block(id="b2", name="same"))}, "two blocks are both 'same'"),
])
def test_a_file_with_broken_blocks_is_refused_in_one_line(change, message):
    graph = two_blocks().main
    data = json.loads(project_files.dumps(Project(graphs=(graph,))))
    broken = graph.model_construct(**{**dict(graph), **change(graph)})
    data["graphs"][0] = json.loads(broken.model_dump_json(exclude_defaults=True))
    with pytest.raises(project_files.ProjectError) as err:
        project_files.loads(json.dumps(data))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_group_and_ungroup_nest_and_round_trip():
    graph = two_blocks().main
    outer, outer_id = blocks.group(graph, ["a", "ad", "b", "bd"], "body", kind="body")
    assert [(b.name, b.parent) for b in outer.blocks] == [("dense_block", outer_id), ("dense_block_1", outer_id),
                                                          ("body", None)]
    assert [n.name for n in blocks.members(outer, outer_id)] == ["a", "a_drop", "b", "b_drop"]
    assert blocks.top_item(outer, outer.node("a")) == outer_id
    assert blocks.top_item(outer, outer.node("a"), open_blocks=[outer_id]) == "b1"
    found = blocks.boundary(outer, outer_id)
    assert (found.inputs, found.outputs) == ((Ref(node="x"),), (Ref(node="bd"),))
    assert blocks.ungroup(outer, outer_id) == graph


@pytest.mark.parametrize("ids, name, message", [
    (["a"], "g", "group: choose at least two nodes"),
    (["a", "missing"], "g", "group: a chosen node is not in the graph"),
    (["a", "x"], "dense_block", "there is already a block named 'dense_block'"),
    (["a", "x"], "a b", "block name 'a b': names may hold only letters A-Z, digits and _ . -"),
    (["a", "x"], "", "block name '': it is empty"),
    (["a", "out"], "g", "group: 'a_drop' is in block 'dense_block' with chosen nodes; choose all of that block or none"),
])
def test_group_refusals_name_what_is_wrong(ids, name, message):
    with pytest.raises(BlockError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        blocks.group(two_blocks().main, ids, name)


def test_deleting_a_blocks_last_node_removes_the_block():
    graph = two_blocks().main
    graph = edits.remove_node(graph, "a")
    assert [b.name for b in graph.blocks] == ["dense_block", "dense_block_1"]
    graph = edits.remove_node(graph, "ad")
    assert [b.name for b in graph.blocks] == ["dense_block_1"]


def test_blocks_of_a_kind_their_arguments_and_one_edit_for_all():
    graph = two_blocks().main
    assert blocks.same_kind(graph, "b1") == ("b1", "b2")
    found = [(a.node_name, a.key, a.values) for a in blocks.arguments(graph, "b2")]
    assert found == [("b", "units", {"b1": 8, "b2": 4}), ("b_drop", "rate", {"b1": 0.1, "b2": 0.2})]
    changed = blocks.apply_to_kind(graph, "b2", "bd", "rate", 0.5)
    assert [changed.node(i).config["rate"] for i in ("ad", "bd")] == [0.5, 0.5]
    assert [changed.node(i).config for i in ("a", "b", "out")] == [graph.node(i).config for i in ("a", "b", "out")]
    with pytest.raises(BlockError, match="^node 'out' is not in block 'dense_block_1'$"):
        blocks.apply_to_kind(graph, "b2", "out", "units", 3)


def test_a_block_of_another_structure_is_not_of_the_kind():
    graph = two_blocks().main
    extra = Node(id="c", kind="layer", name="c", class_name="Dense", config={"units": 4}, inputs=(Ref(node="b"),),
                 block="b2")
    graph = graph.model_copy(update={"nodes": graph.nodes + (extra,)})
    assert blocks.same_kind(graph, "b1") == ("b1",)
    assert blocks.arguments(graph, "b1") == ()


def test_diff_says_what_grouping_changed_and_counts_per_block():
    before = Project(graphs=(blocks.ungroup(blocks.ungroup(two_blocks().main, "b1"), "b2"),))
    after = two_blocks()
    found = diff(before, after)
    assert found.nodes == [] and not found.equal
    assert found.blocks == ["added block m/dense_block (dense_block)", "added block m/dense_block_1 (dense_block)",
                            "moved m/a: in the graph -> in dense_block", "moved m/a_drop: in the graph -> in dense_block",
                            "moved m/b: in the graph -> in dense_block_1",
                            "moved m/b_drop: in the graph -> in dense_block_1"]
    edited = after.replace_graph(edits.set_param(after.main, "bd", "rate", 0.3))
    edited = edited.replace_graph(edits.remove_node(edited.main, "a"))
    # a_drop lost its input: changed too
    assert by_block(diff(after, edited), after, edited) == ["block dense_block: 1 changed, 1 removed",
                                                            "block dense_block_1: 1 changed"]


@pytest.mark.slow
@pytest.mark.parametrize("name, top_items, most", [("ResNet50", 9, 25), ("DenseNet121", 16, 70)])
def test_applications_open_as_blocks_from_their_layer_names(name, top_items, most):
    project = import_application(name).project
    graph = project.main
    shown = {blocks.top_item(graph, n) or n.id for n in graph.nodes}
    assert len(shown) == top_items <= most
    stage = next(b for b in graph.blocks if b.name == "conv3")
    assert [b.name for b in blocks.children(graph, stage.id)][:2] == ["conv3_block1", "conv3_block2"]


@pytest.mark.slow
def test_resnet50_blocks_of_a_kind_and_their_arguments():
    graph = import_application("ResNet50").project.main
    by_name = {b.name: b.id for b in graph.blocks}
    kin = [blocks.block(graph, i).name for i in blocks.same_kind(graph, by_name["conv3_block2"])]
    assert kin == ["conv2_block2", "conv2_block3", "conv3_block2", "conv3_block3", "conv3_block4", "conv4_block2",
                   "conv4_block3", "conv4_block4", "conv4_block5", "conv4_block6", "conv5_block2", "conv5_block3"]
    found = {(a.node_name, a.key) for a in blocks.arguments(graph, by_name["conv3_block2"])}
    assert found == {("conv3_block2_1_conv", "filters"), ("conv3_block2_2_conv", "filters"),
                     ("conv3_block2_3_conv", "filters")}


def test_names_that_are_keras_numbering_make_no_blocks():
    nodes = [Node(id="x", kind="input", name="input_layer", shape=(4,))]
    for i, name in enumerate(["conv2d", "conv2d_1", "conv2d_2", "dense", "dense_1"]):
        nodes.append(Node(id=f"n{i}", kind="layer", name=name, class_name="Dense", config={"units": 2},
                          inputs=(Ref(node=nodes[-1].id),)))
    graph = Graph(id="g", name="g", nodes=tuple(nodes))
    assert block_finding.blocks_from_names(graph) == graph


def test_cost_and_diff_by_block_from_the_command_line(tmp_path):
    path = tmp_path / "blocks.json"
    path.write_text(project_files.dumps(two_blocks()))
    result = run("cost", str(path), "--by-block", "--json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert [(b["name"], b["nodes"], b["params"]) for b in report["blocks"]] == [
        ("dense_block", 2, 6 * 8 + 8), ("dense_block_1", 2, 8 * 4 + 4)]
    text = run("cost", str(path), "--by-block").stdout
    assert "block dense_block_1  dense_block (2 nodes)" in text
    other = tmp_path / "other.json"
    changed = two_blocks()
    other.write_text(project_files.dumps(changed.replace_graph(edits.set_param(changed.main, "b", "units", 5))))
    result = run("diff", str(path), str(other), "--by-block", "--no-build")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == ["changed m/b: units: 4 -> 5", "block dense_block_1: 1 changed"]


def residual_chain(widths) -> Graph:
    """x -> Dense -> (Dense, Dense, Add with the skip) per width: residual blocks, no name prefixes."""
    nodes = [Node(id="x", kind="input", name="x", shape=(8,)),
             Node(id="stem", kind="layer", name="stem", class_name="Dense", config={"units": 8}, inputs=(Ref(node="x"),))]
    last = "stem"
    for i, width in enumerate(widths):
        nodes += [Node(id=f"h{i}", kind="layer", name=f"hidden{i}", class_name="Dense", config={"units": width},
                       inputs=(Ref(node=last),)),
                  Node(id=f"p{i}", kind="layer", name=f"project{i}", class_name="Dense", config={"units": 8},
                       inputs=(Ref(node=f"h{i}"),)),
                  Node(id=f"s{i}", kind="layer", name=f"sum{i}", class_name="Add",
                       inputs=(Ref(node=last), Ref(node=f"p{i}")))]
        last = f"s{i}"
    nodes.append(Node(id="out", kind="layer", name="out", class_name="Dense", config={"units": 1}, inputs=(Ref(node=last),)))
    return Graph(id="g", name="g", nodes=tuple(nodes), outputs=(Output(ref=Ref(node="out")),))


def test_residual_blocks_are_found_from_the_structure_with_their_arguments():
    graph = block_finding.found_blocks(residual_chain([16, 32, 16, 64]))
    assert [(b.name, b.kind, [n.name for n in blocks.members(graph, b.id)]) for b in graph.blocks] == [
        (f"sum{i}", "add_block", [f"hidden{i}", f"project{i}", f"sum{i}"]) for i in range(4)]
    assert blocks.same_kind(graph, "b1") == ("b1", "b2", "b3", "b4")
    [argument] = blocks.arguments(graph, "b1")
    assert (argument.node_name, argument.key, list(argument.values.values())) == ("hidden0", "units", [16, 32, 16, 64])


def test_a_unet_is_not_made_one_block_by_its_skips():
    assert block_finding.found_blocks(load_template("unet").main).blocks == ()


@pytest.mark.slow
def test_inception_v3_gets_its_mixed_blocks_from_the_structure():
    graph = import_application("InceptionV3").project.main
    assert [b.name for b in graph.blocks] == [f"mixed{i}" for i in range(11)]
    assert len({blocks.top_item(graph, n) or n.id for n in graph.nodes}) == 31
    assert blocks.same_kind(graph, graph.blocks[4].id) == tuple(b.id for b in graph.blocks[4:8])  # mixed4-7: 17x17
