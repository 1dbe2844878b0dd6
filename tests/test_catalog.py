"""The palette read from Keras: checked against Keras itself, so a Keras upgrade that
breaks one of the catalog's rules (or editor.model.graph's call tables) fails here."""

import importlib.util
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from editor.building import catalog, compile_choices
from editor.model.graph import ARG_CALL_CLASSES, LIST_CALL_CLASSES, MERGE_CLASSES

import keras

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_catalog_does_not_import_keras():
    code = "import sys, editor.building.catalog; print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "name, group",
    [
        ("Dense", "core"), ("Embedding", "core"), ("Conv2D", "convolution"),
        ("MaxPooling2D", "pooling"), ("LSTM", "recurrent"), ("TimeDistributed", "recurrent"),
        ("Bidirectional", "recurrent"), ("MultiHeadAttention", "attention"),
        ("Concatenate", "merging"), ("BatchNormalization", "normalization"),
        ("Dropout", "regularization"), ("Flatten", "reshaping"), ("Reshape", "reshaping"),
        ("Rescaling", "preprocessing"), ("ReLU", "activation"),
    ],
)
def test_common_layers_are_in_their_group(name, group):
    info = catalog.layers()[name]
    assert (info.class_name, info.group, catalog.group(name)) == (name, group, group)
    assert name in catalog.groups()[group]
    assert info.doc and "\n" not in info.doc


def test_aliases_resolve_to_the_name_keras_serialises():
    assert catalog.canonical_name("MaxPool2D") == "MaxPooling2D"
    assert catalog.canonical_name("Convolution2D") == "Conv2D"
    assert catalog.canonical_name("GlobalAvgPool1D") == "GlobalAveragePooling1D"
    # __name__ is GroupedQueryAttention, but Keras saves and loads it as GroupQueryAttention.
    assert catalog.canonical_name("GroupedQueryAttention") == "GroupQueryAttention"
    assert "MaxPool2D" not in catalog.layers() and "GroupedQueryAttention" not in catalog.layers()
    with pytest.raises(KeyError, match="NoSuchLayer"):
        catalog.canonical_name("NoSuchLayer")
    for name in catalog.layers():  # every palette name is what deserialize reads back
        assert keras.saving.get_registered_object(name, module_objects=vars(keras.layers)) is not None


def test_graph_call_tables_match_keras():
    for name in LIST_CALL_CLASSES | set(ARG_CALL_CLASSES) | MERGE_CLASSES:
        assert inspect.isclass(getattr(keras.layers, name, None)), name
        assert name in catalog.layers(), name
    assert MERGE_CLASSES <= LIST_CALL_CLASSES

    from keras.src.layers.merging.base_merge import Merge

    def subclasses(cls):
        return {cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))}

    public_merges = {catalog.canonical_name(c.__name__) for c in subclasses(Merge) if c is not Merge
                     and getattr(keras.layers, c.__name__, None) is c}
    assert public_merges == MERGE_CLASSES

    for name, ports in ARG_CALL_CLASSES.items():
        call = list(inspect.signature(getattr(keras.layers, name).call).parameters)
        assert tuple(call[1:1 + len(ports)]) == ports, name
    assert ARG_CALL_CLASSES["MultiHeadAttention"] == ("query", "value", "key")
    for name in LIST_CALL_CLASSES:  # one argument, a list of tensors
        assert list(inspect.signature(getattr(keras.layers, name).call).parameters)[1] == "inputs"


def test_call_ports_and_styles():
    infos = catalog.layers()
    assert (infos["Dense"].call_ports, infos["Dense"].call_style) == (("inputs",), "single")
    assert (infos["Concatenate"].call_ports, infos["Concatenate"].call_style) == (("inputs",), "list")
    assert infos["MultiHeadAttention"].call_ports == ("query", "value", "key")
    assert infos["MultiHeadAttention"].call_style == "args"


def _params(name):
    return {p.name: p for p in catalog.layers()[name].params}


