"""Constructs of public model-building code the code reader reads (issue 14, "Public
code"): one focused test for each fix the corpus of tests/code_corpus/public needed."""

from __future__ import annotations

from editor.code.code_import import import_code


def test_a_dict_of_outputs_is_in_the_order_keras_flattens_it():
    """keras.Model(outputs={"priority": p, "department": d}): Keras's model.outputs go by
    sorted key (department, priority), and so do the graph's outputs."""
    import keras

    code = """
import keras
from keras import layers
x = keras.Input((4,), name="x")
p = layers.Dense(1, name="priority")(x)
d = layers.Dense(3, name="department")(x)
model = keras.Model(inputs={"x": x}, outputs={"priority": p, "department": d})
model.compile(loss={"priority": "mse", "department": "categorical_crossentropy"})
"""
    graph = import_code(code).project.main
    names = {n.id: n.name for n in graph.nodes}
    assert [(names[o.ref.node], o.loss) for o in graph.outputs] == [
        ("department", "categorical_crossentropy"), ("priority", "mse")]
    x = keras.Input((4,), name="x")
    real = keras.Model({"x": x}, {"priority": keras.layers.Dense(1, name="priority")(x),
                                  "department": keras.layers.Dense(3, name="department")(x)})
    assert [t._keras_history[0].name for t in real.outputs] == ["department", "priority"]


def test_rescaling_takes_scale_and_offset_by_position():
    """layers.Rescaling(1.0 / 255) and Rescaling(1 / 127.5, -1), as keras.io writes them; the
    config holds the offset even when the code leaves it out, as Rescaling.from_config needs."""
    code = """
import keras
from keras import layers
inputs = keras.Input((8, 8, 3))
x = layers.Rescaling(1.0 / 255)(inputs)
x = layers.Rescaling(1 / 127.5, -1)(x)
model = keras.Model(inputs, x)
"""
    from editor.building.build import build_project

    result = import_code(code, strict=True)
    assert [n.config for n in result.project.main.nodes if n.kind == "layer"] == [
        {"offset": 0.0, "scale": 1.0 / 255}, {"scale": 1 / 127.5, "offset": -1}]
    assert build_project(result.project, weights=False).ok  # Keras's from_config needs the offset


def test_items_of_dicts_and_lists_can_be_assigned():
    """inputs[name] = keras.Input(...) in a loop over the features (keras.io structured
    data), losses[name] = ... per head, a list item replaced."""
    code = """
import keras
from keras import layers
FEATURES = {"b": 3, "a": 2}
inputs, losses = {}, {}
for name, size in FEATURES.items():
    inputs[name] = keras.Input((size,), name=name)
    losses["out_" + name] = "mse"
sizes = [1, 1]
sizes[-1] = 4
outputs = [layers.Dense(sizes[0], name="out_a")(inputs["a"]), layers.Dense(sizes[1], name="out_b")(inputs["b"])]
model = keras.Model(inputs, outputs)
model.compile(loss=losses)
"""
    graph = import_code(code, strict=True).project.main
    names = {n.id: n.name for n in graph.nodes}
    assert [n.name for n in graph.inputs] == ["a", "b"]
    assert [n.config["units"] for n in graph.nodes if n.kind == "layer"] == [1, 4]
    assert [(names[o.ref.node], o.loss) for o in graph.outputs] == [("out_a", "mse"), ("out_b", "mse")]


def test_assigning_an_item_of_something_else_is_left_out():
    code = """
import keras
from keras import layers
inputs = keras.Input((3,))
sizes = (1, 2)
sizes[0] = 4
model = keras.Model(inputs, layers.Dense(2)(inputs))
"""
    result = import_code(code)
    assert result.skipped == ("line 6: assignment to an item of a tuple",)


def test_a_variable_named_input_is_read_as_that_variable():
    """keras.io's siamese network: `input = layers.Input(...)`, and helpers taking `input`."""
    code = """
import keras
from keras import layers
def tower(input, type="relu"):
    return layers.Dense(4, activation=type)(input)
input = layers.Input((3,))
model = keras.Model(input, tower(input))
"""
    graph = import_code(code, strict=True).project.main
    assert [(n.kind, n.config.get("activation")) for n in graph.nodes] == [("input", None), ("layer", "relu")]


