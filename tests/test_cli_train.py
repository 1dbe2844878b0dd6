"""`python -m editor train`: one JSON object, a progress line only on a terminal, one-line failures."""

import json
import os
import re
import pty
import subprocess
import sys

from tests.test_cli import ROOT, assert_one_line_failure, run


def test_train_json_has_one_value_per_epoch_and_metric():
    result = run("train", "mlp", "--epochs", "2", "--samples", "64", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress line, no TensorFlow chatter
    report = json.loads(result.stdout)  # exactly one JSON object
    assert set(report) == {"history", "samples_per_second", "stopped", "device"}
    assert set(report["history"]) == {"loss", "accuracy"}
    assert all(len(values) == 2 for values in report["history"].values())
    assert report["samples_per_second"] > 0
    assert report["stopped"] is None
    assert report["device"] == "CPU" or report["device"].startswith("GPU")


def test_train_text_report_and_saved_model(tmp_path):
    out = tmp_path / "trained.keras"
    result = run("train", "add_loss_labels", "--epochs", "2", "--samples", "32", "--batch-size", "8",
                 "--seed", "3", "--validation-split", "0.25", "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("epoch 1/2  loss ") and "val_loss" in lines[0]
    assert lines[1].startswith("epoch 2/2  ")
    assert lines[-1].endswith(f"on CPU; model saved to {out}") or "GPU" in lines[-1]
    assert out.read_bytes()[:2] == b"PK"


def test_train_is_repeatable_with_the_same_seed():
    args = ("train", "mlp", "--epochs", "2", "--samples", "128", "--seed", "0", "--json")
    first, again = (json.loads(run(*args).stdout)["history"] for _ in range(2))
    assert first == again


def test_train_nan_is_reported_not_a_failure():
    result = run("train", "mlp", "--epochs", "2", "--samples", "64", "--learning-rate", "1e10", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert re.fullmatch(r"loss became (NaN|infinite) at epoch \d+, batch \d+", report["stopped"])


def test_train_failures_are_one_line():
    assert_one_line_failure(run("train", "no_such_template"), "neither a project file nor a template id")
    assert_one_line_failure(run("train", "mlp", "--batch-size", "0"), "batch size must be from 1 to 1,000,000")
    assert_one_line_failure(run("train", "mlp", "--optimizer", "nesterov"), "mlp: unknown optimizer 'nesterov'")
    assert_one_line_failure(run("train", "mlp", "-o", "model.h5"), "must end in .keras")
    assert_one_line_failure(run("train", "mlp", "--epochs", "x"), "invalid int value")


def test_train_draws_a_progress_line_on_a_terminal():
    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "editor", "train", "mlp", "--epochs", "3", "--samples", "2048",
                             "--json"], stdout=subprocess.PIPE, stderr=secondary, cwd=ROOT, env=env)
    os.close(secondary)
    stderr = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        stderr += chunk
    stdout = proc.communicate(timeout=300)[0]
    os.close(main)
    assert proc.returncode == 0
    text = stderr.decode()
    assert "\r" in text and "mlp: " in text and "\n" not in text.replace("\r\n", "")
    assert json.loads(stdout)["history"]["loss"]  # stdout is still exactly the JSON object


def test_run_settings_have_sane_upper_bounds():
    """`--epochs 99999999999999999999` was accepted; every run setting has a bound now."""
    assert_one_line_failure(run("train", "mlp", "--epochs", "99999999999999999999"),
                            "epochs must be from 1 to 100,000")
    assert_one_line_failure(run("train", "mlp", "--samples", "100000000"), "samples must be from 1 to 10,000,000")


def test_train_refuses_a_model_too_big_before_allocating_it(tmp_path):
    """1e11 parameters (400 GB of weights): the estimate refuses in one line, where the
    weights used to be allocated first and TensorFlow died of its own out-of-memory."""
    from tests.helpers import inp, layer, project

    big = project(inp("a", "a", (100_000,)), layer("d", "d", "Dense", "a", units=1_000_000), outputs=("d",))
    path = tmp_path / "big.json"
    path.write_text(big.model_dump_json(), encoding="utf-8")
    result = run("train", str(path))
    assert_one_line_failure(result, "training needs about 3.5 TB (weights 400.0 GB")
    assert "try a smaller model or input size, or optimizer sgd" in result.stderr
