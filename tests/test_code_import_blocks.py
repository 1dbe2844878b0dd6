"""Helper functions of imported code become blocks (editor.code.code_blocks): one per call,
named after the function (or its name= argument), nested as the calls nest; and exported
code, imported, gives back the blocks it wrote (editor.code.codegen_blocks)."""

import pytest

from editor.code.code_import import import_code
from editor.code.codegen import generate
from editor.model import blocks
from tests.test_codegen_blocks import prefixed

HELPERS = '''
import keras
from keras import layers

def conv(x, filters):
    return layers.Conv2D(filters, 1)(x)

def residual_block(x, filters):
    y = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    return layers.Activation("relu")(layers.Add()([x, y]))

def stage(x, filters, count):
    for _ in range(count):
        x = residual_block(x, filters)
    return x

def build():
    inputs = keras.Input((32, 32, 16))
    x = stage(inputs, 16, 2)
    x = conv(x, 32)
    x = stage(x, 32, 2)
    outputs = layers.Dense(10)(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs)

model = build()
'''


def test_each_helper_call_is_a_block_nested_as_the_calls_nest():
    graph = import_code(HELPERS).project.main
    assert [(b.name, b.kind, b.parent and blocks.block(graph, b.parent).name, len(blocks.members(graph, b.id)))
            for b in graph.blocks] == [
        ("stage", "stage", None, 8), ("residual_block", "residual_block", "stage", 4),
        ("residual_block_1", "residual_block", "stage", 4), ("stage_1", "stage", None, 8),
        ("residual_block_2", "residual_block", "stage_1", 4), ("residual_block_3", "residual_block", "stage_1", 4)]
    # build() holds every node and conv() one: neither groups anything
    assert {n.name for n in graph.nodes if n.block is None} == {"input_layer", "conv2d_4", "global_average_pooling2d",
                                                                "dense"}
    first = graph.blocks[1].id
    assert [blocks.block(graph, b).name for b in blocks.same_kind(graph, first)] == [
        "residual_block", "residual_block_1", "residual_block_2", "residual_block_3"]
    assert [(a.key, list(a.values.values())) for a in blocks.arguments(graph, first)] == [
        ("filters", [16, 16, 32, 32]), ("filters", [16, 16, 32, 32])]


def test_exported_blocks_come_back_as_the_same_blocks():
    project = prefixed()
    again = import_code(generate(project)).project.main
    assert [(b.name, b.kind) for b in again.blocks] == [("stage1", "stage"), ("stage2", "stage")]
    assert {n.name: again.blocks[[b.id for b in again.blocks].index(n.block)].name for n in again.nodes if n.block} == {
        "stage1_dense": "stage1", "stage1_drop": "stage1", "stage2_dense": "stage2", "stage2_drop": "stage2"}


def block_signature(graph) -> dict:
    """Each block by name: its kind, the block around it and the nodes directly in it (by name)."""
    named = {b.id: b.name for b in graph.blocks}
    return {b.name: (b.kind, named.get(b.parent), sorted(n.name for n in graph.nodes if n.block == b.id))
            for b in graph.blocks}


def assert_blocks_come_back(project) -> str:
    source = generate(project)
    again = import_code(source).project.main
    assert block_signature(again) == block_signature(project.main)
    assert [(n.name, n.class_name, n.config) for n in again.nodes] == [
        (n.name, n.class_name, n.config) for n in project.main.nodes]
    return source


def test_nested_helpers_come_back_nested_with_their_kinds():
    source = assert_blocks_come_back(import_code(HELPERS).project)
    assert source.count("def stage") == 1 and "residual_block(x, name + " not in source  # names passed in
    assert '    """A block of kind "residual_block": each call makes new layers."""' in source


def test_a_block_alone_its_own_kind_and_blocks_of_several_structures_come_back():
    from tests.test_blocks import two_blocks

    project = two_blocks()
    graph = project.main
    first = graph.blocks[0].model_copy(update={"kind": "dense.block-2"})
    graph = graph.model_copy(update={"blocks": (first,) + graph.blocks[1:]})
    source = assert_blocks_come_back(project.replace_graph(graph))
    assert 'def dense_block_2(x, name, names):\n    """A block of kind "dense.block-2": each call makes new layers."""' in source


