"""Models as people write them (issue 13): keras.ops on tensors and keyword tensors.

Each model is written in the shape of a public Keras example, saved by Keras itself as
a .keras file, imported, exported to code, rebuilt, and compared with the original
(configs, wiring, weights, and outputs on the same weights and data). Keras names
operations automatically (`add`, `add_1`): each side starts from a fresh session so
both count alike.
"""

import numpy as np
import pytest

from editor.building.build import build_project
from editor.files.importer import import_file
from editor.files.safe_archive import ModelFileError
from tests.test_import import assert_same_model, regenerate, save

import keras
layers, ops = keras.layers, keras.ops


def timeseries_transformer():
    """keras.io "Timeseries classification with a Transformer": `res = x + inputs`."""
    inputs = keras.Input((12, 4), name="inputs")
    x = layers.MultiHeadAttention(key_dim=8, num_heads=2, dropout=0.1, name="attention")(inputs, inputs)
    x = layers.Dropout(0.1, name="drop")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name="norm")(x)
    res = x + inputs
    x = layers.Conv1D(filters=4, kernel_size=1, activation="relu", name="ff")(res)
    x = x + res
    x = layers.GlobalAveragePooling1D(data_format="channels_last", name="pool")(x)
    outputs = layers.Dense(3, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="timeseries_transformer")


def actor():
    """keras.io DDPG's actor: `outputs = outputs * upper_bound`."""
    inputs = keras.Input((3,), name="state")
    out = layers.Dense(16, activation="relu", name="hidden")(inputs)
    outputs = layers.Dense(1, activation="tanh", name="action")(out)
    outputs = outputs * 2.0
    return keras.Model(inputs, outputs, name="actor")


def wide_and_deep():
    """A deep & cross network: `ops.expand_dims`, `x0 * x + cross`, slicing and a reduction."""
    x0 = keras.Input((8,), name="features")
    cross = layers.Dense(8, name="cross")(x0)
    x = x0 * cross + x0
    deep = layers.Dense(8, activation="relu", name="deep")(x0)
    both = ops.concatenate([x, deep], axis=-1)
    tokens = ops.expand_dims(both, 1)
    tokens = ops.squeeze(tokens, axis=1)[:, :12]
    score = ops.mean(tokens, axis=-1, keepdims=True)
    gated = ops.where(score > 0.5, score, ops.sigmoid(score))
    outputs = layers.Dense(1, name="prediction")(ops.cast(gated, "float32") - ops.relu(-tokens[..., :1]))
    return keras.Model(x0, outputs, name="wide_and_deep")


def encoder_decoder():
    """keras.io "Character-level recurrent sequence-to-sequence model": initial_state=[h, c]."""
    encoder_inputs = keras.Input((10, 6), name="encoder_inputs")
    _, state_h, state_c = layers.LSTM(8, return_state=True, name="encoder")(encoder_inputs)
    decoder_inputs = keras.Input((9, 5), name="decoder_inputs")
    decoder_outputs, _, _ = layers.LSTM(8, return_sequences=True, return_state=True, name="decoder")(
        decoder_inputs, initial_state=[state_h, state_c])
    outputs = layers.Dense(5, activation="softmax", name="next_char")(decoder_outputs)
    return keras.Model([encoder_inputs, decoder_inputs], outputs, name="seq2seq")


def masked_gru():
    """A GRU over frames with a mask input: `GRU(...)(x, mask=m)`."""
    frames = keras.Input((7, 3), name="frames")
    mask = keras.Input((7,), dtype="bool", name="frame_mask")
    x = layers.Dense(4, name="per_frame")(frames)
    x = layers.GRU(6, name="gru")(x, mask=mask)
    return keras.Model([frames, mask], layers.Dense(2, name="head")(x), name="masked_gru")


def round_trip(build, tmp_path):
    keras.backend.clear_session()
    model = build()
    path = save(model, tmp_path, "keras")
    result = import_file(path)
    keras.backend.clear_session()
    assert_same_model(keras.models.load_model(path), regenerate(result.project, tmp_path))
    return result