def test_the_builtin_input_is_still_refused():
    import pytest

    from editor.code.code_import import CodeRefused

    with pytest.raises(CodeRefused, match=r"line 3: input\(\) is not model-building code"):
        import_code("import keras\nsize = 3\nname = input('name? ')\n")
    with pytest.raises(CodeRefused, match=r"line 2: exec\(\) is not model-building code"):
        import_code("exec = 1\nexec\n")


def test_a_sequential_model_starting_with_a_model_takes_its_input():
    """keras.Sequential([base_model, layers.Dense(...)]), as transfer learning stacks a base
    model: the Sequential's input is the base model's (shape and dtype)."""
    from editor.building.build import build_project

    code = """
import keras
from keras import layers
tokens = keras.Input(shape=(6,), dtype="int32")
base_model = keras.Model(tokens, layers.GlobalAveragePooling1D()(layers.Embedding(50, 4)(tokens)), name="base")
model = keras.Sequential([base_model, layers.Dense(2)], name="head")
"""
    project = import_code(code, strict=True).project
    first = project.main.nodes[0]
    assert (first.kind, first.shape, first.dtype) == ("input", (6,), "int32")
    assert [n.kind for n in project.main.nodes] == ["input", "model", "layer"]
    assert build_project(project, weights=False).model.count_params() == 50 * 4 + 4 * 2 + 2


def test_preprocessing_layers_take_their_leading_arguments_by_position():
    """keras.io's data augmentation writes RandomFlip("horizontal"), RandomRotation(0.1),
    RandomZoom(0.1, 0.2), Resizing(8, 8)."""
    code = """
import keras
from keras import layers
inputs = keras.Input((16, 16, 3))
x = layers.RandomFlip("horizontal")(inputs)
x = layers.RandomRotation(0.1)(x)
x = layers.RandomZoom(0.1, 0.2)(x)
x = layers.Resizing(8, 8)(x)
model = keras.Model(inputs, x)
"""
    nodes = import_code(code, strict=True).project.main.nodes
    assert [n.config for n in nodes if n.kind == "layer"] == [
        {"mode": "horizontal"}, {"factor": 0.1}, {"height_factor": 0.1, "width_factor": 0.2},
        {"height": 8, "width": 8}]


def test_a_sequential_model_without_input_called_on_an_input_takes_its_shape():
    """data_augmentation = keras.Sequential([RandomFlip(...), ...]); x = data_augmentation(inputs)
    (keras.io's image classification from scratch): Keras builds it on the input's shape."""
    from editor.building.build import build_project

    code = """
import keras
from keras import layers
data_augmentation = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])
inputs = keras.Input(shape=(16, 16, 3))
x = data_augmentation(inputs)
x = layers.Conv2D(4, 3)(x)
model = keras.Model(inputs, x)
"""
    project = import_code(code, strict=True).project
    inner = project.graph(project.main.nodes[1].graph)
    assert (inner.nodes[0].kind, inner.nodes[0].shape) == ("input", (16, 16, 3))
    assert build_project(project, weights=False).model.count_params() == 3 * 3 * 3 * 4 + 4


def test_a_sequential_model_without_input_called_on_a_layer_output_takes_its_shape():
    """As Keras's Sequential.build does at the first call (issue 24: the pix2pix tutorial's
    downsample() Sequentials); it was refused before Keras's shape inference answered it."""
    from editor.building.build import build_project

    code = """
import keras
from keras import layers
head = keras.Sequential([layers.Dense(2)])
inputs = keras.Input(shape=(3,))
model = keras.Model(inputs, head(layers.Dense(4)(inputs)))
"""
    project = import_code(code, strict=True).project
    inner = project.graph(project.main.nodes[2].graph)
    assert (inner.nodes[0].kind, inner.nodes[0].shape) == ("input", (4,))
    assert build_project(project, weights=False).model.count_params() == (3 * 4 + 4) + (4 * 2 + 2)


