"""The training memory estimate holds against real runs: what a run adds to its process's
resident memory at the peak stays under editor.train.cost's estimate (once, the 500,000-unit
mlp was estimated at 8.1 GB and peaked at 12.6 GB), and `python -m editor train` honours
KGS_MEMORY_LIMIT_MB as the page does, refusing in one line before it allocates anything.

Each run is a fresh process: peak RSS only grows, so one process per measurement. The
growth is the child's own peak (VmHWM: os.wait4's ru_maxrss carries the parent's high-water
mark into a forked child) less its RSS once TensorFlow and the editor are
loaded, just before the estimate: the process's baseline is not the run's (the page's
server has it already, and MemAvailable, the default limit's base, counts it as used).
"""

import json
import os
import subprocess
import sys
import tempfile

import pytest

from tests.test_cli import ROOT, assert_one_line_failure
from tests.work import run_with_peak

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"),
                                reason="reads VmRSS and the peak (VmHWM) from /proc")

_CHILD = """
import json, sys
import tensorflow  # noqa: F401 - loaded before the baseline, as in a running server or the CLI
from editor.model import edits
from editor.train import run_model, training
from editor.model.run_settings import Settings
from editor.templates import load_template

template, units, settings = json.loads(sys.argv[1])
project = load_template(template)
if units:
    project = project.replace_graph(edits.set_param(project.main, "n2", "units", units))
settings = Settings(**settings)

def rss(field="VmRSS:"):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024

before = rss()
estimate = run_model.estimate(project, settings)
run = training.TrainingRun(project, settings, check_memory=False).start()
run.wait()
print(json.dumps({"before": before, "estimate": estimate.total_bytes, "error": run.error,
                  "batches": run.snapshot().batches_done, "peak": rss("VmHWM:")}))
"""


def measure(template: str, settings: dict, units: int = 0) -> dict:
    """Train in a fresh process: its estimate, its RSS before, its own peak RSS (VmHWM)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)  # TensorFlow's default kernels, as training runs them
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps([template, units, settings])],
                                stdout=out, stderr=err, cwd=ROOT, env=env, text=True)
        proc.wait()
        out.seek(0)
        err.seek(0)
        assert proc.returncode == 0, err.read()[-2000:]
        report = json.loads(out.read().strip().splitlines()[-1])
    assert report["error"] is None and report["batches"] > 0, report
    report["growth"] = report["peak"] - report["before"]
    return report


def test_a_big_dense_layer_peaks_under_its_estimate():
    """mlp with a 20,000-unit Dense (20 M params, Adam): the weights dominate. Weights,
    gradients and Adam's two slots alone (4 x 80 MB) undercount: the update's temporaries
    and TensorFlow's working memory come on top."""
    report = measure("mlp", {"batch_size": 32, "samples": 128, "epochs": 1}, units=20_000)
    assert report["growth"] <= report["estimate"], report
    assert report["growth"] > 4 * 80_000_000, report  # what the old formula counted


@pytest.mark.slow
@pytest.mark.parametrize("template, settings", [
    ("mlp", {"batch_size": 32, "samples": 512, "epochs": 1, "optimizer": "sgd"}),
    ("cnn", {"batch_size": 64, "samples": 256, "epochs": 1}),
    ("rnn", {"batch_size": 32, "samples": 128, "epochs": 1}),
    ("two_losses_weighted", {"batch_size": 64, "samples": 512, "epochs": 1}),
    ("multi_input_single_output", {"batch_size": 2, "samples": 8, "epochs": 1}),
    ("ticket_priority", {"batch_size": 32, "samples": 128, "epochs": 1}),
])
def test_templates_peak_under_their_estimates(template, settings):
    report = measure(template, settings)
    assert report["growth"] <= report["estimate"], report


def test_train_honours_the_memory_limit_before_allocating(tmp_path):
    """KGS_MEMORY_LIMIT_MB, read by editor.train.cost.memory_limit for the page and the command
    line alike: a model of a trillion weights is refused in one line, within 1 GB."""
    from editor.model import edits
    from editor.files import project_files
    from editor.templates import load_template

    p = load_template("mlp")
    path = tmp_path / "huge.json"
    project_files.save(p.replace_graph(edits.set_param(p.main, "n2", "units", 10**9)), path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "KGS_MEMORY_LIMIT_MB": "300"}
    result, peak = run_with_peak(["-m", "editor", "train", str(path)], env, ROOT)
    assert_one_line_failure(result, "error: huge: training needs about ")
    assert "(weights 4.0 TB, " in result.stderr
    assert result.stderr.rstrip().endswith("but the limit is 300.0 MB: try a smaller model or input size, "
                                           "or optimizer sgd")
    assert peak < 1_000_000_000


def test_the_limit_is_read_in_one_place(monkeypatch):
    from editor.train import cost
    from editor.ui import train_panel

    monkeypatch.setenv("KGS_MEMORY_LIMIT_MB", "250")
    assert cost.memory_limit() == 250_000_000
    assert train_panel.memory_limit is cost.memory_limit
