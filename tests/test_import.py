"""editor.files.importer round trips: Keras model -> file -> project -> generated code -> the same model.

Each case saves a real Keras model (.keras, .h5 or JSON), imports it, generates the
project's code (editor.code.codegen), runs it and compares the rebuilt model with the
original: layer classes and configs, names, connections (inbound nodes), inputs and
outputs in order, weight paths, parameter counts, output shapes, and outputs on the
same weights and data. Nested Sequential models come back as functional ones (the
editor has one kind of graph): their layers and configs must still be equal.
"""

import json

import numpy as np
import pytest

from editor.code.codegen import generate
from editor.files.importer import import_application, import_config, import_file
from editor.files.safe_archive import ModelFileError
from tests.test_codegen import assert_only_safe_code, load_generated

import keras
layers = keras.layers

MODEL_CLASSES = ("Functional", "Sequential")


# ----------------------------------------------------------------------------- helpers

def save(model, tmp_path, kind):
    path = tmp_path / f"{model.name}.{kind}"
    if kind == "json":
        path.write_text(model.to_json(), encoding="utf-8")
    else:
        model.save(path)
    return path


def regenerate(project, tmp_path):
    source = generate(project)
    assert_only_safe_code(source)
    return load_generated(source, tmp_path).build_model()


def _single(ref):
    return ref[0] if isinstance(ref, list) and len(ref) == 1 and isinstance(ref[0], list) else ref


def assert_same_entry(a: dict, g: dict, where: str) -> None:
    """One entry of a model's layer list (or a whole model): equal, nested models recursively."""
    if a["class_name"] not in MODEL_CLASSES:
        keys = ("module", "class_name", "config", "build_config", "name", "inbound_nodes")
        assert {k: g.get(k) for k in keys} == {k: a.get(k) for k in keys}, where
        return
    assert g["class_name"] == "Functional", where
    a_cfg, g_cfg = a["config"], g["config"]
    assert g_cfg["name"] == a_cfg["name"], where
    assert g.get("inbound_nodes") == a.get("inbound_nodes"), where
    if a["class_name"] == "Sequential":  # a chain: compare the layers, not the connection format
        a_layers = [l for l in a_cfg["layers"] if l["class_name"] != "InputLayer"]
        g_layers = [l for l in g_cfg["layers"] if l["class_name"] != "InputLayer"]
        assert [l["config"]["name"] for l in g_layers] == [l["config"]["name"] for l in a_layers], where
        for a_layer, g_layer in zip(a_layers, g_layers):
            keys = ("module", "class_name", "config", "build_config")
            a_sub = {k: a_layer.get(k) for k in keys}
            g_sub = {k: g_layer.get(k) for k in keys}
            if a_layer["class_name"] in MODEL_CLASSES:
                assert_same_entry(a_layer, g_layer, f"{where} / {a_layer['config']['name']}")
            else:
                assert g_sub == a_sub, f"{where} / {a_layer['config']['name']}"
        return
    assert _single(g_cfg["input_layers"]) == _single(a_cfg["input_layers"]), where
    assert _single(g_cfg["output_layers"]) == _single(a_cfg["output_layers"]), where
    assert [l["name"] for l in g_cfg["layers"]] == [l["name"] for l in a_cfg["layers"]], where
    for a_layer, g_layer in zip(a_cfg["layers"], g_cfg["layers"]):
        assert_same_entry(a_layer, g_layer, f"{where} / {a_layer['name']}")


def weight_paths(model) -> list[str]:
    """Weight paths as a functional rebuild names them: a Sequential model prefixes its own name."""
    sequential = {m.name for m in [model, *model._flatten_layers()] if isinstance(m, keras.Sequential)}
    return ["/".join(part for part in w.path.split("/") if part not in sequential) for w in model.weights]


