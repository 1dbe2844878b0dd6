"""`python -m editor import`: real subprocesses; every export command works on the imported file;
a refusal is one line on stderr, exit 2, and no project file."""

import json

import pytest

from tests.test_cli import assert_one_line_failure, run

import keras
layers = keras.layers


def shared_model():
    """Two inputs through one shared Dense, a nested Sequential model, two outputs."""
    a, b = keras.Input((6,), name="left"), keras.Input((6,), name="right")
    shared = layers.Dense(4, activation="relu", name="shared")
    head = keras.Sequential([keras.Input((8,), name="head_in"), layers.Dense(3, name="head_dense")], name="head")
    merged = layers.Concatenate(name="merged")([shared(a), shared(b)])
    return keras.Model([a, b], [head(merged), layers.Dense(1, name="score")(merged)], name="siamese")


def test_import_then_every_export_command(tmp_path):
    model = shared_model()
    assert model.count_params() == 64  # 28 shared + 27 head + 9 score
    model.save(tmp_path / "siamese.keras")
    project = tmp_path / "siamese.json"
    result = run("import", str(tmp_path / "siamese.keras"), "-o", str(project))
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{project}\n", "")
    data = json.loads(project.read_text())
    assert [g["id"] for g in data["graphs"]] == ["siamese", "head"]

    summary = run("summary", str(project), "--json")
    assert summary.returncode == 0, summary.stderr
    [report] = json.loads(summary.stdout)
    assert report["total_params"] == 64 and report["trainable_params"] == 64
    assert report["inputs"] == [{"name": "left", "shape": [6], "dtype": "float32"},
                                {"name": "right", "shape": [6], "dtype": "float32"}]
    assert report["outputs"] == [{"name": "head", "shape": [None, 3]}, {"name": "score", "shape": [None, 1]}]

    code = run("export-code", str(project), "-o", str(tmp_path / "siamese.py"))
    assert code.returncode == 0, code.stderr
    source = (tmp_path / "siamese.py").read_text()
    assert 'shared_layer = layers.Dense(4, activation="relu", name="shared")' in source
    assert "head = build_head()" in source

    exported = run("export-keras", str(project), "-o", str(tmp_path / "again.keras"))
    assert exported.returncode == 0, exported.stderr
    assert keras.saving.load_model(tmp_path / "again.keras").count_params() == 64

    plot = run("plot", str(project), "-o", str(tmp_path / "siamese.dot"))
    assert plot.returncode == 0, plot.stderr
    assert "<b>shared</b> (Dense)" in (tmp_path / "siamese.dot").read_text()


def test_import_application_by_name(tmp_path):
    """MobileNetV3's hard-swish is keras.ops arithmetic: op nodes, so it expands."""
    result = run("import", "applications:MobileNetV3Small", "-o", str(tmp_path / "small.json"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    summary = run("summary", str(tmp_path / "small.json"), "--json")
    assert json.loads(summary.stdout)[0]["total_params"] == 2_554_968
    assert any(n["kind"] == "op" for n in json.loads((tmp_path / "small.json").read_text())["graphs"][0]["nodes"])


def test_refused_lambda_is_one_line_and_writes_nothing(tmp_path):
    x = keras.Input((4,), name="x")
    keras.Model(x, layers.Lambda(lambda t: t + 1, name="plus_one")(x), name="m").save(tmp_path / "lam.keras")
    out = tmp_path / "lam.json"
    assert_one_line_failure(run("import", str(tmp_path / "lam.keras"), "-o", str(out)),
                            "error: lam.keras: layer 'plus_one' (Lambda): Lambda is refused: runs arbitrary Python code")
    assert not out.exists() and not (tmp_path / "lam.json.tmp").exists()


@pytest.mark.parametrize("args, fragment", [
    (["import", "nothing.keras", "-o", "p.json"], "error: nothing.keras: No such file or directory"),
    (["import", "applications:Frobnicate", "-o", "p.json"], "error: 'Frobnicate' is not a keras.applications model (known: "),
    (["import", "applications:ResNet50", "-o", "p.txt"], "error: p.txt: the project file name must end in .json"),
    (["import", "model.keras"], "the following arguments are required: -o/--output"),
])
def test_import_failures(args, fragment, tmp_path):
    assert_one_line_failure(run(*args, cwd=tmp_path), fragment)
    assert not (tmp_path / "p.json").exists()


def test_import_help_documents_the_syntax():
    result = run("import", "--help")
    text = " ".join(result.stdout.split())
    assert "applications:NAME (e.g. applications:ResNet50)" in text
    assert "structure only: no weights, no compile settings" in text


TWO_MODELS = '''
import keras
from keras import layers

inputs = keras.Input(shape=(8,), name="x")
encoded = layers.Dense(4, name="code")(inputs)
encoder = keras.Model(inputs, encoded, name="encoder")
decoded = layers.Dense(8, name="back")(encoded)
autoencoder = keras.Model(inputs, decoded, name="autoencoder")
autoencoder.compile(optimizer="adam", loss="mse")
autoencoder.fit(data, data)
'''


def test_import_python_code_without_running_it(tmp_path):
    """`import model.py`: the model the code builds, the lines left out as notes;
    --model chooses among several; --strict refuses a file with lines left out."""
    source = tmp_path / "model.py"
    source.write_text(TWO_MODELS, encoding="utf-8")
    project = tmp_path / "project.json"
    ambiguous = run("import", str(source), "-o", str(project))
    assert_one_line_failure(ambiguous, "the code builds 2 models (encoder, autoencoder): choose one with --model NAME")
    assert not project.exists()
    result = run("import", str(source), "-o", str(project), "--model", "autoencoder")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["note: line 11: 'data' is not defined (left out)"]
    saved = json.loads(project.read_text())
    assert [n["name"] for n in saved["graphs"][0]["nodes"]] == ["x", "code", "back"]
    assert saved["graphs"][0]["outputs"][0]["loss"] == "mse"
    summary = run("summary", str(project), "--json")
    assert json.loads(summary.stdout)[0]["total_params"] == 8 * 4 + 4 + 4 * 8 + 8
    strict = run("import", str(source), "-o", str(tmp_path / "strict.json"), "--model", "autoencoder", "--strict")
    assert_one_line_failure(strict, "line 11: 'data' is not defined")


def test_code_import_loads_no_tensorflow(tmp_path):
    """Read, not run: a Python file becomes a project before TensorFlow is ever imported."""
    import subprocess
    import sys

    source = tmp_path / "model.py"
    source.write_text(TWO_MODELS, encoding="utf-8")
    check = ("import sys; from editor.cli import main; "
             f"code = main(['import', {str(source)!r}, '-o', {str(tmp_path / 'p.json')!r}, '--model', 'encoder']); "
             "print(code, 'tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert out.stdout.split()[-3:] == ["0", "False", "False"], out.stderr
