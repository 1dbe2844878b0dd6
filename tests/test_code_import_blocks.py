"""Helper functions of imported code become blocks (editor.code.code_blocks): one per call,
named after the function (or its name= argument), nested as the calls nest."""

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
