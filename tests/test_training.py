"""editor.train.training: every template trains; stop, NaN, memory refusal, estimates, exports."""

import csv
import io
import math
import os
import re
import threading
import time

import numpy as np
import pytest

from editor.train import cost, run_model, run_progress, training
from editor.errors import UserError
from editor.train.synthetic import SyntheticData
from editor.templates import load_template, template_ids
from editor.model.run_settings import Settings
from editor.train.training import TrainingRun
from tests.helpers import inp, layer, project

# Templates too heavy for the quick loop on 2 cores: U-Net (31 M params at 256x256) and
# VGG16 (138 M) train with batch 1-2; multi_output's TimeDistributed over 784 steps is
# unrolled by Keras into 784 Dense calls, and tracing that takes ~45 s. The 368x368
# templates train with batch 1.
SLOW = {"unet", "vgg16_features", "multi_output"}
BATCH = {"unet": 1, "vgg16_features": 2, "single_input_multi_output": 1, "multi_input_single_output": 1}  # else 2
LOSS_NODES_ONLY = ("add_loss_labels", "custom_loss_layers")


def tiny(batch_size=2, **kwargs):
    return Settings(batch_size=batch_size, samples=2 * batch_size, epochs=1, **kwargs)


def run_to_end(p, settings, **kwargs):
    run = TrainingRun(p, settings, **kwargs).start()
    assert run.wait(600), "the run did not finish"
    return run


@pytest.mark.parametrize(
    "template_id",
    [pytest.param(t, marks=pytest.mark.slow) if t in SLOW else t for t in template_ids()],
)
def test_every_template_trains_two_batches(template_id):
    run = run_to_end(load_template(template_id), tiny(BATCH.get(template_id, 2)))
    snap = run.snapshot()
    assert (snap.status, snap.error, snap.stopped) == ("finished", None, None)
    assert snap.batches_done == 2 and snap.progress == 1.0
    assert len(snap.history["loss"]) == 1 and math.isfinite(snap.history["loss"][0])
    assert len(snap.batches["loss"]) == 2 and snap.batch_epochs == [1, 1]


@pytest.mark.parametrize("template_id", LOSS_NODES_ONLY)
def test_models_supervised_only_by_loss_nodes_compile_with_the_optimizer_alone(template_id):
    run = run_to_end(load_template(template_id), Settings(batch_size=8, samples=64, epochs=3))
    assert run.error is None
    assert run.model.loss is None  # compile(optimizer) only: the loss comes from add_loss
    assert run.data.y is None
    loss = run.history["loss"]
    assert len(loss) == 3 and all(math.isfinite(v) for v in loss)
    assert loss[-1] < loss[0]


def test_learnable_task_loss_falls_on_mlp():
    run = run_to_end(load_template("mlp"), Settings(batch_size=32, samples=512, epochs=4, validation_split=0.25))
    h = run.history
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in h.values())
    assert h["loss"][-1] < 0.6 * h["loss"][0]
    assert h["accuracy"][-1] > 0.5  # chance: 0.1
    snap = run.snapshot()
    assert snap.steps_per_epoch == 12 and snap.batches_done == 48  # 384 training samples
    assert snap.samples_per_second and snap.samples_per_second > 0
    assert snap.seconds_left is None and isinstance(snap.elapsed, float)  # recorded (its size is the clock's)


def test_per_output_losses_metrics_and_batch_logs():
    run = run_to_end(load_template("multi_input"), Settings(batch_size=8, samples=32, epochs=2))
    snap = run.snapshot()
    assert set(snap.batches) == {"loss", "accuracy"}
    assert len(snap.batches["loss"]) == 8 and snap.batch_epochs == [1] * 4 + [2] * 4
    run = run_to_end(load_template("ticket_priority"), Settings(batch_size=4, samples=8, epochs=1))
    assert set(run.history) == {"loss", "priority_loss", "department_loss"}
    later = run.snapshot(since=1)
    assert later.batch_offset == 1 and len(later.batches["loss"]) == 1
    assert run.snapshot(since=-1).batches["loss"] == run.snapshot().batches["loss"][-1:]


