"""Training on two real worker processes: MultiWorkerMirroredStrategy on 127.0.0.1.

Each test starts two processes with TF_CONFIG naming both (free ports found at run
time; worker 0 is the chief) and compares them with a single-worker run of the same
loop, same global batch and seed, made here in-process. Covered: exported code's
training pieces for mlp, headline_multi_io (two outputs, loss weights) and
custom_loss_layers (loss nodes only, BatchNormalization); the data split (the
workers see disjoint halves of every global batch, together one worker's batches);
exported code's command line (`python model.py --strategy multiworker --save ...`);
and `python -m editor train --strategy multiworker` (also: mirrored on one machine, a
bad TF_CONFIG refused in one line).
"""

import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from editor.code.codegen import generate
from editor.model.run_settings import Settings
from editor.templates import load_template
from tests.test_cli import ROOT, assert_one_line_failure, run
from tests.test_codegen import load_generated

import keras
import tensorflow as tf

pytestmark = pytest.mark.slow

TEMPLATES = ["mlp", "headline_multi_io", "custom_loss_layers"]
# 40 samples, a quarter held out: 30 to train on, in global batches of 8 (4 per worker;
# the last batch of 6 is 3 and 3), 3 epochs. Small: the three templates train in seconds.
SETTINGS = Settings(epochs=3, samples=40, batch_size=8, validation_split=0.25, seed=5)
TIMEOUT_S = 240
# custom_loss_layers' BatchNormalization normalises each worker's half batch by that half's
# own statistics (as fit does on several GPUs), so two workers train a slightly different
# model than one (measured: final loss 4e-3 apart, val_loss 7e-3); the others: 2e-7.
TOLERANCE = {"custom_loss_layers": 2e-2}

# Runs in each worker: for each generated module given, the pieces `train()` uses
# (make_strategy, build_model under its scope, synthetic_data, fit_distributed), with
# one strategy for the whole process (TensorFlow allows one per process); then the
# weights and history of each, and how distributed_batches split a batch of indices.
DRIVER = '''
import importlib.util, json, sys
import numpy as np

modules = []
for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location(path.rsplit("/", 1)[-1][:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    modules.append(module)
strategy = modules[0].make_strategy("multiworker")
settings = json.loads(open("settings.json").read())
report = {"chief": modules[0].is_chief(strategy), "replicas": strategy.num_replicas_in_sync, "histories": {}}
for path, module in zip(sys.argv[1:], modules):
    name = path.rsplit("/", 1)[-1][:-3]
    module.keras.utils.set_random_seed(settings["seed"])
    with strategy.scope():
        model = module.build_model()
    x, y = module.synthetic_data(model, settings["samples"], settings["seed"])
    history = module.fit_distributed(model, x, y, strategy=strategy, batch_size=settings["batch_size"],
                                     epochs=settings["epochs"], validation_split=settings["validation_split"],
                                     seed=settings["seed"])
    report["histories"][name] = history.history
    np.savez(name + ".npz", *[np.asarray(w) for w in model.weights])
order = np.random.default_rng(1).permutation(20)
seen = [[int(i) for r in strategy.experimental_local_results(batch) for i in r[0].numpy()]
        for batch in modules[0].distributed_batches(strategy, [np.arange(20)], order, 8)]
report["split"] = {"order": order.tolist(), "batches": seen}
open("report.json", "w").write(json.dumps(report))
'''


