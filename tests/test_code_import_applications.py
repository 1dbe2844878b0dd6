"""keras.applications in model code (issue 24): read with their arguments to Keras's own
parameter counts, weights="imagenet" kept (never downloaded), a frozen base's trainable
count exact, and every limit on applications checked before anything is built."""

from __future__ import annotations

import math

import pytest

from editor.code import codegen
from editor.code.code_import import CodeRefused, import_code

keras = pytest.importorskip("keras")

HEAD = "import keras\nfrom keras import layers\n"


def counts(model) -> tuple[int, int]:
    """(total, trainable) parameters, also of a model built without weights (StatelessScope)."""
    size = lambda variables: sum(math.prod(v.shape) for v in variables)  # noqa: E731
    return size(model.weights), size(model.trainable_weights)


def imported_counts(source: str, **options) -> tuple[int, int]:
    from editor.building.build import build_project

    result = build_project(import_code(source, **options).project, weights=False)
    assert result.ok, result.first_error
    return counts(result.model)


def stateless(build):
    """A Keras model built as `build()` builds it, without making its weights."""
    from editor.building.build import forget_deferred_variables

    with keras.StatelessScope(initialize_variables=False):
        model = build()
    forget_deferred_variables()
    return model


# ----------------------------------------------------------------------------- arguments

@pytest.mark.parametrize("call, build", [
    ('MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None, pooling="avg", alpha=0.35)',
     lambda: keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None, pooling="avg",
                                            alpha=0.35)),
    ("MobileNet(input_shape=(64, 64, 3), alpha=0.25, weights=None, classes=10, classifier_activation=None)",
     lambda: keras.applications.MobileNet(input_shape=(64, 64, 3), alpha=0.25, weights=None, classes=10,
                                          classifier_activation=None)),
    ("MobileNetV3Small(input_shape=(64, 64, 3), include_top=False, weights=None, include_preprocessing=False)",
     lambda: keras.applications.MobileNetV3Small(input_shape=(64, 64, 3), include_top=False, weights=None,
                                                 include_preprocessing=False)),
    ("VGG16(False, None, None, (48, 48, 3), 'max')",  # positional, in Keras's order
     lambda: keras.applications.VGG16(include_top=False, weights=None, input_shape=(48, 48, 3), pooling="max")),
])
def test_an_application_with_arguments_imports_to_keras_parameter_count(call, build):
    """`MobileNetV2(input_shape=..., include_top=False, ...)` was refused ("the editor reads
    keras.applications models with their defaults"): now built by Keras with those arguments."""
    result = import_code(HEAD + f"model = keras.applications.{call}\n")
    assert result.skipped == () and result.notes == ()
    assert imported_counts(HEAD + f"model = keras.applications.{call}\n") == counts(stateless(build))


def test_input_tensor_builds_the_application_on_the_file_input():
    source = HEAD + ("inputs = keras.Input((64, 64, 3), name='image')\n"
                     "base = keras.applications.ResNet50(include_top=False, weights=None, input_tensor=inputs)\n"
                     "x = layers.GlobalAveragePooling2D()(base.output)\n"
                     "model = keras.Model(base.input, layers.Dense(3)(x))\n")
    nodes = import_code(source).project.main.nodes
    assert [n.name for n in nodes if n.kind == "input"] == ["image"]

    def build():
        inputs = keras.Input((64, 64, 3), name="image")
        base = keras.applications.ResNet50(include_top=False, weights=None, input_tensor=inputs)
        return keras.Model(base.input, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(base.output)))

    assert imported_counts(source) == counts(stateless(build))


def test_keras_refusal_of_arguments_is_one_line():
    with pytest.raises(CodeRefused, match=r"^the code builds no keras model \(line 3: MobileNetV2\(\): "
                                          r"got an unexpected keyword argument 'colour'\)$"):
        import_code(HEAD + "model = keras.applications.MobileNetV2(weights=None, colour=1)\n")


# ----------------------------------------------------------------------------- transfer learning

TRANSFER = HEAD + """base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights={weights})
base.trainable = False
inputs = keras.Input((96, 96, 3))
x = base(inputs, training=False)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
"""


def transfer_model():
    base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
    base.trainable = False
    inputs = keras.Input((96, 96, 3))
    x = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
    return keras.Model(inputs, keras.layers.Dense(1)(x))