def test_param_kinds():
    dense = _params("Dense")
    assert (dense["units"].kind, dense["units"].required) == ("int", True)
    assert dense["activation"].kind == "activation" and dense["activation"].default is None
    init = dense["kernel_initializer"]
    assert (init.kind, init.default) == ("initializer", "glorot_uniform")
    assert dense["kernel_regularizer"].kind == "regularizer"
    assert dense["kernel_constraint"].kind == "constraint"
    assert (dense["use_bias"].kind, dense["use_bias"].default) == ("bool", True)
    assert "units" in dense["units"].doc.lower() or "dimensionality" in dense["units"].doc
    assert not {"name", "dtype", "trainable"} & set(dense)

    conv = _params("Conv2D")
    assert conv["padding"].kind == "choice" and set(conv["padding"].choices) == {"valid", "same"}
    assert conv["data_format"].choices == ("channels_last", "channels_first", None)
    assert (conv["strides"].kind, conv["strides"].default) == ("tuple", (1, 1))
    assert conv["kernel_size"].kind == "tuple" and conv["kernel_size"].required
    assert "causal" in _params("Conv1D")["padding"].choices
    assert _params("LSTM")["recurrent_activation"].kind == "activation"
    assert _params("Dropout")["rate"].kind == "float"
    assert _params("Bidirectional")["layer"].kind == "layer"
    assert _params("Bidirectional")["merge_mode"].choices == ("sum", "mul", "concat", "ave")
    assert _params("Reshape")["target_shape"].kind == "tuple"
    assert _params("Resizing")["height"].kind == "int"
    kinds = {p.kind for info in catalog.layers().values() for p in info.params}
    assert kinds <= {"int", "float", "bool", "str", "choice", "tuple", "initializer", "regularizer",
                     "constraint", "activation", "layer", "any"}


def test_defaults_are_json():
    assert catalog.defaults("Conv2D")["strides"] == [1, 1]
    assert catalog.defaults("Dense")["activation"] is None
    assert "units" not in catalog.defaults("Dense")
    for name in catalog.layers():
        json.dumps(catalog.defaults(name), allow_nan=False)
        json.dumps(catalog.example_config(name), allow_nan=False)


# Palette layers whose example_config (defaults + a small value per required argument)
# does not build, and why. Exactly these: the test fails when Keras changes.
BUILD_FAILURES = {
    "CategoryEncoding": "num_tokens defaults to None but must be set",
    "Discretization": "needs num_bins or bin_boundaries (or adapt), both default to None",
}
if importlib.util.find_spec("scipy") is None:
    BUILD_FAILURES["STFTSpectrogram"] = "imports scipy when built"


def test_example_configs_are_valid_keras_configs():
    failures = {}
    for name in catalog.layers():
        config = catalog.example_config(name)
        try:
            layer = keras.layers.deserialize({"module": "keras.layers", "class_name": name, "config": config})
            type(layer).from_config(layer.get_config())
        except Exception as error:  # noqa: BLE001
            failures[name] = f"{type(error).__name__}: {error}"[:200]
    assert set(failures) == set(BUILD_FAILURES), failures


def test_every_required_argument_is_fillable():
    for name, info in catalog.layers().items():
        assert all(p.kind != "any" for p in info.params if p.required), name


def test_excluded_classes_and_reasons():
    excluded = catalog.excluded()
    assert set(excluded) == {
        "Layer", "InputLayer", "Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer",
        "Wrapper", "RNN", "StackedRNNCells", "Pipeline",
    }
    assert "cell" in excluded["RNN"] and "abstract" in excluded["Wrapper"]
    objects = {n: getattr(keras.layers, n) for n in dir(keras.layers)}
    public = {catalog.canonical_name(n) for n, o in objects.items()
              if inspect.isclass(o) and issubclass(o, keras.layers.Layer)}
    assert public == set(catalog.layers()) | set(excluded)


def test_preprocessing_layers_that_adapt_are_flagged():
    flagged = {n for n, i in catalog.layers().items() if i.needs_adapt}
    assert flagged == {"Discretization", "IntegerLookup", "Normalization", "StringLookup", "TextVectorization"}


def test_groups_are_in_docs_order_and_cover_the_palette():
    groups = catalog.groups()
    assert list(groups) == [g for g in catalog.GROUP_ORDER if g in groups]
    assert list(groups)[:4] == ["core", "convolution", "pooling", "recurrent"]
    assert all(names == sorted(names) for names in groups.values())
    assert sorted(n for names in groups.values() for n in names) == sorted(catalog.layers())
    groups["core"].append("X")  # callers get copies
    assert "X" not in catalog.groups()["core"]


def test_search():
    assert catalog.search("conv2")[0] == "Conv2D"
    assert catalog.search("lstm")[0] == "LSTM"
    assert catalog.search("LSTM")[0] == "LSTM"
    assert catalog.search("maxpool2")[0] == "MaxPooling2D"
    assert "MaxPooling2D" in catalog.search("mxpl2")  # subsequence
    assert "GRU" in catalog.search("recurrent")  # group
    assert len(catalog.search("", limit=5)) == 5
    assert catalog.search("zzzzqqq") == []