def test_stop_within_one_batch_keeps_the_history():
    run = TrainingRun(load_template("mlp"), Settings(batch_size=8, samples=256, epochs=200)).start()
    polls = 0  # a bound on the wait counted in polls, not read off a clock
    while run.snapshot(since=-1).epoch < 2 or run.snapshot(since=-1).batch < 1:  # into epoch 2
        polls += 1
        assert polls < 12_000 and not run.done
        time.sleep(0.01)
    run.stop()
    at_stop = run.snapshot(since=-1).batches_done
    assert run.wait(60)
    snap = run.snapshot()
    assert snap.status == "stopped" and snap.error is None
    assert snap.batches_done <= at_stop + 1
    assert re.fullmatch(r"stopped by the user at epoch \d+, batch \d+", snap.stopped)
    assert len(snap.batches["loss"]) == snap.batches_done
    finished = snap.epoch if snap.batch == snap.steps_per_epoch else snap.epoch - 1
    assert len(snap.history["loss"]) == finished >= 1  # finished epochs only
    assert snap.progress < 1


def test_stop_from_the_training_thread_after_the_first_batch():
    """Stopping at the first batch event: at most one more batch runs."""
    run = TrainingRun(load_template("mlp"), Settings(batch_size=4, samples=400, epochs=3))
    original = run_progress.make_recorder

    def hooked(r):
        callback = original(r)
        on_batch = callback.on_train_batch_end

        def on_train_batch_end(batch, logs=None):
            on_batch(batch, logs)
            if r.snapshot(since=-1).batches_done == 1:
                r.stop()

        callback.on_train_batch_end = on_train_batch_end
        return callback

    run_progress.make_recorder = hooked
    try:
        run.start()
        assert run.wait(120)
    finally:
        run_progress.make_recorder = original
    assert run.snapshot().batches_done <= 2
    assert run.stopped == "stopped by the user at epoch 1, batch 1"
    assert run.history == {}


def test_stop_before_training_begins():
    run = TrainingRun(load_template("mlp"), Settings(batch_size=8, samples=64, epochs=3)).start()
    run.stop()
    assert run.wait(120)
    snap = run.snapshot()
    assert snap.status == "stopped" and snap.batches_done <= 1 and snap.error is None


def test_huge_learning_rate_stops_on_nan_naming_epoch_and_batch():
    run = run_to_end(load_template("mlp"), Settings(learning_rate=1e10, batch_size=16, samples=256, epochs=3))
    snap = run.snapshot()
    assert snap.status == "stopped"
    assert re.fullmatch(r"loss became (NaN|infinite) at epoch \d+, batch \d+", snap.stopped), snap.stopped
    epoch, batch = map(int, re.findall(r"\d+", snap.stopped))
    assert snap.batches_done == (epoch - 1) * 16 + batch  # nothing ran after the bad batch
    assert not math.isfinite(snap.batches["loss"][-1])


def test_nan_in_the_data_stops_before_training_on_any_machine():
    """Whether a NaN input reaches the loss depends on the CPU's kernels (relu(NaN) is 0 on
    some): the data are checked before the first batch, so no machine trains on them."""
    p = load_template("mlp")
    settings = Settings(batch_size=8, samples=32, epochs=2, validation_split=0.25)
    model = run_model.compile_model(p, settings)
    good = run_model.make_data(p, settings, model)
    x = good.x[0].copy()
    x[5, 3] = np.nan
    bad = SyntheticData(x=[x], y=good.y, input_names=good.input_names, output_names=good.output_names)
    run = run_to_end(None, settings, model=model, data=bad)
    name = good.input_names[0]
    assert run.stopped == f"the data of input '{name}' hold NaN (sample 6 first): nothing was trained"
    assert run.history == {} and run.snapshot().batches_done == 0 and run.error is None


def test_infinite_targets_are_named_by_their_output():
    p = load_template("mlp")
    settings = tiny()
    model = run_model.compile_model(p, settings)
    good = run_model.make_data(p, settings, model)
    y = good.y[0].astype("float32")
    y[0] = np.inf
    bad = SyntheticData(x=good.x, y=[y], input_names=good.input_names, output_names=good.output_names)
    name = good.output_names[0]
    assert run_model.non_finite_data(bad) == f"the data of target of output '{name}' hold infinite values (sample 1 first)"
    assert run_model.non_finite_data(good) is None