def test_a_frozen_base_gives_keras_total_and_trainable_counts():
    """`base.trainable = False` was left out ("assignment to attribute"), and the model
    needing it refused: now every layer of the base is frozen, as Keras freezes them."""
    result = import_code(TRANSFER.format(weights="None"))
    assert result.skipped == ()
    assert imported_counts(TRANSFER.format(weights="None")) == counts(stateless(transfer_model)) == (2_259_265, 1_281)


def test_imagenet_weights_are_kept_in_one_application_node_never_downloaded(monkeypatch):
    from keras.src.utils import file_utils

    monkeypatch.setattr(file_utils, "get_file", lambda *a, **k: pytest.fail("downloaded"))
    source = TRANSFER.format(weights='"imagenet"')
    result = import_code(source)
    assert result.notes[-1] == ("line 3: MobileNetV2(weights='imagenet') kept: the editor never downloads; "
                                "the built preview uses random weights")
    assert [n for n in result.notes[:-1] if "training=False" not in n] == []
    node = result.project.main.nodes[1]
    assert (node.kind, node.class_name, node.config) == ("application", "MobileNetV2", {
        "input_shape": [96, 96, 3], "include_top": False, "weights": "imagenet", "trainable": False})
    assert imported_counts(source) == counts(stateless(transfer_model))
    code = codegen.generate(result.project)
    assert ('    x_model = keras.applications.MobileNetV2(weights="imagenet", input_shape=[96, 96, 3], '
            'include_top=False, name="x")\n    x_model.trainable = False\n'
            f'    x = x_model({result.project.main.inputs[0].name})\n') in code  # (Keras numbers input names)
    assert import_code(code).project.main == result.project.main


def test_an_imagenet_application_as_the_model_is_its_input_and_one_node():
    """`model = MobileNetV2(...)` with Keras's default weights='imagenet', compiled: the
    weights are kept (one application node after its input) and export-then-import is exact."""
    source = HEAD + ("model = keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.5)\n"
                     "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n")
    result = import_code(source)
    main = result.project.main
    assert [(n.kind, n.class_name, n.config) for n in main.nodes] == [
        ("input", None, {}), ("application", "MobileNetV2", {"input_shape": [96, 96, 3], "alpha": 0.5,
                                                             "weights": "imagenet"})]
    assert (main.outputs[0].loss, main.outputs[0].metrics) == ("categorical_crossentropy", ("accuracy",))
    assert imported_counts(source) == counts(stateless(
        lambda: keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.5, weights=None)))
    assert import_code(codegen.generate(result.project)).project.main == main


def test_imagenet_weights_of_an_application_whose_layers_are_used_are_noted_lost():
    source = HEAD + ("base = keras.applications.VGG16(include_top=False, weights='imagenet', input_shape=(32, 32, 3))\n"
                     "model = keras.Model(base.input, base.get_layer('block3_pool').output)\n")
    result = import_code(source)
    assert result.notes == ("line 3: VGG16(weights='imagenet'): its layers are imported one by one, with random weights "
                            "(the editor never downloads)",)
    assert result.project.main.nodes[-1].name == "block3_pool"


def test_fine_tuning_the_top_layers_gives_keras_trainable_count():
    source = HEAD + """base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
base.trainable = True
for layer in base.layers[:100]:
    layer.trainable = False
inputs = keras.Input((96, 96, 3))
model = keras.Model(inputs, layers.Dense(1)(layers.GlobalAveragePooling2D()(base(inputs))))
"""

    def build():
        base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
        for layer in base.layers[:100]:
            layer.trainable = False
        inputs = keras.Input((96, 96, 3))
        return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(base(inputs))))

    assert imported_counts(source) == counts(stateless(build))


def test_a_frozen_layer_and_sequential_keep_keras_counts():
    source = HEAD + """dense = layers.Dense(4)
dense.trainable = False
inner = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.BatchNormalization()])
inner.trainable = False
inputs = keras.Input((8,))
model = keras.Model(inputs, layers.Dense(1)(inner(dense(inputs))))
"""
    assert imported_counts(source) == (4 * 8 + 4 + 4 * 3 + 3 + 4 * 3 + 3 + 1, 3 + 1)


def test_a_model_made_untrainable_by_its_constructor_keeps_keras_counts():
    """Model(..., trainable=False) was read past silently: its layers stayed trainable."""
    source = HEAD + """inputs = keras.Input((8,))
inner = keras.Model(inputs, layers.Dense(4)(inputs), trainable=False)
outer_in = keras.Input((8,))
model = keras.Model(outer_in, layers.Dense(1)(inner(outer_in)))
"""
    assert imported_counts(source) == (8 * 4 + 4 + 4 + 1, 4 + 1)