def assert_same_model(original, generated, forward=True) -> None:
    serialize = keras.saving.serialize_keras_object
    assert_same_entry(json.loads(json.dumps(serialize(original))), json.loads(json.dumps(serialize(generated))), original.name)
    assert [w.path for w in generated.weights] == weight_paths(original)
    assert generated.count_params() == original.count_params()
    assert [tuple(t.shape) for t in generated.outputs] == [tuple(t.shape) for t in original.outputs]
    if not isinstance(original, keras.Sequential):  # which has no output_names
        assert generated.output_names == original.output_names
    if forward:
        generated.set_weights(original.get_weights())
        rng = np.random.default_rng(0)
        x = [rng.uniform(0, 1, (2, *t.shape[1:])).astype("float32") for t in original.inputs]
        x = x if len(x) > 1 else x[0]
        expected, actual = original(x, training=False), generated(x, training=False)
        for e, a in zip(keras.tree.flatten(expected), keras.tree.flatten(actual)):
            np.testing.assert_allclose(np.asarray(a), np.asarray(e), rtol=1e-5, atol=1e-6)


def round_trip(model, tmp_path, kind="keras", forward=True):
    result = import_file(save(model, tmp_path, kind))
    generated = regenerate(result.project, tmp_path)
    assert_same_model(model, generated, forward)
    return result


# ----------------------------------------------------------------------------- models

def shared_and_nested():
    """A layer called twice, a functional model called twice, one nested two deep, a Sequential one.

    (One model object nested at two levels would be written twice into the config and come
    back as two models, as Keras's own loader makes it: not a case a config can express.)
    """
    a, b = keras.Input((8,), name="a"), keras.Input((8,), name="b")
    shared = layers.Dense(4, activation="relu", name="shared")
    xa, xb = shared(a), shared(b)
    seq = keras.Sequential([keras.Input((4,), name="seq_in"), layers.Dense(3, name="seq_dense"),
                            layers.Dropout(0.1, name="seq_drop")], name="seq")
    inner_in = keras.Input((4,), name="inner_in")
    mid = layers.Dense(5, name="inner_dense")(inner_in)
    inner = keras.Model(inner_in, [mid, layers.Dense(2, name="inner_head")(mid)], name="inner")
    deep_in = keras.Input((4,), name="deep_in")
    deep = keras.Model(deep_in, layers.Dense(2, name="deep_dense")(deep_in), name="deep")
    wrap_in = keras.Input((4,), name="wrap_in")
    wrapper = keras.Model(wrap_in, layers.Dense(3, name="wrap_out")(deep(wrap_in)), name="wrapper")
    mid_b, head_b = inner(xb)
    _, head_a = inner(xa)
    merged = layers.Concatenate(name="cat")([seq(xa), head_b, head_a, wrapper(xb)])
    return keras.Model([a, b], [merged, mid_b, xb], name="shared_nested")


def attention_and_rnn():
    """TimeDistributed, Bidirectional, MultiHeadAttention with 2 and 3 tensors, LSTM states."""
    seq, ctx = keras.Input((5, 6), name="seq"), keras.Input((7, 4), name="ctx")
    td = layers.TimeDistributed(layers.Dense(4, activation="relu"), name="td")(seq)
    bi = layers.Bidirectional(layers.LSTM(3, return_sequences=True), name="bi")(td)
    self_att = layers.MultiHeadAttention(2, 3, name="self_att")(bi, bi)
    cross = layers.MultiHeadAttention(2, 3, name="cross")(self_att, ctx, ctx)
    out, h, c = layers.LSTM(8, return_state=True, name="state")(layers.Concatenate(name="cat")([self_att, cross]))
    both = layers.Add(name="h_plus_c")([h, c])
    return keras.Model([seq, ctx], [out, both, c], name="attention_rnn")


# ----------------------------------------------------------------------------- round trips

