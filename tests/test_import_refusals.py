"""Hostile and broken model files: each refused fast, with one line naming the problem, and
nothing run. Files are made here (zip bombs with zipfile and a compressible payload, configs
naming os.system / builtins.eval / keras.saving.load_model, a Lambda whose code would touch a
sentinel file). The file-level refusals happen before Keras is needed and are timed loosely.
"""

import json
import os
import zipfile
from pathlib import Path

import pytest

from editor.files.importer import import_config, import_file
from editor.files.safe_archive import MAX_CONFIG_BYTES, ModelFileError
from tests.work import measure

import keras
layers = keras.layers


# ----------------------------------------------------------------------------- helpers

MAX_CALLS = 50_000  # Python and C calls for a refusal checked as bounded (each takes under 16,000)


def refused(target, *fragments, bounded=False, peak=None) -> str:
    """The one-line message of a refusal; it contains every fragment. `bounded`: refused
    with little work, counted, not timed: at most MAX_CALLS calls, and at most
    `peak` bytes allocated at once (default: twice the file, plus 1 MB), so that a bomb
    inflated or a file read whole before the check would fail here on any machine."""
    done = measure(lambda: import_config(target) if isinstance(target, dict) else import_file(target), memory=bounded)
    assert isinstance(done.error, ModelFileError), repr(done.error)
    message = str(done.error)
    assert "\n" not in message and "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, message
    if bounded:
        size = target.stat().st_size if isinstance(target, Path) and target.exists() else 0
        assert done.calls <= MAX_CALLS, f"{done.calls:,} calls: {message}"
        assert done.peak <= (peak or 2 * size + 2**20), f"{done.peak:,} bytes at once: {message}"
    return message


def small_model():
    x = keras.Input((4,), name="x")
    return keras.Model(x, layers.Dense(2, name="dense")(x), name="small")


def small_config() -> dict:
    return json.loads(small_model().to_json())


def archive(path, config_text, compression=zipfile.ZIP_STORED, members=()):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        zf.writestr("config.json", config_text)
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n")
        for name in members:
            zf.writestr(name, b"")
    return path


def dense_entry(config: dict) -> dict:
    return next(l for l in config["config"]["layers"] if l["name"] == "dense")


# ----------------------------------------------------------------------------- not the file it says

def test_random_bytes(tmp_path):
    data = os.urandom(4096)
    for suffix, what in ((".keras", "not a .keras archive (a zip file)"), (".h5", "not an HDF5 file"), (".json", "not JSON text")):
        path = tmp_path / f"random{suffix}"
        path.write_bytes(b"\x00" + data)
        refused(path, f"random{suffix}: {what}: its content is none of .keras, HDF5 or JSON", bounded=True)


def test_wrong_extension(tmp_path):
    model = small_model()
    (tmp_path / "model.keras").write_text(model.to_json())
    refused(tmp_path / "model.keras", "model.keras: not a .keras archive (a zip file): it holds JSON text", bounded=True)
    model.save(tmp_path / "real.keras")
    (tmp_path / "model.json").write_bytes((tmp_path / "real.keras").read_bytes())
    refused(tmp_path / "model.json", "model.json: not JSON text: it holds a zip archive", bounded=True)
    (tmp_path / "model.h5").write_bytes((tmp_path / "real.keras").read_bytes())
    refused(tmp_path / "model.h5", "model.h5: not an HDF5 file: it holds a zip archive", bounded=True)


def test_empty_unknown_and_missing_files(tmp_path):
    (tmp_path / "empty.keras").write_bytes(b"")
    refused(tmp_path / "empty.keras", "empty.keras: the file is empty")
    (tmp_path / "model.pkl").write_bytes(b"\x80\x04K\x01.")
    refused(tmp_path / "model.pkl", "model.pkl: unknown kind of file; import a .keras, .h5 or .json file")
    refused(tmp_path / "missing.keras", "missing.keras: No such file or directory")