def free_ports(count):
    """Ports free on 127.0.0.1 right now (held together, so they differ)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def run_workers(args, tmp_path, env=None, count=2, prepare=None):
    """Run `args` as `count` workers of one cluster, worker i in tmp_path/worker{i};
    returns their folders after all have exited (killing all if one is still running
    after TIMEOUT_S: a worker whose peer died waits for it forever)."""
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(count)]}
    folders, procs = [], []
    try:
        for index in range(count):
            folder = tmp_path / f"worker{index}"
            folder.mkdir()
            if prepare:
                prepare(folder)
            config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
            environment = {**(env or {"PATH": "/usr/bin:/bin"}), "TF_CPP_MIN_LOG_LEVEL": "3", "TF_CONFIG": config}
            with open(folder / "stdout.txt", "w") as out, open(folder / "stderr.txt", "w") as err:
                procs.append(subprocess.Popen(args, cwd=folder, env=environment, stdout=out, stderr=err))
            folders.append(folder)
        deadline = time.monotonic() + TIMEOUT_S
        for proc in procs:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pass
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for index, (proc, folder) in enumerate(zip(procs, folders)):
        assert proc.returncode == 0, f"worker {index} exited with {proc.returncode}:\n" + \
            (folder / "stderr.txt").read_text()[-3000:]
    return folders


def weights(path):
    with np.load(path) as arrays:
        return [arrays[f"arr_{i}"] for i in range(len(arrays.files))]


_SINGLE = {}


def single_worker(template_id, tmp_path):
    """The same loop, global batch and seed on one worker (this process's one device):
    (history, weights), once per template."""
    if template_id not in _SINGLE:
        module = load_generated(generate(load_template(template_id), train=SETTINGS), tmp_path)
        keras.utils.set_random_seed(SETTINGS.seed)
        model = module.build_model()
        x, y = module.synthetic_data(model, SETTINGS.samples, SETTINGS.seed)
        history = module.fit_distributed(model, x, y, strategy=tf.distribute.get_strategy(),
                                         batch_size=SETTINGS.batch_size, epochs=SETTINGS.epochs,
                                         validation_split=SETTINGS.validation_split, seed=SETTINGS.seed, verbose=False)
        _SINGLE[template_id] = history.history, [np.asarray(w) for w in model.weights]
    return _SINGLE[template_id]


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """The three templates trained on two workers: {"reports": [per worker], "folders": [per worker]}."""
    tmp_path = tmp_path_factory.mktemp("multiworker")
    paths = []
    for template_id in TEMPLATES:
        path = tmp_path / f"{template_id}.py"
        path.write_text(generate(load_template(template_id), train=SETTINGS, strategy="multiworker"), encoding="utf-8")
        paths.append(path)
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    settings = {k: getattr(SETTINGS, k) for k in ("epochs", "samples", "batch_size", "validation_split", "seed")}

    def prepare(folder):
        (folder / "settings.json").write_text(json.dumps(settings), encoding="utf-8")

    folders = run_workers([sys.executable, str(tmp_path / "driver.py"), *map(str, paths)], tmp_path, prepare=prepare)
    reports = [json.loads((folder / "report.json").read_text()) for folder in folders]
    return {"reports": reports, "folders": folders}


def test_two_workers_form_one_cluster_with_one_chief(two_workers):
    reports = two_workers["reports"]
    assert [r["replicas"] for r in reports] == [2, 2]  # one replica per worker, both in sync
    assert [r["chief"] for r in reports] == [True, False]


def test_the_workers_split_every_global_batch(two_workers):
    """N workers together see the very batches one worker sees: disjoint parts of each."""
    first, second = (r["split"] for r in two_workers["reports"])
    order = first["order"]
    assert first["order"] == second["order"]  # the same shuffled order on every worker
    assert len(first["batches"]) == len(second["batches"]) == 3  # 20 samples, global batches of 8
    for k, (mine, theirs) in enumerate(zip(first["batches"], second["batches"])):
        assert mine and theirs and not set(mine) & set(theirs)
        assert sorted(mine + theirs) == sorted(order[8 * k:8 * (k + 1)])


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_two_workers_train_as_one(template_id, two_workers, tmp_path):
    first, second = (r["histories"][template_id] for r in two_workers["reports"])
    losses = first["loss"]
    assert len(losses) == 3 and losses[0] > losses[1] > losses[2], losses  # the loss falls
    assert "val_loss" in first
    for key, values in first.items():  # the reduced loss and metrics: the same on both workers
        assert second[key] == pytest.approx(values, rel=1e-6), key
    mine, theirs = (weights(folder / f"{template_id}.npz") for folder in two_workers["folders"])
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):  # the same weights, BatchNormalization's moving statistics too
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    single, single_weights = single_worker(template_id, tmp_path)
    assert set(single) == set(first) and len(single_weights) == len(mine)
    # One worker, the same global batches and seed: the same final loss, per-output losses and
    # metrics (measured: 2e-7 apart).
    tolerance = TOLERANCE.get(template_id, 1e-4)
    for key, values in single.items():
        assert first[key][-1] == pytest.approx(values[-1], rel=tolerance), key
    if template_id not in TOLERANCE:
        for a, b in zip(mine, single_weights):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_exported_file_trains_on_two_workers_and_the_chief_saves(tmp_path):
    """`python model.py --strategy multiworker --save model.keras` on each worker, as the README says."""
    source = generate(load_template("mlp"), train=SETTINGS, strategy="multiworker")
    path = tmp_path / "model.py"
    path.write_text(source, encoding="utf-8")
    chief, other = run_workers([sys.executable, str(path), "--save", "model.keras"], tmp_path)
    out = (chief / "stdout.txt").read_text()
    epochs = [line for line in out.splitlines() if line.startswith("epoch ")]
    assert [line.split()[1] for line in epochs] == ["1/3", "2/3", "3/3"]
    assert "Trainable params: 541,794" in out and "loss: " in out and "val_loss: " in out
    assert (other / "stdout.txt").read_text() == ""  # only the chief prints
    assert (chief / "model.keras").is_file() and not (other / "model.keras").exists()  # only the chief saves
    history, expected = single_worker("mlp", tmp_path)
    final = float(next(line for line in out.splitlines() if line.startswith("loss: ")).split()[1])
    assert final == pytest.approx(history["loss"][-1], abs=1e-4)
    saved = keras.saving.load_model(chief / "model.keras")
    for got, want in zip(saved.weights, expected):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-6)


def test_cli_train_on_two_workers(tmp_path):
    """`python -m editor train mlp --strategy multiworker` on each worker: no exported code needed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TF_CONFIG", None)
    args = [sys.executable, "-m", "editor", "train", "mlp", "--strategy", "multiworker", "--epochs", "3",
            "--samples", "40", "--batch-size", "8", "--validation-split", "0.25", "--seed", "5", "--json",
            "-o", "trained.keras"]
    chief, other = run_workers(args, tmp_path, env=env)
    report = json.loads((chief / "stdout.txt").read_text())
    losses = report["history"]["loss"]
    assert len(losses) == 3 and losses[0] > losses[-1] and report["stopped"] is None
    assert set(report["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert (other / "stdout.txt").read_text() == ""
    assert (chief / "trained.keras").is_file() and not (other / "trained.keras").exists()
    # The editor's model and data are exported code's (tests/test_codegen*.py): the same run.
    history, _ = single_worker("mlp", tmp_path)
    assert losses == pytest.approx(history["loss"], rel=1e-3)


def test_cli_strategy_mirrored_trains_on_one_machine():
    result = run("train", "mlp", "--strategy", "mirrored", "--epochs", "2", "--samples", "32", "--batch-size", "8",
                 "--json")
    assert result.returncode == 0, result.stderr
    losses = json.loads(result.stdout)["history"]["loss"]
    assert len(losses) == 2 and losses[1] < losses[0]


def test_cli_strategy_multiworker_with_a_bad_tf_config_is_one_line(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"worker": ["127.0.0.1:1"]}, "task": {"type": "worker", "index": 3}}')
    assert_one_line_failure(run("train", "mlp", "--strategy", "multiworker"),
                            "--strategy multiworker: The task_id 3 exceeds the maximum id of worker. (check TF_CONFIG)")
    assert_one_line_failure(run("train", "mlp", "--strategy", "tpu"), "invalid choice: 'tpu'")