@pytest.mark.parametrize("kind", ["keras", "h5", "json"])
def test_shared_layers_and_nested_models(kind, tmp_path):
    model = shared_and_nested()
    assert model.count_params() == 107  # 36 + 15 + (25 + 12) + (10 + 9): inner counted once
    result = round_trip(model, tmp_path, kind)
    project = result.project
    assert [g.name for g in project.graphs] == ["shared_nested", "seq", "inner", "wrapper", "deep"]
    main = project.main
    assert main.node("shared_call2").shares == "shared" and main.node("shared_call2").inputs[0].node == "b"
    calls = [n for n in main.nodes if n.kind == "model" and n.graph == "inner"]
    assert [n.id for n in calls] == ["inner", "inner_call2"]  # one graph, called twice: shared weights
    assert [(o.ref.node, o.ref.output) for o in main.outputs] == [("cat", 0), ("inner", 0), ("shared_call2", 0)]
    assert project.graph("seq").node("seq_drop").config == {"rate": 0.1}
    assert result.notes == ()


def test_attention_wrappers_and_lstm_states(tmp_path):
    model = attention_and_rnn()
    assert model.count_params() == 1_204
    project = round_trip(model, tmp_path).project
    main = project.main
    assert [r.node for r in main.node("cross").inputs] == ["self_att", "ctx", "ctx"]
    assert [(r.node, r.output) for r in main.node("h_plus_c").inputs] == [("state", 1), ("state", 2)]
    assert [(o.ref.node, o.ref.output) for o in main.outputs] == [("state", 0), ("h_plus_c", 0), ("state", 2)]
    assert main.node("bi").config["layer"]["class_name"] == "LSTM"


def test_top_level_sequential(tmp_path):
    model = keras.Sequential([keras.Input((10,), name="x"), layers.Dense(16, activation="relu", name="hidden"),
                              layers.BatchNormalization(name="bn"), layers.Dense(1, name="y")], name="plain")
    assert model.count_params() == 257
    project = round_trip(model, tmp_path).project
    assert [(n.kind, n.name) for n in project.main.nodes] == [("input", "x"), ("layer", "hidden"), ("layer", "bn"), ("layer", "y")]


def test_keyword_attention_calls_import_as_ports(tmp_path):
    q, v = keras.Input((4, 6), name="q"), keras.Input((5, 6), name="v")
    out = layers.MultiHeadAttention(2, 3, name="mha")(query=q, value=v, key=v)
    model = keras.Model([q, v], out, name="kw")
    result = import_file(save(model, tmp_path, "keras"))
    assert [r.node for r in result.project.main.node("mha").inputs] == ["q", "v", "v"]
    assert regenerate(result.project, tmp_path).count_params() == model.count_params() == 168  # query, key, value, output: 4 x (36 + 6)


def test_dict_outputs_become_an_ordered_list_with_a_note(tmp_path):
    x = keras.Input((3,), name="x")
    model = keras.Model(x, {"zeta": layers.Dense(2, name="z")(x), "alpha": layers.Dense(1, name="a")(x)}, name="dict_out")
    result = import_file(save(model, tmp_path, "keras"))
    assert [o.ref.node for o in result.project.main.outputs] == ["a", "z"]  # Keras flattens dicts by sorted key
    assert result.notes == ("model 'dict_out': output_layers given as a dict became a list (sorted by key)",)
    assert [tuple(t.shape) for t in regenerate(result.project, tmp_path).outputs] == [(None, 1), (None, 2)]


def test_legacy_keras2_h5_file(tmp_path):
    """A Keras 2 (tf.keras) .h5: no modules, list-style inbound nodes, old initializer configs."""
    import h5py

    dense = lambda name, units: {"class_name": "Dense", "name": name, "config": {
        "name": name, "trainable": True, "dtype": "float32", "units": units, "activation": "relu", "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}}
    config = {"class_name": "Functional", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 8], "dtype": "float32", "sparse": False, "ragged": False, "name": "input_1"}},
        {**dense("dense", 4), "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {**dense("dense_1", 4), "inbound_nodes": [[["dense", 0, 0, {}]]]},
        {"class_name": "Add", "name": "add", "config": {"name": "add", "trainable": True, "dtype": "float32"},
         "inbound_nodes": [[["dense", 0, 0, {}], ["dense_1", 0, 0, {}]]]},
    ], "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}, "keras_version": "2.13.1"}
    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = b"2.13.1"
    project = import_file(path).project
    assert "old.h5, Keras 2.13.1" in project.description
    main = project.main
    assert main.node("dense").config == {"units": 4, "activation": "relu"}
    assert [r.node for r in main.node("add").inputs] == ["dense", "dense_1"]
    generated = regenerate(project, tmp_path)
    assert generated.count_params() == 56 and generated.layers[-1].name == "add"