def test_a_docstring_naming_a_kind_the_editor_refuses_is_not_read_as_one():
    odd = HELPERS.replace("def conv(x, filters):\n", 'def conv(x, filters):\n    """A block of kind "a\\u202eb": each call makes new layers."""\n')
    odd = odd.replace("return layers.Conv2D(filters, 1)(x)", "return layers.Dense(2)(layers.Conv2D(filters, 1)(x))")
    graph = import_code(odd).project.main
    assert [b.kind for b in graph.blocks if b.name == "conv"] == ["conv"]


def test_a_grouping_made_on_the_canvas_comes_back():
    """A block of no kind around two blocks whose names are not its own plus an ending: its
    def takes their names in."""
    graph, _ = blocks.group(prefixed().main, ["d1", "r1", "d2", "r2"], "body")
    source = assert_blocks_come_back(prefixed().replace_graph(graph))
    assert '"""A block of kind "": each call makes new layers."""' in source
    assert "    dropout_1 = stage(dropout, names[1], 4)" in source




@pytest.mark.slow
@pytest.mark.parametrize("application", ["ResNet50", "DenseNet121"])
def test_an_application_exported_with_its_blocks_imports_back_with_every_block(application):
    from editor.files.importer import import_application

    project = import_application(application).project
    assert len(project.main.blocks) == {"ResNet50": 22, "DenseNet121": 66}[application]
    assert_blocks_come_back(project)


def test_blocks_written_flat_come_back_from_the_comments_that_mark_them():
    """stage2 calls stage1's Dropout (a shared layer): it is written flat, and so is the block
    around both; comments mark them and the import reads them back."""
    project = prefixed()
    graph = project.main
    sharing = graph.node("r2").model_copy(update={"shares": "r1", "config": {}, "name": "lambda"})
    graph = graph.model_copy(update={"nodes": tuple(sharing if n.id == "r2" else n for n in graph.nodes)})
    graph, _ = blocks.group(graph, ["d1", "r1", "d2", "r2"], "body", kind="trunk")
    source = assert_blocks_come_back(project.replace_graph(graph))
    assert '    # block: {"name": "body", "kind": "trunk", "in": null, "model": "m"}' in source
    assert '    # block: {"name": "stage2", "kind": "stage", "in": "body", "model": "m"}' in source
    assert 'name="stage2_dense")(stage1_drop)  # in block: "stage2"' in source
    assert '    # block: {"name": "stage1", "kind": "stage", "in": "body", "model": "m"}' in source
    assert '    lambda_1 = stage1_drop_layer(stage2_dense)  # node: "lambda"; in block: "stage2"' in source


def test_a_block_holding_every_layer_is_written_flat_around_the_calls_inside_it():
    graph, _ = blocks.group(prefixed().main, ["d1", "r1", "d2", "r2", "out"], "everything")
    source = assert_blocks_come_back(prefixed().replace_graph(graph))
    assert '    stage1_drop = stage(x, "stage1", 8)  # in block: "everything"' in source
    assert 'name="out")(stage2_drop)  # in block: "everything"' in source


def test_marks_that_are_not_exported_blocks_group_nothing():
    source = generate(prefixed()).replace('    x = keras.Input(', "\n".join([
        '    # block: {"name": "loop", "kind": "", "in": "loop", "model": "m"}',  # a block around itself
        '    # block: {"name": "a\\u202eb", "kind": "", "in": null, "model": "m"}',  # a name the editor refuses
        '    # block: {"name": "other", "kind": "", "in": null, "model": "another_model"}',
        '    # block: ["not", "a", "header"]',
        '    x = keras.Input(']))
    source = source.replace('name="out")(stage2_drop)', 'name="out")(stage2_drop)  # in block: "loop"')
    source = source.replace('name="x")', 'name="x")  # in block: "a\\u202eb"')
    graph = import_code(source).project.main
    assert block_signature(graph) == {**block_signature(prefixed().main), "loop": ("", None, ["out"])}