@pytest.mark.parametrize("build", [timeseries_transformer, actor, wide_and_deep])
def test_models_with_ops_import_export_and_predict_the_same(build, tmp_path):
    result = round_trip(build, tmp_path)
    ops_nodes = [n for n in result.project.main.nodes if n.kind == "op"]
    assert ops_nodes, "the operations became op nodes"
    assert build_project(result.project).ok


@pytest.mark.parametrize("build", [encoder_decoder, masked_gru])
def test_models_with_keyword_tensors_import_export_and_predict_the_same(build, tmp_path):
    round_trip(build, tmp_path)


def test_keyword_tensors_become_named_inputs(tmp_path):
    keras.backend.clear_session()
    project = import_file(save(encoder_decoder(), tmp_path, "keras")).project
    decoder = project.main.node("decoder")
    assert [(r.node, r.output) for r in decoder.inputs] == [("decoder_inputs", 0), ("encoder", 1), ("encoder", 2)]
    assert decoder.input_names == ("", "initial_state", "initial_state")
    assert "(decoder_inputs, initial_state=[encoder[1], encoder[2]])\n" in regenerate_source(project)
    keras.backend.clear_session()
    project = import_file(save(masked_gru(), tmp_path, "keras")).project
    assert project.main.node("gru").input_names == ("", "mask")


def regenerate_source(project):
    from editor.code.codegen import generate

    return generate(project)


def test_imported_ops_read_as_people_write_them(tmp_path):
    keras.backend.clear_session()
    project = import_file(save(actor(), tmp_path, "keras")).project
    op = next(n for n in project.main.nodes if n.kind == "op")
    assert (op.expression, op.input_names) == ("action * 2.0", ("action",))
    keras.backend.clear_session()
    project = import_file(save(wide_and_deep(), tmp_path, "keras")).project
    expressions = [n.expression for n in project.main.nodes if n.kind == "op"]
    assert "features * cross" in expressions and "expand_dims(concatenate, 1)" in expressions
    assert "concatenate([add, deep], axis=-1)" in expressions and "squeeze(expand_dims, axis=1)" in expressions


def test_operations_outside_the_allowlist_are_refused_in_one_line(tmp_path):
    keras.backend.clear_session()
    inputs = keras.Input((4,), name="inputs")
    model = keras.Model(inputs, ops.cumsum(layers.Dense(4, name="d")(inputs), axis=1), name="cum")
    with pytest.raises(ModelFileError) as caught:
        import_file(save(model, tmp_path, "keras"))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("cum.keras: operation 'cumsum' (Cumsum): the keras.ops operation 'Cumsum' is not one the editor has a node for")


def test_lambda_layers_stay_refused(tmp_path):
    inputs = keras.Input((4,), name="inputs")
    model = keras.Model(inputs, layers.Lambda(lambda t: t * 2, name="double")(inputs), name="lam")
    with pytest.raises(ModelFileError, match="Lambda"):
        import_file(save(model, tmp_path, "keras"))


def test_trained_weights_give_the_same_predictions_after_import(tmp_path):
    """Weights copied from the original into the imported model's build: same outputs."""
    keras.backend.clear_session()
    model = wide_and_deep()
    result = import_file(save(model, tmp_path, "keras"))
    built = build_project(result.project).model
    built.set_weights(model.get_weights())
    x = np.random.default_rng(1).uniform(0, 1, (5, 8)).astype("float32")
    np.testing.assert_allclose(built.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("build", [timeseries_transformer, actor, wide_and_deep, encoder_decoder, masked_gru])
def test_each_imported_shape_trains(build, tmp_path):
    """The Train tab's run on the imported project (a loss chosen per output, as a person would)."""
    from editor.model.run_settings import Settings
    from editor.train.training import TrainingRun

    keras.backend.clear_session()
    project = import_file(save(build(), tmp_path, "keras")).project
    outputs = tuple(o.model_copy(update={"loss": "mean_squared_error"}) for o in project.main.outputs)
    project = project.replace_graph(project.main.model_copy(update={"outputs": outputs}))
    run = TrainingRun(project, Settings(batch_size=4, samples=16, epochs=2)).start()
    assert run.wait(300)
    assert run.error is None, run.error
    assert len(run.history["loss"]) == 2 and all(np.isfinite(run.history["loss"]))