def test_imported_project_keeps_names_and_says_structure_only(tmp_path):
    result = import_file(save(attention_and_rnn(), tmp_path, "json"))
    assert result.project.title == "attention_rnn"
    assert "Structure only: weights and compile settings are not imported." in result.project.description


def test_frozen_nested_model_and_fixed_batch_are_notes(tmp_path):
    x = keras.Input((3,), batch_size=4, name="x")
    inner_in = keras.Input((3,), name="inner_in")
    inner = keras.Model(inner_in, layers.Dense(2, name="d")(inner_in), name="frozen")
    inner.trainable = False
    result = import_config(json.loads(keras.Model(x, inner(x), name="outer").to_json()))
    assert result.notes == ("input 'x': the fixed batch size 4 was dropped",
                            "model 'frozen': trainable=False on the whole model was dropped (set it per layer)")
    assert result.project.main.inputs[0].shape == (3,)


# ----------------------------------------------------------------------------- applications

APPLICATIONS = [("MobileNetV2", 3_538_984), ("ResNet50", 25_636_712), ("DenseNet121", 8_062_504)]


@pytest.mark.slow
@pytest.mark.parametrize("name, params", APPLICATIONS)
def test_applications_by_name(name, params, tmp_path):
    keras.backend.clear_session()  # the same automatic names (input_layer) in both builds
    original = getattr(keras.applications, name)(weights=None)
    assert original.count_params() == params
    keras.backend.clear_session()
    project = import_application(name).project
    assert len(project.graphs) == 1 and all(n.kind in ("input", "layer") for n in project.main.nodes)
    assert len(project.main.nodes) == len(original.layers)
    generated = regenerate(project, tmp_path)
    assert_same_model(original, generated, forward=False)
    assert generated.count_params() == params


@pytest.mark.slow
def test_application_from_a_keras_file(tmp_path):
    original = keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.35)
    result = round_trip(original, tmp_path, forward=False)
    assert regenerate(result.project, tmp_path).count_params() == original.count_params() == 1_691_208  # 1,281,000 in the top


@pytest.mark.slow
def test_application_the_editor_cannot_expand_becomes_one_node(tmp_path):
    keras.backend.clear_session()  # the input's automatic name: input_layer
    result = import_application("ConvNeXtTiny")
    assert [(n.kind, n.name) for n in result.project.main.nodes] == [("input", "input_layer"), ("application", "convnext_tiny")]
    assert result.notes == ("ConvNeXtTiny is one application node: its layers cannot all be editor nodes "
                            "(layer 'convnext_tiny_stage_0_block_0_layer_scale' (LayerScale): "
                            "'keras.src.applications.convnext.LayerScale' is outside keras.layers, keras.models and "
                            "keras.initializers/regularizers/constraints)",)


@pytest.mark.slow
def test_application_with_keras_ops_expands_into_op_nodes(tmp_path):
    """MobileNetV3's hard-swish is keras.ops arithmetic (`x + 3.0`, `x * (1/6)`): op nodes."""
    keras.backend.clear_session()
    result = import_application("MobileNetV3Small")
    ops_nodes = [n for n in result.project.main.nodes if n.kind == "op"]
    assert len(result.project.main.nodes) == 182 and len(ops_nodes) > 10 and result.notes == ()
    assert any(n.expression.endswith(" + 3.0") for n in ops_nodes)
    generated = regenerate(result.project, tmp_path)
    assert generated.count_params() == keras.applications.MobileNetV3Small(weights=None).count_params() == 2_554_968


def test_unknown_application_is_refused():
    with pytest.raises(ModelFileError, match="'NotAModel' is not a keras.applications model"):
        import_application("NotAModel")
