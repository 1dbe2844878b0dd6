"""A config over the 16 MB cap only because a Constant initializer holds a whole matrix:
the structure comes in, the constant becomes the layer's default initializer, with a note.
Every other cap holds (tests/test_import_refusals.py)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from editor.files.large_constants import MIN_ARRAY_BYTES, ConstantRefused, restore_defaults, take_out

BIG = json.dumps([[float(i) + 0.5] * 50 for i in range(MIN_ARRAY_BYTES // 100)])


def test_only_long_arrays_of_numbers_outside_strings_are_taken_out():
    text = ('{"s": "[' + "1," * MIN_ARRAY_BYTES + '1]", "q": "\\"[", "small": [1, 2], "v": ' + BIG + ', "t": "]"}')
    reduced, sizes = take_out(text.encode())
    assert sizes == [len(BIG)]
    parsed = json.loads(reduced)
    assert parsed["s"].startswith("[1,1,") and parsed["q"] == '"[' and parsed["small"] == [1, 2] and parsed["t"] == "]"
    assert parsed["v"] == "\u0000kgs-constant-0"


def test_a_constant_initializer_is_dropped_with_a_note_naming_its_layer():
    initializer = {"module": "keras.initializers", "class_name": "Constant",
                   "config": {"value": {"class_name": "__numpy__", "config": {"value": json.loads(BIG), "dtype": "float32"}}}}
    config = {"layers": [{"class_name": "Embedding", "config": {"name": "emb", "input_dim": 10,
                                                                "embeddings_initializer": initializer}}]}
    reduced, sizes = take_out(json.dumps(config).encode())
    parsed = json.loads(reduced)
    notes = restore_defaults(parsed, sizes)
    assert parsed["layers"][0]["config"] == {"name": "emb", "input_dim": 10}
    assert notes == [f"layer 'emb': embeddings_initializer was a Constant of {sizes[0] / 1e6:.1f} MB of numbers; "
                     "it was replaced by the layer's default initializer"]


def test_a_long_array_anywhere_else_is_refused_naming_where():
    reduced, sizes = take_out(('{"layers": [{"config": {"name": "d", "units": ' + BIG + '}}]}').encode())
    with pytest.raises(ConstantRefused, match=r"config\.layers\[0\]\.config\.units holds an array of numbers too large"):
        restore_defaults(json.loads(reduced), sizes)


def test_an_embedding_with_a_40_mb_constant_imports(tmp_path):
    import keras
    from editor.files.importer import import_file

    matrix = np.random.default_rng(0).standard_normal((20_000, 100)).astype("float32")
    inputs = keras.Input((8,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(20_000, 100, embeddings_initializer=keras.initializers.Constant(matrix), name="emb")(inputs)
    outputs = keras.layers.Dense(1, name="score")(keras.layers.GlobalAveragePooling1D(name="pool")(x))
    path = tmp_path / "embedding.keras"
    keras.Model(inputs, outputs).save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("config.json").file_size > 16 * 1024 * 1024  # over the cap of configs
    result = import_file(path)
    emb = next(n for n in result.project.main.nodes if n.name == "emb")
    assert emb.class_name == "Embedding" and "embeddings_initializer" not in emb.config
    assert emb.config["input_dim"] == 20_000 and emb.config["output_dim"] == 100
    assert result.notes[0].startswith("layer 'emb': embeddings_initializer was a Constant of ")
    assert "replaced by the layer's default initializer" in result.project.description
    from editor.building.build import build_project

    built = build_project(result.project, weights=False)
    assert built.ok and built.model.count_params() == 20_000 * 100 + 100 + 1