@pytest.mark.parametrize("statement, reason", [
    ("model.name = 'x'", "line 5: assignment to attribute: only names and tuples of names"),
    ("model.trainable = 0", "line 5: trainable set to something other than True or False"),
])
def test_other_attribute_assignments_still_refuse_the_model_they_change(statement, reason):
    source = HEAD + f"inputs = keras.Input((8,))\nmodel = keras.Model(inputs, layers.Dense(1)(inputs))\n{statement}\n"
    with pytest.raises(CodeRefused) as caught:
        import_code(source)
    assert str(caught.value) == f"{reason}: this line was left out, and the model 'model' needs it"


# ----------------------------------------------------------------------------- weights refused

@pytest.mark.parametrize("weights", ["'/tmp/mobilenet.weights.h5'", "'https://example.com/w.h5'", "1"])
def test_a_weights_file_is_refused_before_anything_is_read(weights, monkeypatch):
    from editor.files import importer

    monkeypatch.setattr(importer, "import_application", lambda *a, **k: pytest.fail("built"))
    with pytest.raises(CodeRefused) as caught:
        import_code(HEAD + f"model = keras.applications.MobileNetV2(weights={weights})\n")
    assert str(caught.value) == (f"line 3: MobileNetV2(weights={eval(weights)!r}): the editor reads no weights file "
                                 "(weights=None or 'imagenet')")


@pytest.mark.parametrize("call, reason", [
    ("ResNet50(weights='imagenet', classes=10)", "ResNet50(weights='imagenet', include_top=True) has 1000 classes, not 10"),
    ("ResNet50(input_shape=(96, 96, 3))", "ResNet50(weights='imagenet', include_top=True) takes input_shape=(224, 224, 3)"),
    ("ResNet50(include_top=False, input_shape=(96, 96, 1))", "ResNet50(weights='imagenet') takes 3 channels, not 1"),
    ("MobileNetV2(input_shape=(100, 100, 3))", "MobileNetV2(weights='imagenet', include_top=True) takes input_shape=(224, 224, 3)"),
])
def test_what_keras_refuses_of_imagenet_weights_is_refused(call, reason):
    """Keras checks these only when it loads weights; the editor builds with weights=None."""
    with pytest.raises(CodeRefused, match=rf"^the code builds no keras model \(line 3: {reason.replace('(', '.').replace(')', '.')}\)$"):
        import_code(HEAD + f"model = keras.applications.{call}\n")


@pytest.mark.parametrize("call", ["MobileNetV2(input_shape=(160, 160, 3))", "MobileNet(input_shape=(128, 128, 3))",
                                  "MobileNetV3Small(input_shape=(160, 160, 3))"])
def test_imagenet_sizes_keras_accepts_are_read(call):
    """MobileNet and MobileNetV2 have ImageNet weights for several input sizes (Keras takes
    its default from the input's); MobileNetV3 checks none."""
    result = import_code(HEAD + f"model = keras.applications.{call}\n")
    assert [n.kind for n in result.project.main.nodes] == ["input", "application"]
    assert result.notes[0].endswith("(weights='imagenet') kept: the editor never downloads; the built preview uses "
                                    "random weights")


# ----------------------------------------------------------------------------- limits before building

@pytest.fixture
def no_build(monkeypatch):
    """Building any application fails the test: the limits must refuse first."""
    from editor.files import importer

    monkeypatch.setattr(importer, "import_application", lambda *a, **k: pytest.fail("an application was built"))
    for name in ("VGG16", "ConvNeXtXLarge", "NASNetLarge", "DenseNet121", "MobileNet"):
        monkeypatch.setattr(keras.applications, name, lambda *a, **k: pytest.fail("an application was built"))


@pytest.mark.parametrize("source, refusal", [
    ("m = keras.applications.MobileNet(weights=None)\n" * 5, "line 5: more than 2 keras.applications models in one file"),
    ("for i in range(1000):\n    backbone = keras.applications.VGG16(weights=None)\nmodel = backbone\n",
     "line 4: more than 2 keras.applications models in one file"),
    ("def build_model():\n    a = keras.applications.MobileNet()\n    b = keras.applications.MobileNet()\n"
     "    return keras.applications.MobileNet()\n", "line 6: more than 2 keras.applications models in one file"),
    ("keras.applications.ConvNeXtXLarge()\n",
     "line 3: keras.applications.ConvNeXtXLarge has 350,196,968 parameters; the editor reads applications of up to "
     "150,000,000"),
    ("a = keras.applications.NASNetLarge(weights=None)\nb = keras.applications.DenseNet121(weights=None)\n",
     "line 4: keras.applications models of 1,470 layers in one file; the editor reads up to 1,100"),
])
def test_application_limits_refuse_before_any_build(source, refusal, no_build):
    with pytest.raises(CodeRefused) as caught:
        import_code(HEAD + source)
    assert str(caught.value) == refusal


