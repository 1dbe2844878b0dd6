"""The training engine: the project's model trained on synthetic data, live, in a thread.

No Streamlit here. The UI (through editor.ui.runs, one run per project) or the command
line makes a `TrainingRun`, calls `start()`, and polls `snapshot()` as often as it
redraws; `stop()` stops within one batch. Everything a snapshot holds is plain Python.

How the numbers get out of Keras: a `keras.callbacks.Callback` appends the floats
Keras already put in its logs (`CallbackList` turns them into Python floats for every
batch even in a plain `model.fit(verbose=0)`, for its History callback) to the run's
`Progress` record, and checks the batch loss is finite. Only the training thread
writes that record; `snapshot()` copies it. Nothing else happens per batch, so the
engine keeps plain `fit`'s throughput (benchmarks/bench_training.py measures the ratio).

Per-batch values are what Keras logs at the end of a batch: running means over the
epoch so far, as its progress bar shows them. Per-epoch values (`history`) are the
epoch's means plus `val_*` values when a validation split is set; a stopped epoch is
left out of the history (its batches stay in the per-batch logs).

Before a run: `estimate()` (editor.cost) from a preview build, whose weights are never
allocated, and `check_fits()` refuses above the limit before the real model is built:
a model too big to train costs the server nothing.

NaN / Inf: whether a NaN reaches the loss depends on the CPU's kernels (relu(NaN) is 0 on
some), so three checks: the data before the first batch (`non_finite_data`); Keras's
per-batch "loss", the epoch's running mean, which turns NaN (or infinite) at the first
bad batch and stays so (the run stops there, naming it); the trained weights at each
epoch's end (`non_finite_weights`), for a NaN that a kernel hid from the loss.

Seed: the training thread calls `keras.utils.set_random_seed(settings.seed)` before it
builds, as exported code does, so the same seed gives the same weights, shuffling,
dropout and losses (the command line and the Train tab alike).

Nobody watching: a run given `still_wanted` (the UI: "does an open tab show my
project?") stops itself when that has said no for `grace_s` seconds.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

from editor import cost
from editor import synthetic
from editor.errors import UserError
from editor.graph import Project
from editor.problems import one_line
from editor.run_settings import DEFAULT_NONE_DIM, Settings, with_optimizer

STATUSES = ("idle", "preparing", "training", "finished", "stopped", "failed")
DONE_STATUSES = ("finished", "stopped", "failed")

# Keras warns once per trace that outputs no loss supervises get no gradients. Those are
# the seed pattern (loss nodes' outputs, feature outputs): expected, not the user's error.
warnings.filterwarnings("ignore", message="Gradients do not exist for variables")


class TrainingError(UserError):
    """A run cannot start (the model does not build, the optimizer is unknown...)."""


# ---- the model, its data ----------------------------------------------------------------


def build_model(project: Project, weights: bool = True):
    """The main model, built (not compiled), and its compile arguments. weights=False:
    the preview build (shapes only, nothing allocated), for estimates."""
    from editor.build import build_project

    result = build_project(project, weights=weights)
    if not result.ok:
        raise TrainingError(result.first_error)
    return result.model, result.compile_args


def make_optimizer(project: Project, settings: Settings):
    """The optimizer a run uses: the settings' choice, else the project's (losses.optimizer resolves it)."""
    from editor import losses

    return losses.optimizer(with_optimizer(project, settings))


def compile_model(project: Project, settings: Settings):
    """The main model compiled as the project says, with the settings' optimizer."""
    model, args = build_model(project)
    model.compile(**{**args, "optimizer": make_optimizer(project, settings)})
    return model


def output_shapes(model, project: Project, none_dim: int = DEFAULT_NONE_DIM) -> list[tuple]:
    """Per-sample shapes of the graph's outputs (loss nodes left out), `None` dims resolved
    by tracing the model symbolically on inputs whose free dims have length `none_dim`."""
    count = len(project.main.outputs)
    shapes = [tuple(t.shape)[1:] for t in model.outputs[:count]]
    if all(d is not None for s in shapes for d in s):
        return shapes
    import keras

    specs = [keras.KerasTensor((1, *synthetic.resolve(t.shape[1:], none_dim)), dtype=t.dtype) for t in model.inputs]
    try:
        out = model.compute_output_spec(specs if len(specs) > 1 else specs[0])
    except Exception:  # noqa: BLE001 - fall back on none_dim for every free dim
        return shapes
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    return [tuple(t.shape)[1:] for t in out[:count]]


