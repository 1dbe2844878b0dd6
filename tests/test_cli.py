"""`python -m editor`: real subprocesses, exact outputs, one-line failures with exit 2."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "editor", *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=300)


def assert_one_line_failure(result, fragment):
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in lines[0], lines[0]


def test_templates_json_lists_ids_and_titles():
    result = run("templates", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    from editor.templates import template_ids

    assert [t["id"] for t in listed] == template_ids()
    assert {"id": "mlp", "title": "Multilayer perceptron (MLP)"} in listed


def test_summary_json_of_mlp():
    result = run("summary", "mlp", "--json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert report == {
        "target": "mlp",
        "total_params": 541794,
        "trainable_params": 541794,
        "non_trainable_params": 0,
        "inputs": [{"name": "input", "shape": [784], "dtype": "float32"}],
        "outputs": [{"name": "output", "shape": [None, 10]}],
    }


def test_summary_text_is_keras_own(tmp_path):
    result = run("summary", "mlp")
    assert result.returncode == 0
    assert 'Model: "mlp"' in result.stdout and "Total params: 541,794" in result.stdout
    assert result.stderr == ""  # TensorFlow's start-up chatter is silenced


def test_validate_ok_errors_and_exit_codes(tmp_path):
    from editor.model import edits
    from editor.files import project_files
    from editor.templates import load_template

    good = run("validate", "mlp")
    assert (good.returncode, good.stdout) == (0, "mlp: ok\n")
    p = load_template("mlp")
    broken = p.replace_graph(edits.set_param(p.main, "n3", "units", -5))
    path = tmp_path / "broken.json"
    project_files.save(broken, path)
    bad = run("validate", str(path), "mlp")
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[0].startswith("broken: error: node 'hidden2': invalid Dense settings")
    assert bad.stdout.splitlines()[-1] == "mlp: ok"


def test_a_build_over_its_time_budget_is_one_validate_error(monkeypatch):
    monkeypatch.setenv("KGS_STEP_SECONDS", "0")
    result = run("validate", "mlp")
    assert result.returncode == 1
    assert result.stdout == ("mlp: error: build stopped at node 'input': it took more than 0 s of CPU time, "
                             "the budget of one build\n")


def test_export_code_one_and_many(tmp_path):
    one = run("export-code", "mlp", "-o", str(tmp_path / "mlp.py"))
    assert one.returncode == 0, one.stderr
    source = (tmp_path / "mlp.py").read_text()
    compile(source, "mlp.py", "exec")
    assert "def build_model():" in source
    many = run("export-code", "mlp", "mlp", "-o", str(tmp_path / "all"))
    assert many.returncode == 0, many.stderr
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["mlp.py"]


def test_exported_code_runs_and_prints_the_summary(tmp_path):
    run("export-code", "mlp", "-o", str(tmp_path / "mlp.py"))
    result = subprocess.run([sys.executable, str(tmp_path / "mlp.py")], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr
    assert "Total params: 541,794" in result.stdout


def test_export_code_with_train_writes_the_options_as_defaults(tmp_path):
    result = run("export-code", "mlp", "-o", str(tmp_path / "mlp.py"), "--train", "--strategy", "mirrored",
                 "--epochs", "3", "--samples", "64", "--batch-size", "16", "--seed", "5", "--optimizer", "sgd")
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "mlp.py").read_text()
    assert "def train(epochs=3, batch_size=16, samples=64, validation_split=0.0,\n          seed=5, strategy=\"mirrored\", save=None):" in source
    assert "optimizer=\"sgd\"" in source


def test_export_code_refuses_bad_training_options(tmp_path):
    assert_one_line_failure(run("export-code", "mlp", "-o", str(tmp_path / "x.py"), "--train", "--epochs", "0"),
                            "epochs must be from 1 to 100,000")
    assert not (tmp_path / "x.py").exists()


def test_export_keras_loads_back(tmp_path):
    path = tmp_path / "mlp.keras"
    result = run("export-keras", "mlp", "-o", str(path))
    assert result.returncode == 0, result.stderr
    import warnings

    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Skipping variable loading for optimizer"
        model = keras.saving.load_model(path)
    assert model.count_params() == 541_794
    assert type(model.optimizer).__name__ == "Adam" and len(model.optimizer.variables) > 2


def test_plot_dot_without_graphviz(tmp_path):
    result = run("plot", "mlp", "-o", str(tmp_path / "mlp.dot"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "mlp.dot").read_text()
    assert text.startswith("digraph") and "<b>hidden1</b> (Dense)" in text
    assert [line for line in text.splitlines() if "dpi" in line] == ["dpi=200;"]  # no stray "dpi" node


@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz 'dot' not installed (CI installs it)")
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_plot_images_with_graphviz(tmp_path, fmt, magic):
    result = run("plot", "mlp", "-o", str(tmp_path / f"mlp.{fmt}"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / f"mlp.{fmt}").read_bytes().startswith(magic)


def test_plot_png_without_graphviz_says_so(tmp_path):
    env_path = "/nonexistent"
    result = subprocess.run(
        [sys.executable, "-m", "editor", "plot", "mlp", "-o", str(tmp_path / "m.png")],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PATH": env_path, "PYTHONPATH": str(ROOT)},
    )
    assert_one_line_failure(result, "png needs the Graphviz 'dot' program, which is not installed")


def test_check_loss_accepts_and_normalises():
    result = run("check-loss", "K.mean(K.abs(y_true-y_pred))")
    assert (result.returncode, result.stdout) == (0, "mean(abs(y_true - y_pred))\n")
    named = run("check-loss", "ops.sum(ops.square(labels - preds) * 2)", "--names", "labels,preds")
    assert named.stdout == "sum(square(labels - preds) * 2)\n"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["summary", "no_such_template"], "'no_such_template' is neither a project file nor a template id"),
        (["summary", "missing.json"], "missing.json: No such file or directory"),
        (["export-keras", "mlp", "-o", "model.h5"], "the file name must end in .keras"),
        (["plot", "mlp", "-o", "model.pdf"], "choose a .png, .svg or .dot file name"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["summary"], "the following arguments are required: TARGET"),
        (["check-loss", "().__class__.__base__.__subclasses__()"], "not allowed"),
        (["check-loss", "mean(abs(y_true - z))"], "unknown name 'z'"),
    ],
)
def test_failures_are_one_line_with_exit_2(args, fragment, tmp_path):
    assert_one_line_failure(run(*args, cwd=tmp_path if args[0] != "frobnicate" else None), fragment)


def test_malformed_project_file_is_one_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000)
    assert_one_line_failure(run("validate", str(path)), "deep.json: nesting deeper than 64 levels")


def test_check_loss_refuses_before_importing_tensorflow():
    code = (
        "import sys\nfrom editor.cli import main\n"
        "assert main(['check-loss', '__import__(\"os\")']) == 2\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