@pytest.mark.filterwarnings("ignore:Gradients do not exist")  # the unsupervised output, on purpose
def test_weights_gone_nan_stop_the_run_even_when_the_loss_stays_finite():
    """A NaN weight that no loss sees (here: of an output without a loss; elsewhere: hidden
    by a kernel that turns NaN into a number) still stops the run, at the epoch's end."""
    from editor.model.graph import Output, Ref

    p = project(inp("n1", "x", (4,)), layer("n2", "seen", "Dense", "n1", units=1),
                layer("n3", "unseen", "Dense", "n1", units=1),
                outputs=(Output(ref=Ref(node="n2"), loss="mean_squared_error"), Output(ref=Ref(node="n3"))))
    settings = Settings(batch_size=4, samples=16, epochs=3)
    model = run_model.compile_model(p, settings)
    kernel = model.get_layer("unseen").kernel
    kernel.assign(np.full(kernel.shape, np.nan, dtype="float32"))
    run = run_to_end(None, settings, model=model, data=run_model.make_data(p, settings, model))
    assert run.stopped == "the weights unseen/kernel became NaN in epoch 1"
    assert all(math.isfinite(v) for v in run.snapshot().batches["loss"])
    assert len(run.history["loss"]) == 1 and run.snapshot().batches_done == 4


def test_the_same_seed_gives_the_same_weights_and_losses():
    """Weights, shuffling and dropout all follow the seed; mnist_mlp has Dropout."""
    def trained(seed):
        run = run_to_end(load_template("mnist_mlp"), Settings(batch_size=16, samples=64, epochs=2, seed=seed))
        assert run.error is None
        return run.history["loss"], run.model.get_weights()

    first, again, other = trained(0), trained(0), trained(1)
    assert first[0] == again[0]
    assert all(np.array_equal(a, b) for a, b in zip(first[1], again[1]))
    assert first[0] != other[0]


def test_previews_built_in_another_thread_do_not_move_a_runs_seed():
    """CI failure: the same seed trained to another loss in the page. Keras draws each new
    layer's seeds from Python's global `random`, and another tab's preview builds drew
    between a run's seeding and its build. The run seeds and builds under the build lock."""
    from editor.building.build import build_project

    p = load_template("mnist_mlp")  # Dropout: its seed generator is drawn at construction too
    alone = run_model.build_model(p, seed=3)[0].get_weights()
    done = threading.Event()

    def previews():
        while not done.is_set():
            build_project(p, weights=False)

    others = [threading.Thread(target=previews) for _ in range(2)]
    for t in others:
        t.start()
    try:
        busy = [run_model.build_model(p, seed=3)[0] for _ in range(5)]
    finally:
        done.set()
        for t in others:
            t.join()
    for model in busy:
        assert all(np.array_equal(a, b) for a, b in zip(alone, model.get_weights()))
        dropout = [layer for layer in model.layers if layer.__class__.__name__ == "Dropout"]
        assert [d.seed_generator.state.numpy().tolist() for d in dropout] == \
            [d.seed_generator.state.numpy().tolist() for d in build_seeded_dropouts(p)]


def build_seeded_dropouts(p):
    model = run_model.build_model(p, seed=3)[0]
    return [layer for layer in model.layers if layer.__class__.__name__ == "Dropout"]


def test_a_run_nobody_wants_any_more_stops_after_the_grace_time():
    wanted = threading.Event()
    wanted.set()
    run = TrainingRun(load_template("mlp"), Settings(batch_size=8, samples=256, epochs=1000),
                      still_wanted=wanted.is_set, grace_s=0.5).start()
    try:
        while not run.snapshot(since=-1).batches_done:
            assert not run.wait(0.05)
        wanted.clear()  # the last page showing it was closed
        assert run.wait(120)
    finally:
        run.stop()
    assert run.stopped.startswith(training.UNWANTED + " at epoch ")


def test_memory_refusal_is_one_line_with_a_way_out():
    p = load_template("mlp")
    est = run_model.estimate(p, Settings(batch_size=64))
    with pytest.raises(cost.NotEnoughMemory) as caught:
        cost.check_fits(est, limit_bytes=1000)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("training needs about ") and "but the limit is 1.0 KB: " in message
    assert message.endswith("try a smaller model or input size, or optimizer sgd")
    # Room for the weights but not for batch 64's activations: a smaller batch is offered.
    limit = math.ceil(cost.HEADROOM * (est.fixed_bytes + est.data_total_bytes + 5 * est.activations_per_sample))
    with pytest.raises(cost.NotEnoughMemory, match=r"try batch size 4, or a smaller input size$"):
        cost.check_fits(est, limit_bytes=limit)
    cost.check_fits(est, limit_bytes=est.total_bytes)  # fits exactly