def make_data(project: Project, settings: Settings, model) -> synthetic.SyntheticData:
    shapes = output_shapes(model, project, settings.none_dim)
    return synthetic.synthetic_data(project, shapes, samples=settings.samples, seed=settings.seed,
                                    none_dim=settings.none_dim, task=settings.task)


def estimate(project: Project, settings: Settings = Settings()) -> cost.Estimate:
    """Memory and time a run of `settings` needs, from the preview build: no weight is
    allocated, however big the model (the Train tab's Estimate, the run's own check)."""
    model, _ = build_model(project, weights=False)
    shapes = output_shapes(model, project, settings.none_dim)
    data_bytes = synthetic.data_bytes(project, shapes, samples=settings.samples, none_dim=settings.none_dim)
    return cost.estimate(model, make_optimizer(project, settings), settings, data_bytes)


# ---- the run ---------------------------------------------------------------------------------


@dataclass
class Progress:
    """What the training thread has done so far. Only that thread writes it (through the
    Keras callback); `TrainingRun.snapshot()` copies it for everyone else."""

    status: str = "idle"
    phase: str = "not started"
    epoch: int = 0  # the epoch in progress (1-based; 0 before training)
    epochs_done: int = 0
    batch: int = 0  # batches done in the epoch in progress
    batches_done: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)
    batches: dict[str, list[float]] = field(default_factory=dict)
    batch_epochs: list[int] = field(default_factory=list)
    steady_time: float = 0.0  # seconds and samples of the batches that do not trace
    steady_samples: int = 0
    later_time: float = 0.0  # the same, from epoch 2 on
    later_samples: int = 0
    device: str = ""  # known once TensorFlow is loaded, in the training thread
    error: Optional[str] = None

    @property
    def samples_per_second(self) -> Optional[float]:
        if self.later_samples and self.later_time > 0:
            return self.later_samples / self.later_time
        if self.steady_samples and self.steady_time > 0:
            return self.steady_samples / self.steady_time
        return None


@dataclass(frozen=True)
class Snapshot:
    """A run as the UI draws it; plain values only."""

    status: str  # idle, preparing, training, finished, stopped, failed
    phase: str  # what it is doing, in words
    epoch: int  # the epoch in progress (1-based; 0 before training)
    epochs: int
    batch: int  # batches done in the epoch in progress
    steps_per_epoch: int
    batches_done: int  # over the whole run
    progress: float  # 0..1
    history: dict[str, list[float]]  # metric -> one value per finished epoch
    batches: dict[str, list[float]]  # metric -> one value per batch (from `batch_offset` on)
    batch_epochs: list[int]  # the epoch (1-based) of each of those batches
    batch_offset: int
    samples_per_second: Optional[float]  # steady state: leaves out batches that trace
    seconds_left: Optional[float]
    elapsed: float
    stopped: Optional[str]  # why the run stopped early (user, NaN loss)
    error: Optional[str]  # one line, when it failed
    device: str  # where TensorFlow trains ("CPU", "GPU:0 (...)"); "" until it is loaded

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES


# A run whose owner stops asking for it (the UI: no open tab shows its project) is stopped
# after GRACE_S seconds: long enough for a refresh to reattach, short enough that a closed
# tab does not leave the machine training for nobody.
GRACE_S = 5.0
WATCH_EVERY_S = 0.5
UNWANTED = "stopped because no open page showed it"


def seed_everything(seed: int) -> None:
    """The same seed, the same run: weights, shuffling, dropout (what exported code does).

    Keras keeps its seed generator per thread, so this is called in the training thread.
    Python's, numpy's and TensorFlow's global seeds are shared by the process: two runs
    started at the very same moment (two tabs) may each draw from the other's seed.
    TensorFlow's set_seed also clears its kernel cache: a run going in another session
    re-instantiates its compiled step once (a hiccup, not a slowdown).
    """
    import keras

    keras.utils.set_random_seed(int(seed))


def non_finite_data(data: synthetic.SyntheticData) -> Optional[str]:
    """What in the data is NaN or infinite (one line naming the input or output), or None.

    Checked before training: whether a NaN in the inputs reaches the loss depends on the
    CPU's kernels (on some, relu(NaN) is 0), so the loss check alone cannot be relied on.
    """
    import numpy as np

    named = [("input", n, a) for n, a in zip(data.input_names, data.x)]
    named += [("target of output", n, a) for n, a in zip(data.output_names, data.y or [])]
    for what, name, array in named:
        if array is None or array.dtype.kind != "f":
            continue
        bad = ~np.isfinite(array)
        if bad.any():
            sample = int(np.argwhere(bad)[0][0])
            kind = "NaN" if np.isnan(array).any() else "infinite values"
            return f"the data of {what} '{name}' hold {kind} (sample {sample + 1} first)"
    return None