def test_an_unknown_application_is_left_out_without_keras(no_build):
    result = import_code(HEAD + "base = keras.applications.Frobnicate()\ninputs = keras.Input((3,))\n"
                                "model = keras.Model(inputs, layers.Dense(1)(inputs))\n")
    assert result.skipped == ("line 3: Frobnicate is not a keras.applications model",)


@pytest.mark.parametrize("name", ["MobileNet", "MobileNetV2", "VGG16", "ResNet50"])
def test_the_size_table_is_keras(name):
    """editor/code/application_sizes.py is generated (benchmarks/application_table.py):
    a few cheap ones against Keras, with their defaults."""
    from editor.code.application_sizes import SIZES

    model = stateless(lambda: getattr(keras.applications, name)(weights=None))
    assert SIZES[name] == (counts(model)[0], len(model.layers), tuple(model.inputs[0].shape[1:]))


def test_the_size_table_names_every_keras_application():
    from editor.building import catalog
    from editor.code.application_sizes import SIZES

    assert sorted(SIZES) == sorted(catalog.applications())


# ----------------------------------------------------------------------------- Keras's own sources

@pytest.mark.slow
@pytest.mark.parametrize("module, name", [("vgg16", "VGG16"), ("mobilenet_v2", "MobileNetV2"),
                                          ("mobilenet_v3", "MobileNetV3Small"), ("inception_v3", "InceptionV3"),
                                          ("densenet", "DenseNet121"), ("resnet", "ResNet50"),
                                          ("efficientnet", "EfficientNetB0"), ("nasnet", "NASNetMobile")])
def test_keras_application_sources_import_to_keras_counts(module, name):
    """keras.applications' own source file, as installed (read, never copied into this
    repository), with one line of ours: their imagenet_utils helpers, Functional, keras_export,
    __doc__ and the branches not taken are read as Keras runs them."""
    import importlib

    source = importlib.import_module(f"keras.src.applications.{module}").__file__
    with open(source, encoding="utf-8") as file:
        code = file.read() + f"\n\nmodel = {name}(weights=None)\n"
    assert imported_counts(code) == counts(stateless(lambda: getattr(keras.applications, name)(weights=None)))


@pytest.mark.parametrize("call, message", [
    ("imagenet_utils.obtain_input_shape((5, 5, 3), 224, 32, 'channels_last', False)",
     "imagenet_utils.obtain_input_shape(): Input size must be at least 32x32; Received: input_shape=(5, 5, 3)"),
    ("imagenet_utils.validate_activation('relu', 'imagenet')",
     "imagenet_utils.validate_activation(): Only None and softmax activations are allowed for the "
     "classifier_activation argument when using pretrained weights, with include_top=True; Received: "
     "classifier_activation="),
])
def test_a_keras_helper_that_refuses_refuses_the_line(call, message):
    code = (HEAD + "from keras.src.applications import imagenet_utils\n"
            f"shape = {call}\nx = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2)(x))\n"
            "model2 = keras.Model(x, layers.Dense(int(shape[0]))(x))\n")
    with pytest.raises(CodeRefused) as err:
        import_code(code, model="model2")
    assert str(err.value).startswith(f"line 4: {message}")


def test_correct_pad_reads_the_tensor_shape_as_keras_does():
    code = (HEAD + "from keras.src.applications import imagenet_utils\nfrom keras.src.models import Functional\n"
            "x = keras.Input((15, 16, 3))\n"
            "y = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3))(x)\n"
            "model = Functional(x, layers.Conv2D(2, 3, strides=2)(y))\n")
    project = import_code(code).project
    pad = next(n for n in project.main.nodes if n.class_name == "ZeroPadding2D")
    from keras.src.applications import imagenet_utils

    assert tuple(map(tuple, pad.config["padding"])) == imagenet_utils.correct_pad(keras.Input((15, 16, 3)), 3) == (
        (1, 1), (0, 1))