def test_truncated_and_corrupted_archives(tmp_path):
    small_model().save(tmp_path / "good.keras")
    data = (tmp_path / "good.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    refused(tmp_path / "cut.keras", "cut.keras: damaged or truncated archive", bounded=True)
    start = data.index(b'{"module"')
    flipped = bytearray(data)
    flipped[start + 40] ^= 0x01  # one bit inside config.json: the CRC no longer matches
    (tmp_path / "flipped.keras").write_bytes(bytes(flipped))
    refused(tmp_path / "flipped.keras", "flipped.keras: damaged or truncated archive (Bad CRC-32 for file 'config.json')")


def test_truncated_h5_and_weights_only_h5(tmp_path):
    small_model().save(tmp_path / "good.h5")
    data = (tmp_path / "good.h5").read_bytes()
    (tmp_path / "cut.h5").write_bytes(data[:3000])
    refused(tmp_path / "cut.h5", "cut.h5: damaged or truncated HDF5 file", bounded=True)
    small_model().save_weights(tmp_path / "only.weights.h5")
    refused(tmp_path / "only.weights.h5", "only.weights.h5: no model_config in the file (a weights-only .h5 holds no model to import)")


def test_archive_without_config(tmp_path):
    with zipfile.ZipFile(tmp_path / "weights.keras", "w") as zf:
        zf.writestr("model.weights.h5", b"")
    refused(tmp_path / "weights.keras", "weights.keras: the archive has no config.json")


# ----------------------------------------------------------------------------- size caps

def test_zip_bomb_declared_size(tmp_path):
    """257 MB of spaces deflate to ~250 kB: refused from the header, nothing inflated (the
    limit is the text a config may hold with its large constants, editor.files.large_constants)."""
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("config.json", "w") as member:
            for _ in range(257):
                member.write(b" " * (1024 * 1024))
    assert path.stat().st_size < 400_000
    refused(path, "bomb.keras: config.json is 269,484,032 bytes uncompressed (limit 268,435,456)", bounded=True)


def test_zip_bomb_of_20_mb_is_refused_by_its_ratio(tmp_path):
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("config.json", "w") as member:
            for _ in range(20):
                member.write(b" " * (1024 * 1024))
    refused(path, "bomb.keras: config.json inflates 1,0", "times (limit 100): refused as a zip bomb", bounded=True)


def test_zip_bomb_compression_ratio(tmp_path):
    payload = '{"class_name": "Functional", "config": {}}' + " " * (4 * 1024 * 1024)
    path = archive(tmp_path / "ratio.keras", payload, zipfile.ZIP_DEFLATED)
    refused(path, "ratio.keras: config.json inflates", "times (limit 100): refused as a zip bomb", bounded=True)


def test_zip_bomb_with_a_lying_header(tmp_path):
    """A header that understates the size: reading stops at the stated size and the CRC fails."""
    path = archive(tmp_path / "liar.keras", "{" + " " * (4 * 1024 * 1024) + "}", zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    real = (4 * 1024 * 1024 + 2).to_bytes(4, "little")
    for at in [i for i in range(len(data)) if data[i:i + 4] == real]:  # local header and central directory
        data[at:at + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    refused(path, "liar.keras: damaged or truncated archive", bounded=True, peak=16 * 2**20)  # 4 MB inflated, at most


def test_too_many_members(tmp_path):
    path = archive(tmp_path / "many.keras", json.dumps(small_config()), members=[f"assets/{i}" for i in range(1000)])
    refused(path, "many.keras: the archive has 1,003 members; a .keras file has a handful (limit 1,000)", bounded=True)


def test_oversized_config(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"class_name": "Functional", "config": {"pad": "' + "x" * MAX_CONFIG_BYTES + '"}}')
    refused(path, f"big.json: config too large ({path.stat().st_size:,} bytes without its large constants; "
                  "limit 16,777,216)", bounded=True)


def test_config_nested_100000_deep(tmp_path):
    deep = '{"class_name": "Functional", "config": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (tmp_path / "deep.json").write_text(deep)
    refused(tmp_path / "deep.json", "deep.json: the config is nested deeper than 100 levels", bounded=True)
    refused(archive(tmp_path / "deep.keras", deep), "deep.keras: the config is nested deeper than 100 levels", bounded=True)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    config = small_config()
    dense_entry(config)["config"]["name"] = "[" * 500
    dense_entry(config)["name"] = "[" * 500
    (tmp_path / "brackets.json").write_text(json.dumps(config))
    refused(tmp_path / "brackets.json", "brackets.json: layer '[[[", "names are limited to 128 characters")


def test_control_characters_in_names_stay_on_one_line(tmp_path):
    config = small_config()
    entry = dense_entry(config)
    entry.update(class_name="Lambda", name="evil\n\x1b[31mred")
    message = refused(config, "layer 'evil\\n\\x1b[31mred' (Lambda): Lambda is refused")
    assert "\x1b" not in message


# ----------------------------------------------------------------------------- what a config names

def with_dense(**changes) -> dict:
    config = small_config()
    dense_entry(config)["config"].update(changes)
    return config


def replace_dense(entry: dict) -> dict:
    config = small_config()
    layers_ = config["config"]["layers"]
    layers_[layers_.index(dense_entry(config))] = {**entry, "name": entry["config"]["name"],
                                                   "inbound_nodes": dense_entry(config)["inbound_nodes"]}
    config["config"]["output_layers"] = [[entry["config"]["name"], 0, 0]]
    return config


def touch(sentinel):
    return f"__import__('pathlib').Path({str(sentinel)!r}).touch()"


HOSTILE = {
    "os.system as a layer class": (
        lambda s: replace_dense({"module": "os", "class_name": "system", "config": {"name": "evil", "command": f"touch {s}"}}),
        "layer 'evil' (system): 'os.system' is outside keras.layers, keras.models and keras.initializers/regularizers/constraints"),
    "dotted class name in keras.layers": (
        lambda s: replace_dense({"module": "keras.layers", "class_name": "os.system", "config": {"name": "evil"}}),
        "layer 'evil' (os.system): 'os.system' is not a keras.layers class (custom code is not imported)"),
    "builtins eval as activation": (
        lambda s: with_dense(activation={"module": "builtins", "class_name": "function", "config": "eval",
                                         "registered_name": "function"}),
        "layer 'dense' (Dense): activation: names the Python function 'builtins.eval'"),
    "keras.saving.load_model as initializer": (
        lambda s: with_dense(kernel_initializer={"module": "keras.saving", "class_name": "load_model",
                                                 "config": {"filepath": str(s)}, "registered_name": None}),
        "layer 'dense' (Dense): kernel_initializer: 'keras.saving.load_model' is outside keras.layers"),
    "enable_unsafe_deserialization as registered name": (
        lambda s: with_dense(bias_initializer={"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                               "registered_name": "keras.config.enable_unsafe_deserialization"}),
        "layer 'dense' (Dense): bias_initializer: 'keras.config.enable_unsafe_deserialization' is a custom registered object"),
    "keras.utils.get_file as regularizer": (
        lambda s: with_dense(kernel_regularizer={"module": "keras.utils", "class_name": "get_file",
                                                 "config": {"origin": "http://example.com/x"}}),
        "layer 'dense' (Dense): kernel_regularizer: 'keras.utils.get_file' is outside keras.layers"),
    "function object without module": (
        lambda s: with_dense(kernel_constraint={"class_name": "function", "config": "exec"}),
        "layer 'dense' (Dense): kernel_constraint: names the Python function 'exec'"),
    "serialised lambda in a config": (
        lambda s: with_dense(activation={"class_name": "__lambda__", "config": {"code": "AAAA", "defaults": None}}),
        "layer 'dense' (Dense): activation: holds a serialised Python function (__lambda__)"),
    "custom registered layer": (
        lambda s: replace_dense({"module": None, "class_name": "MyLayer", "registered_name": "Custom>MyLayer",
                                 "config": {"name": "mine"}}),
        "layer 'mine' (MyLayer): 'Custom>MyLayer' is a custom registered object"),
    "unknown layer class": (
        lambda s: replace_dense({"module": "keras.layers", "class_name": "NotALayer", "config": {"name": "odd"}}),
        "layer 'odd' (NotALayer): 'NotALayer' is not a keras.layers class"),
    "TFSMLayer": (
        lambda s: replace_dense({"module": "keras.layers", "class_name": "TFSMLayer",
                                 "config": {"name": "saved", "filepath": str(s), "call_endpoint": "serve"}}),
        "layer 'saved' (TFSMLayer): TFSMLayer is refused: loads a SavedModel from a file path"),
    "TorchModuleWrapper": (
        lambda s: replace_dense({"module": "keras.layers", "class_name": "TorchModuleWrapper",
                                 "config": {"name": "torchy", "module": touch(s)}}),
        "layer 'torchy' (TorchModuleWrapper): TorchModuleWrapper is refused: wraps torch code"),
    "os module without a class": (
        lambda s: with_dense(kernel_initializer={"module": "os", "config": {}}),
        "layer 'dense' (Dense): kernel_initializer: names the module 'os' without a class"),
    "a subclassed model at the top": (
        lambda s: {"module": "mypackage", "class_name": "MyModel", "config": {"name": "m"}},
        "not a Keras functional or Sequential model: the config holds a 'MyModel' object"),
    "a bare layer at the top": (
        lambda s: dense_entry(small_config()),
        "not a Keras functional or Sequential model: the config holds a 'Dense' object"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_configs(case, tmp_path):
    make, message = HOSTILE[case]
    sentinel = tmp_path / "pwned"
    config = make(sentinel)
    refused(config, message)
    path = tmp_path / "hostile.keras"
    archive(path, json.dumps(config))
    refused(path, f"hostile.keras: {message}")
    assert not sentinel.exists()


def test_lambda_layer_is_refused_and_its_code_never_runs(tmp_path):
    sentinel = tmp_path / "pwned"
    x = keras.Input((4,), name="x")
    # The function touches the sentinel whenever it runs (also while the model is built here).
    fn = eval(f"lambda t, _=None: ({touch(sentinel)}, t)[1]")  # noqa: S307 - test's own code
    model = keras.Model(x, layers.Dense(2, name="dense")(layers.Lambda(fn, name="sneaky")(x)), name="with_lambda")
    for kind in ("keras", "h5", "json"):
        path = tmp_path / f"lambda.{kind}"
        path.write_text(model.to_json()) if kind == "json" else model.save(path)
    sentinel.unlink()
    for kind in ("keras", "h5", "json"):
        refused(tmp_path / f"lambda.{kind}", f"lambda.{kind}: layer 'sneaky' (Lambda): Lambda is refused: runs arbitrary Python code")
    assert not sentinel.exists()


def test_lambda_inside_a_nested_model_names_both(tmp_path):
    inner_in = keras.Input((4,), name="inner_in")
    inner = keras.Model(inner_in, layers.Lambda(lambda t: t * 2, name="double")(inner_in), name="inner")
    x = keras.Input((4,), name="x")
    config = json.loads(keras.Model(x, inner(x), name="outer").to_json())
    refused(config, "layer 'double' (Lambda) in model 'inner' (Functional): Lambda is refused")


def test_lambda_inside_a_wrapper_is_refused(tmp_path):
    config = with_dense()
    entry = dense_entry(config)
    entry.update(class_name="TimeDistributed", config={"name": "dense", "layer": {
        "module": "keras.layers", "class_name": "Lambda", "config": {"name": "inside", "function": touch(tmp_path / "p")}}})
    refused(config, "layer 'inside' (Lambda) in layer 'dense' (TimeDistributed): Lambda is refused")


# ----------------------------------------------------------------------------- calls the editor cannot express

def test_training_true_call_is_refused():
    x = keras.Input((4,), name="x")
    config = json.loads(keras.Model(x, layers.Dropout(0.5, name="mc_dropout")(x, training=True), name="m").to_json())
    refused(config, "layer 'mc_dropout' (Dropout): called with training=true, which the editor cannot express")


def test_causal_mask_call_is_refused():
    x = keras.Input((4, 6), name="x")
    out = layers.MultiHeadAttention(2, 3, name="causal")(x, x, use_causal_mask=True)
    config = json.loads(keras.Model(x, out, name="m").to_json())
    refused(config, "layer 'causal' (MultiHeadAttention): called with use_causal_mask=true, which the editor cannot express")


def test_sparse_input_is_refused():
    x = keras.Input((4,), sparse=True, name="sp")
    config = json.loads(keras.Model(x, layers.Dense(2, name="d")(x), name="m").to_json())
    refused(config, "input 'sp' is sparse, which the editor cannot express")


def test_an_import_over_its_time_budget_is_refused_in_one_line(monkeypatch):
    inputs = keras.Input((3,), name="x")
    config = json.loads(keras.Model(inputs, keras.layers.Dense(2, name="d")(inputs)).to_json())
    monkeypatch.setenv("KGS_STEP_SECONDS", "0")
    refused(config, "import stopped at layer 'd' (Dense): it took more than 0 s of CPU time, the budget of one import")
    monkeypatch.setenv("KGS_STEP_SECONDS", "60")
    assert import_config(config).project.main.node("d").config == {"units": 2}