def _rebuilds_the_same(layer, config) -> bool:
    """Whether `config` builds a layer with `layer`'s config (names of nested layers aside)."""
    serialized = {"module": "keras.layers", "class_name": type(layer).__name__, "config": config}
    rebuilt = keras.layers.deserialize(serialized)

    def unnamed(lay):
        return catalog._unnamed({k: v for k, v in lay.get_config().items() if k != "name"})

    return unnamed(rebuilt) == unnamed(layer)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: keras.layers.Dense(5, activation="relu", name="d"), {"units": 5, "activation": "relu"}),
        (lambda: keras.layers.Conv2D(4, 3, padding="same"),
         {"filters": 4, "kernel_size": [3, 3], "padding": "same"}),
        # value_dim defaults to key_dim: kept only where it says something
        (lambda: keras.layers.MultiHeadAttention(2, 8), {"num_heads": 2, "key_dim": 8}),
        (lambda: keras.layers.MultiHeadAttention(2, 8, value_dim=4),
         {"num_heads": 2, "key_dim": 8, "value_dim": 4}),
        (lambda: keras.layers.Dropout(0.3, seed=1), {"rate": 0.3, "seed": 1}),
        (lambda: keras.layers.BatchNormalization(), {}),
    ],
)
def test_non_default_config(make, expected):
    layer = make()
    reduced = catalog.non_default_config(type(layer).__name__, layer.get_config())
    assert reduced == expected
    assert _rebuilds_the_same(layer, reduced)


def test_non_default_config_of_a_wrapper_reduces_the_wrapped_layer():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True, name="enc"))
    reduced = catalog.non_default_config("Bidirectional", layer.get_config())
    assert set(reduced) == {"layer"}  # backward_layer is derived from layer, merge_mode default
    assert reduced["layer"]["class_name"] == "LSTM"
    inner = reduced["layer"]["config"]
    assert {"name": "forward_enc", "units": 4, "return_sequences": True}.items() <= inner.items()
    assert "kernel_initializer" not in inner and "activation" not in inner
    assert _rebuilds_the_same(layer, reduced)


def test_non_default_config_keeps_a_wrapped_layer_that_from_config_pops():
    """TimeDistributed.from_config pops "layer" from its argument: the rebuild checks must not lose it."""
    layer = keras.layers.TimeDistributed(keras.layers.Dense(4, activation="relu", name="inner"))
    reduced = catalog.non_default_config("TimeDistributed", layer.get_config())
    assert reduced == {"layer": {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
                                 "config": {"name": "inner", "units": 4, "activation": "relu"}}}
    assert _rebuilds_the_same(layer, reduced)


def test_losses_metrics_optimizers_applications_activations():
    losses = compile_choices.losses()
    for name in ("mean_squared_error", "mean_absolute_error", "binary_crossentropy", "categorical_crossentropy",
                 "sparse_categorical_crossentropy", "huber", "kl_divergence", "cosine_similarity", "hinge",
                 "log_cosh", "poisson"):
        assert losses[name], name
    assert all(keras.losses.get(name) for name in losses)
    assert not {"get", "serialize", "deserialize"} & set(losses)

    metrics = compile_choices.metrics()
    assert {"accuracy", "acc", "mae", "mse", "binary_accuracy", "categorical_accuracy", "auc"} <= set(metrics)
    assert not {"mean", "sum", "metric", "io_u", "get"} & set(metrics)  # not (y_true, y_pred) / need args

    assert {"Adam", "SGD", "RMSprop", "AdamW"} <= set(compile_choices.optimizers())
    assert "Optimizer" not in compile_choices.optimizers() and "LossScaleOptimizer" not in compile_choices.optimizers()
    strings = compile_choices.optimizer_strings()
    assert (strings["Adam"], strings["SGD"], strings["RMSprop"]) == ("adam", "sgd", "rmsprop")
    for cls, string in strings.items():
        if string:
            assert type(keras.optimizers.get(string)) is getattr(keras.optimizers, cls)

    apps = catalog.applications()
    assert {"VGG16", "ResNet50", "MobileNetV2", "DenseNet121"} <= set(apps)
    assert apps["VGG16"] == "keras.applications.vgg16"
    for name, module in apps.items():
        obj = keras
        for part in module.split(".")[1:]:
            obj = getattr(obj, part)
        assert hasattr(obj, "preprocess_input") and getattr(obj, name, getattr(keras.applications, name)), name

    activations = catalog.activations()
    assert {"relu", "sigmoid", "softmax", "tanh", "linear", "gelu"} <= set(activations)
    assert not {"get", "serialize", "deserialize"} & set(activations)


def test_excluded_and_unknown_names_say_why():
    with pytest.raises(KeyError, match="cell"):
        catalog.defaults("RNN")
    with pytest.raises(KeyError, match="not a layer class"):
        catalog.defaults("Nope")