def test_a_run_over_the_limit_fails_before_training():
    run = run_to_end(load_template("mlp"), Settings(samples=64), limit_bytes=10_000)
    snap = run.snapshot()
    assert snap.status == "failed" and snap.batches_done == 0
    assert snap.error.startswith("training needs about ") and "try " in snap.error
    assert run.estimate is not None


def test_default_limit_is_half_the_free_memory(monkeypatch):
    monkeypatch.setattr(cost, "available_memory", lambda: 8_000_000)
    est = run_model.estimate(load_template("mlp"), Settings())
    with pytest.raises(cost.NotEnoughMemory, match="but half of the free memory is 4.0 MB"):
        cost.check_fits(est)
    monkeypatch.setattr(cost, "available_memory", lambda: 8_000_000_000)
    cost.check_fits(est)


def test_estimate_counts_weights_optimizer_activations_and_data(monkeypatch):
    monkeypatch.setattr(cost, "_matmul_flops", lambda: 1e11)  # the measured rate, fixed: no machine speed
    p = load_template("mlp")
    adam = run_model.estimate(p, Settings(batch_size=4))
    assert adam.params == 541_794 and adam.weights_bytes == 4 * 541_794
    assert adam.gradients_bytes == adam.weights_bytes
    assert adam.optimizer_slots == 2 and adam.optimizer_bytes == 2 * adam.weights_bytes
    assert adam.data_bytes == 512 * (784 * 4 + 4)
    double = run_model.estimate(p, Settings(batch_size=8))
    assert double.activations_bytes == 2 * adam.activations_bytes > 0
    assert double.flops_per_step == pytest.approx(2 * adam.flops_per_step)
    assert adam.flops_per_step == pytest.approx(6 * 4 * (784 * 512 + 512 * 216 + 216 * 128 + 128 * 10), rel=0.01)
    assert adam.steps == 128 * 5
    assert adam.seconds_per_step == pytest.approx(cost._STEP_OVERHEAD_S + adam.flops_per_step / (1e11 * cost._EFFICIENCY))
    assert adam.seconds_total == adam.seconds_per_step * adam.steps
    sgd = run_model.estimate(p, Settings(optimizer="sgd"))
    assert sgd.optimizer_bytes == 0
    assert "weights 2.2 MB" in adam.summary()


def test_estimates_of_nested_and_recurrent_models(monkeypatch):
    monkeypatch.setattr(cost, "_matmul_flops", lambda: 1e11)  # the measured rate, fixed: no machine speed
    auto = run_model.estimate(load_template("autoencoder"), Settings(batch_size=1))
    # the nested encoder's and decoder's layers are counted: far more than the 3 top-level outputs
    assert auto.activations_per_sample > 2 * 4 * 26 * 26 * 16
    rnn = run_model.estimate(load_template("rnn"), Settings(batch_size=1))
    matmul_part = rnn.flops_per_step / (1e11 * cost._EFFICIENCY)
    assert rnn.sequential_steps == 784  # the LSTM's time steps, walked one after another
    assert rnn.seconds_per_step == pytest.approx(cost._STEP_OVERHEAD_S + 784 * cost._RECURRENT_STEP_S + matmul_part)


def test_optimizer_slots_match_keras():
    import keras

    from editor.building import compile_choices

    weights = [keras.Variable(np.zeros((3, 4), "float32")), keras.Variable(np.zeros((5,), "float32"))]
    size = 3 * 4 + 5
    for name in compile_choices.optimizers():
        for config in ({}, {"momentum": 0.9}, {"centered": True}, {"amsgrad": True}):
            try:
                optimizer = getattr(keras.optimizers, name)(**config)
            except (TypeError, ValueError):
                continue
            optimizer.build(weights)
            state = sum(int(np.prod(v.shape)) for v in optimizer.variables if len(v.shape) >= 1)
            slots = cost.optimizer_slots(optimizer)
            if name in ("Adafactor", "Muon"):  # factored / mixed: the table stays an upper bound
                assert state <= slots * size + size, name
            else:
                assert state == slots * size, (name, config, state)