def non_finite_weights(model) -> Optional[str]:
    """'the weights <path> became NaN' (or infinite) for the first trained weight that did,
    else None. Checked at each epoch's end (a few tensor ops, no copy): a NaN weight can
    leave the loss finite where a kernel turns NaN into a number (relu, clip, max)."""
    import keras

    ops = keras.ops
    for weight in model.trainable_weights:
        if not bool(ops.all(ops.isfinite(weight))):
            kind = "NaN" if bool(ops.any(ops.isnan(weight))) else "infinite"
            return f"the weights {weight.path} became {kind}"
    return None


class _Abort(Exception):
    """Raised from the callback to skip the validation pass of a stopped epoch."""


def _make_callback(run: "TrainingRun"):
    """The Keras callback of a run (made here so that keras is imported only when training)."""
    import keras

    progress, settings, steps = run.progress, run.settings, run.steps

    class Recorder(keras.callbacks.Callback):
        """Keras events -> the run's Progress. Per batch: appends floats, checks the loss."""

        def __init__(self):
            super().__init__()
            self.epoch = 0
            self.full = settings.batch_size
            self.last = 0.0
            self.partial = settings.train_samples - (steps - 1) * settings.batch_size

        def on_train_begin(self, logs=None):
            progress.status = "training"
            if run.stop_reason:
                self.model.stop_training = True

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            progress.epoch, progress.batch = epoch + 1, 0
            progress.phase = f"epoch {epoch + 1}/{settings.epochs}"
            if epoch == 0:
                progress.phase += ": tracing the model (the first batch takes longer)"

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            lists = progress.batches
            for key, value in logs.items():
                values = lists.get(key)
                if values is None:
                    values = lists[key] = []
                values.append(value)
            progress.batch_epochs.append(self.epoch + 1)
            progress.batch = batch + 1
            progress.batches_done += 1
            # Steady speed: time between batch ends inside an epoch (the first batch of an
            # epoch also waits for Keras's new data iterator), leaving out epoch 1's first
            # batch and its partial last one: those trace the model.
            size = self.full if batch + 1 < steps else self.partial
            if batch and (size == self.full or self.epoch):
                progress.steady_time += now - self.last
                progress.steady_samples += size
                if self.epoch:
                    progress.later_time += now - self.last
                    progress.later_samples += size
            self.last = now
            loss = logs.get("loss")
            if loss is not None and not math.isfinite(loss):
                what = "NaN" if loss != loss else "infinite"
                run.stop(f"loss became {what} at epoch {self.epoch + 1}, batch {batch + 1}", where=False)
            if run.stop_reason:
                self.model.stop_training = True

        def on_test_begin(self, logs=None):
            if run.stop_reason and progress.batch < steps:
                raise _Abort()  # a stopped epoch: no validation pass, stop now

        def on_epoch_end(self, epoch, logs=None):
            if progress.batch < steps:
                return  # a stopped epoch is not a history entry
            bad = non_finite_weights(self.model)
            if bad:
                run.stop(f"{bad} in epoch {epoch + 1}", where=False)
                self.model.stop_training = True
            for key, value in logs.items():
                progress.history.setdefault(key, []).append(value)
            progress.epochs_done = epoch + 1

    return Recorder()


def _is_multiworker(strategy) -> bool:
    import tensorflow as tf

    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