def test_the_backend_epsilon_is_kerass_fuzz_factor():
    """keras.io's siamese distance: ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))."""
    import keras

    code = """
import keras
from keras import layers, ops
from keras import backend as K
a, b = keras.Input((3,)), keras.Input((3,))
d = layers.Lambda(lambda v: ops.sqrt(ops.maximum(ops.sum(ops.square(v[0] - v[1]), axis=1, keepdims=True), K.epsilon())))([a, b])
model = keras.Model([a, b], ops.maximum(d, keras.config.epsilon()))
"""
    ops = [n.expression for n in import_code(code, strict=True).project.main.nodes if n.kind == "op"]
    assert keras.config.epsilon() == 1e-7
    assert ops == ["sqrt(maximum(sum(square(input_layer - input_layer_1), axis=1, keepdims=True), 1e-7))",
                   "maximum(lambda_1, 1e-7)"]


def test_dict_comprehensions_are_read():
    """compile(loss={name: ... for name in HEADS}, loss_weights={...}) and a dict of inputs."""
    code = """
import keras
from keras import layers
HEADS = {"color": 5, "size": 3}
inputs = {name: keras.Input((4,), name=name) for name in ("x", "y") if name != "z"}
joined = layers.concatenate(list(inputs.values()))
outputs = [layers.Dense(units, name=name)(joined) for name, units in HEADS.items()]
model = keras.Model(inputs, outputs)
model.compile(loss={name: "categorical_crossentropy" for name in HEADS},
              loss_weights={name: 1.0 / (i + 1) for i, name in enumerate(HEADS)})
"""
    graph = import_code(code, strict=True).project.main
    names = {n.id: n.name for n in graph.nodes}
    assert [n.name for n in graph.inputs] == ["x", "y"]
    assert [(names[o.ref.node], o.loss, o.loss_weight) for o in graph.outputs] == [
        ("color", "categorical_crossentropy", 1.0), ("size", "categorical_crossentropy", 0.5)]


def test_an_optimizers_first_positional_argument_is_its_learning_rate():
    """keras.optimizers.Adam(3e-4), as keras.io writes it (it was read as Adam's default)."""
    code = """
import keras
from keras import layers
inputs = keras.Input((3,))
model = keras.Model(inputs, layers.Dense(1)(inputs))
model.compile(optimizer=keras.optimizers.Adam(3e-4), loss="mse")
"""
    training = import_code(code, strict=True).project.training
    assert (training.optimizer, training.learning_rate) == ("adam", 3e-4)


def test_tensorflow_activation_functions_are_kerass_of_the_same_name():
    """TensorFlow tutorials write Dense(128, activation=tf.nn.relu), Activation(tf.nn.softmax)."""
    code = """
import tensorflow as tf
inputs = tf.keras.Input((4,))
x = tf.keras.layers.Dense(8, activation=tf.nn.relu)(inputs)
x = tf.keras.layers.Dense(3, activation=tf.math.tanh)(x)
x = tf.keras.layers.Activation(tf.nn.softmax)(x)
model = tf.keras.Model(inputs, x)
"""
    nodes = import_code(code, strict=True).project.main.nodes
    assert [n.config.get("activation") for n in nodes if n.kind == "layer"] == ["relu", "tanh", "softmax"]


def test_other_tensorflow_functions_are_still_no_setting():
    import pytest

    from editor.code.code_import import CodeRefused

    code = """
import tensorflow as tf
inputs = tf.keras.Input((4,))
model = tf.keras.Model(inputs, tf.keras.layers.Dense(8, activation=tf.nn.dropout)(inputs))
"""
    with pytest.raises(CodeRefused, match=r"line 4: tensorflow\.nn\.dropout as a setting"):
        import_code(code)


def test_building_a_sequential_model_gives_it_its_input_shape():
    """model = keras.Sequential([...]); model.build((None, 10)), as TensorFlow tutorials do."""
    from editor.building.build import build_project

    code = """
import keras
from keras import layers
model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(2)])
model.build((None, 10))
other = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
other.build(input_shape=(None, 3))
"""
    project = import_code(code, model="model").project
    assert (project.main.nodes[0].kind, project.main.nodes[0].shape) == ("input", (10,))
    assert build_project(project, weights=False).model.count_params() == 10 * 8 + 8 + 8 * 2 + 2
    assert import_code(code, model="other", strict=True).project.main.nodes[0].shape == (3,)
    result = import_code(code.replace("model.build((None, 10))", "model.build(10)"), model="other")
    assert result.skipped == ("line 5: build() takes the batch input shape, e.g. (None, 10)",)