def test_unknown_optimizer_and_broken_model_fail_in_one_line():
    with pytest.raises(UserError, match="unknown optimizer 'nesterov'"):
        run_model.make_optimizer(load_template("mlp"), Settings(optimizer="nesterov"))
    broken = project(inp("a", "a", (4,)), layer("b", "bad", "Dense", "a", units=-3), outputs=("b",))
    run = run_to_end(broken, tiny())
    assert run.snapshot().status == "failed"
    assert run.error.startswith("node 'bad': invalid Dense settings") and "\n" not in run.error


def test_settings_are_checked():
    for bad in ({"batch_size": 0}, {"epochs": 0}, {"samples": 0}, {"validation_split": 1.0}, {"task": "x"},
                {"learning_rate": -1.0}, {"none_dim": 0}):
        with pytest.raises(ValueError):
            Settings(**bad)
    assert Settings(samples=10, validation_split=0.2).train_samples == 8
    assert Settings(samples=10, batch_size=4).steps_per_epoch == 3


def test_optimizer_and_learning_rate_override_the_project():
    run = TrainingRun(load_template("mlp"), Settings(optimizer="SGD", learning_rate=0.125, samples=8, batch_size=8, epochs=1))
    run.start().wait(120)
    assert type(run.model.optimizer).__name__ == "SGD"
    assert float(run.model.optimizer.learning_rate) == 0.125


def test_snapshots_are_safe_to_poll_while_training():
    run = TrainingRun(load_template("mnist_mlp"), Settings(batch_size=4, samples=400, epochs=3)).start()
    seen, problems = [], []

    def poll():
        while not run.done:
            try:
                snap = run.snapshot()
                assert len(snap.batch_epochs) == len(snap.batches.get("loss", snap.batch_epochs))
                seen.append(snap.batches_done)
            except Exception as err:  # noqa: BLE001
                problems.append(err)
            time.sleep(0.001)

    pollers = [threading.Thread(target=poll) for _ in range(2)]
    for t in pollers:
        t.start()
    assert run.wait(120)
    for t in pollers:
        t.join()
    assert not problems and seen
    assert run.snapshot().status == "finished"


def test_history_csv_and_model_bytes(tmp_path):
    import keras

    run = run_to_end(load_template("custom_loss_layers"), Settings(batch_size=4, samples=16, epochs=2))
    text = training.history_csv(run.history)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["epoch", "loss"] and [r[0] for r in rows[1:]] == ["1", "2"]
    assert float(rows[2][1]) == run.history["loss"][1]
    assert training.history_csv({"val_loss": [1.0], "accuracy": [0.5], "loss": [2.0]}).splitlines()[0] == \
        "epoch,loss,accuracy,val_loss"
    blob = training.model_bytes(run.model)
    assert blob[:2] == b"PK"  # a .keras file is a zip
    path = tmp_path / "m.keras"
    path.write_bytes(blob)
    loaded = keras.saving.load_model(path)
    for a, b in zip(loaded.get_weights(), run.model.get_weights()):
        assert np.array_equal(a, b)


def test_device_is_reported():
    assert cost.device_name() == "CPU" or cost.device_name().startswith("GPU:0")


_RSS_PROBE = """
import json
from editor.train import run_model, training
from editor.templates import load_template
from tests.helpers import inp, layer, project

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024

run_model.estimate(load_template("mlp"))  # TensorFlow loaded, matmul speed measured
big = project(inp("a", "a", (16000,)), layer("d", "d", "Dense", "a", units=16000), outputs=("d",))
before = rss()
est = run_model.estimate(big)
after_estimate = rss()
run = training.TrainingRun(big, limit_bytes=300_000_000).start()  # default settings
run.wait()
print(json.dumps({"params": est.params, "total": est.total_bytes, "estimate_growth": after_estimate - before,
                  "run_growth": rss() - before, "error": run.error, "built": run.model is not None}))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads VmRSS from /proc")
def test_estimate_and_refusal_allocate_no_weights():
    """Input 16000 -> Dense 16000 (256,016,000 params, ~9 GB with Adam): estimating it and
    refusing to train it under a 300 MB limit must not grow the process (it grew by 3 GB
    when the estimate built the weights)."""
    import json
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE], capture_output=True, text=True, cwd=root, timeout=300,
                         env={**os.environ, "PYTHONPATH": root, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["params"] == 256_016_000
    assert report["total"] > 4_000_000_000
    assert report["estimate_growth"] < 200_000_000, report
    assert report["run_growth"] < 200_000_000, report
    assert report["error"].startswith("training needs about 9.3 GB (weights 1.0 GB") and not report["built"]