class TrainingRun:
    """One training run of a project's model on synthetic data, in a background thread.

    `TrainingRun(project, settings).start()`; poll `snapshot()`; `stop()`; when `done`:
    `history`, `model`, `error`, `stopped`. A prepared `model` (compiled) and `data`
    (editor.synthetic.SyntheticData) can be passed in (benchmarks, tests); otherwise the
    thread estimates the memory from the preview build and checks it against
    `limit_bytes` (None: half of the free memory; `check_memory=False` skips it), and
    only then builds the model, makes the data and compiles.

    `strategy`: a tf.distribute.Strategy to build and train under (None: the default).
    Under a MultiWorkerMirroredStrategy (made before TensorFlow runs anything, as it
    requires) the run trains with editor.distributed.fit_distributed, the loop exported
    code uses there, since Keras 3's fit fails under it; every worker runs the same
    TrainingRun, and a stop must come from what all workers share (a NaN loss).
    """

    def __init__(self, project: Optional[Project], settings: Settings = Settings(), *, model=None, data=None,
                 limit_bytes: Optional[int] = None, check_memory: bool = True,
                 still_wanted: Optional[Callable[[], bool]] = None, grace_s: float = GRACE_S, tag: Any = None,
                 strategy: Any = None):
        if project is None and (model is None or data is None):
            raise ValueError("give a project, or a compiled model and its data")
        self.project = project
        self.settings = settings
        self.model = model
        self.data: Optional[synthetic.SyntheticData] = data
        self.estimate: Optional[cost.Estimate] = None
        self.limit_bytes = limit_bytes
        self.check_memory = check_memory
        self.strategy = strategy
        self.multiworker = strategy is not None and _is_multiworker(strategy)
        self.steps = settings.steps_per_epoch
        if self.multiworker:  # the loop's count: a last batch too small for every replica is left out
            from editor.distributed import steps_per_epoch

            self.steps = steps_per_epoch(settings.train_samples, settings.batch_size, strategy.num_replicas_in_sync)
        self.progress = Progress()
        self.stop_reason: Optional[str] = None  # set once, by stop() (any thread)
        self.still_wanted = still_wanted
        self.tag = tag  # the caller's note of what it trains (the UI: the project's digest)
        self.grace_s = grace_s
        self._thread: Optional[threading.Thread] = None
        self._done = threading.Event()
        self._started: Optional[float] = None
        self._finished: Optional[float] = None

    # -- control

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> "TrainingRun":
        if self._thread is not None:
            raise TrainingError("this run has already been started")
        self.progress.status, self.progress.phase = "preparing", "starting"
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._main, name="keras-graph-studio-training", daemon=True)
        self._thread.start()
        if self.still_wanted is not None:
            threading.Thread(target=self._watch, name="keras-graph-studio-watchdog", daemon=True).start()
        return self

    def stop(self, reason: str = "stopped by the user", where: bool = True) -> None:
        """Stop after the batch in progress (or before training, if it has not begun).
        The first reason given is kept; `where` adds the epoch and batch to it."""
        if self.stop_reason is None:
            at = self.progress
            self.stop_reason = reason + (f" at epoch {at.epoch}, batch {at.batch}" if where and at.epoch else "")
        model = self.model
        if model is not None:
            model.stop_training = True

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until the run is done (or `timeout` seconds pass); True if done."""
        return self._done.wait(timeout)

    # -- state

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def error(self) -> Optional[str]:
        return self.progress.error

    @property
    def stopped(self) -> Optional[str]:
        return self.stop_reason if self.done and self.progress.status == "stopped" else None

    @property
    def history(self) -> dict[str, list[float]]:
        return {k: list(v) for k, v in self.progress.history.items()}

    @property
    def samples_per_second(self) -> Optional[float]:
        return self.progress.samples_per_second

    def snapshot(self, since: int = 0) -> Snapshot:
        """The run so far; per-batch lists start at batch `since` (0: all of them; -1: the
        latest only, as for a progress line)."""
        at = replace(self.progress)  # a shallow copy: its counters are this moment's
        if since < 0:
            since = max(0, len(at.batch_epochs) + since)
        epochs = at.batch_epochs[since:]
        count = len(epochs)
        batches = {k: v[since:since + count] for k, v in list(at.batches.items())}
        count = min([count, *(len(v) for v in batches.values())])
        total = self.steps * self.settings.epochs
        rate = at.samples_per_second
        left = None
        if rate and not self.done:
            left = max(0, total - at.batches_done) * self.settings.batch_size / rate
        end = self._finished if self._finished is not None else time.perf_counter()
        return Snapshot(
            status=at.status,
            phase=at.phase,
            epoch=at.epoch,
            epochs=self.settings.epochs,
            batch=at.batch,
            steps_per_epoch=self.steps,
            batches_done=at.batches_done,
            progress=1.0 if at.status == "finished" else min(1.0, at.batches_done / total),
            history={k: list(v) for k, v in list(at.history.items())},
            batches={k: v[:count] for k, v in batches.items()},
            batch_epochs=epochs[:count],
            batch_offset=since,
            samples_per_second=rate,
            seconds_left=left,
            elapsed=0.0 if self._started is None else end - self._started,
            stopped=self.stopped,
            error=at.error,
            device=at.device,
        )

    # -- the thread

    def _main(self) -> None:
        progress = self.progress
        try:
            self._prepare()
            if self.stop_reason:
                progress.status = "stopped"
                return
            x, y = self.data.fit_args()
            progress.phase = "compiling (the first batch traces the model)"
            try:
                if self.multiworker:
                    from editor.distributed import fit_distributed

                    fit_distributed(self.model, x, y, strategy=self.strategy, batch_size=self.settings.batch_size,
                                    epochs=self.settings.epochs, validation_split=self.settings.validation_split,
                                    seed=self.settings.seed, callbacks=[_make_callback(self)], verbose=False)
                else:
                    self.model.fit(x, y, batch_size=self.settings.batch_size, epochs=self.settings.epochs,
                                   validation_split=self.settings.validation_split, shuffle=True, verbose=0,
                                   callbacks=[_make_callback(self)])
            except _Abort:
                pass
            progress.status = "stopped" if self.stop_reason else "finished"
            progress.phase = self.stop_reason or "finished"
        except UserError as err:
            self._fail(str(err))
        except Exception as err:  # noqa: BLE001 - Keras/TF errors of every kind: one line for the UI
            self._fail(one_line(err))
        finally:
            self._finished = time.perf_counter()
            self._done.set()

    def _watch(self) -> None:
        """Stop the run once `still_wanted()` has said no for `grace_s` seconds in a row."""
        unwanted_since = None
        while not self._done.wait(WATCH_EVERY_S):
            try:
                wanted = self.still_wanted()
            except Exception:  # noqa: BLE001 - a broken check must not stop anyone's run
                wanted = True
            now = time.monotonic()
            if wanted:
                unwanted_since = None
            elif unwanted_since is None:
                unwanted_since = now
            if unwanted_since is not None and now - unwanted_since >= self.grace_s:
                self.stop(UNWANTED)
                return

    def _fail(self, message: str) -> None:
        self.progress.error = message
        self.progress.status = "failed"
        self.progress.phase = message

    def _prepare(self) -> None:
        progress = self.progress
        progress.phase = "loading TensorFlow"
        progress.device = cost.device_name()
        if self.model is None:
            if self.check_memory:  # before anything large exists: the preview build allocates nothing
                progress.phase = "estimating memory"
                self.estimate = estimate(self.project, self.settings)
                cost.check_fits(self.estimate, self.limit_bytes)
            seed_everything(self.settings.seed)  # a model handed in is the caller's: its weights are drawn
            progress.phase = "building the model"
            with self.strategy.scope() if self.strategy is not None else contextlib.nullcontext():
                model, args = build_model(self.project)
                progress.phase = "compiling"
                model.compile(**{**args, "optimizer": make_optimizer(self.project, self.settings)})
            self.model = model
        if self.data is None:
            progress.phase = f"making {self.settings.samples} samples of synthetic data"
            self.data = make_data(self.project, self.settings, self.model)
        bad = non_finite_data(self.data)
        if bad:
            self.stop(f"{bad}: nothing was trained", where=False)
        if self.stop_reason:
            self.model.stop_training = True


# ---- after training ----------------------------------------------------------------------------


def history_csv(history: dict[str, list[float]]) -> str:
    """The per-epoch history as CSV: an `epoch` column (1-based), then one column per metric."""
    keys = sorted(history, key=lambda k: (k.startswith("val_"), k != "loss" and k != "val_loss", k))
    rows = max((len(v) for v in history.values()), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for i in range(rows):
        writer.writerow([i + 1, *(repr(float(history[k][i])) if i < len(history[k]) else "" for k in keys)])
    return out.getvalue()


def model_bytes(model) -> bytes:
    """The model as a .keras file's bytes (Keras saves only to a path ending in .keras)."""
    with tempfile.TemporaryDirectory(prefix="kgs-") as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()


def train(project: Project, settings: Settings = Settings(), **kwargs) -> TrainingRun:
    """Start a run and wait for it: a finished (or stopped, or failed) run."""
    run = TrainingRun(project, settings, **kwargs).start()
    run.wait()
    return run


__all__ = [
    "Settings", "Snapshot", "Progress", "TrainingRun", "TrainingError", "estimate", "history_csv", "model_bytes",
    "train", "build_model", "compile_model", "make_data", "make_optimizer", "output_shapes", "seed_everything",
    "non_finite_data", "non_finite_weights", "GRACE_S", "UNWANTED",
]
