"""The training engine: the project's model trained on synthetic data, live, in a thread.

No Streamlit here. The UI (or the command line) makes a `TrainingRun` (or asks
`start_run(owner, ...)`, which keeps one run per owner), calls `start()`, and polls
`snapshot()` as often as it redraws; `stop()` stops within one batch. Everything a
snapshot holds is plain Python (floats, ints, strings, lists, dicts).

How the numbers get out of Keras: a `keras.callbacks.Callback` appends the floats
Keras already put in its logs (`CallbackList` turns them into Python floats for every
batch even in a plain `model.fit(verbose=0)`, for its History callback) to lists, and
checks the batch loss is finite. Nothing else happens per batch, so the engine keeps
plain `fit`'s throughput (benchmarks/bench_training.py measures the ratio).

Per-batch values are what Keras logs at the end of a batch: running means over the
epoch so far, as its progress bar shows them. Per-epoch values (`history`) are the
epoch's means plus `val_*` values when a validation split is set; a stopped epoch is
left out of the history (its batches stay in the per-batch logs).

Before a run: `estimate()` gives the memory it will need (weights, gradients, optimizer
slots, activations x batch, the synthetic data twice: the numpy arrays plus the copy
Keras's tf.data pipeline makes) and a time per step extrapolated from the model's
multiply-adds and this machine's measured matmul speed (no real training step: the first
step traces the graph, which costs more than the estimate is worth); `check_fits()`
refuses above a limit (default: half of MemAvailable) with a one-line way out.

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

What the UI calls:

    est = estimate(project, settings)         # show est.summary(); check_fits(est) refuses
    run = start_run(project_id, project, settings, still_wanted=...)  # one run per project (RunBusy)
    snap = run.snapshot(since=n)              # each redraw: status, progress, history,
                                              # per-batch logs from batch n on, speed, time left
    run.stop()                                # within one batch
    history_csv(run.history), model_bytes(run.model)   # downloads once run.done
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Hashable, Optional, Sequence

from editor import data as synthetic
from editor.graph import Project
from editor.problems import errors, one_line

STATUSES = ("idle", "preparing", "training", "finished", "stopped", "failed")
DONE_STATUSES = ("finished", "stopped", "failed")

# Keras warns once per trace that outputs no loss supervises get no gradients. Those are
# the seed pattern (loss nodes' outputs, feature outputs): expected, not the user's error.
warnings.filterwarnings("ignore", message="Gradients do not exist for variables")


@dataclass(frozen=True)
class Settings:
    """What a training run does. `optimizer` / `learning_rate` None: the project's."""

    optimizer: Optional[str] = None  # a keras.optimizers class name ("Adam") or string ("adam")
    learning_rate: Optional[float] = None
    batch_size: int = 32
    epochs: int = 5
    samples: int = 512
    validation_split: float = 0.0
    seed: int = 0
    none_dim: int = synthetic.DEFAULT_NONE_DIM  # length given to None dimensions
    task: str = "learnable"  # or "noise"

    def __post_init__(self):
        checks = [
            (1 <= self.batch_size <= 1_000_000, "batch size must be from 1 to 1,000,000"),
            (1 <= self.epochs <= 100_000, "epochs must be from 1 to 100,000"),
            (1 <= self.samples <= 10_000_000, "samples must be from 1 to 10,000,000"),
            (0 <= self.validation_split < 1, "validation split must be in [0, 1)"),
            (1 <= self.none_dim <= 100_000, "the length of None dimensions must be from 1 to 100,000"),
            (0 <= self.seed < 2**32, "the seed must be from 0 to 4,294,967,295"),
            (self.task in synthetic.TASKS, f"task must be one of {', '.join(synthetic.TASKS)}"),
            (self.learning_rate is None or self.learning_rate > 0, "learning rate must be positive"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def train_samples(self) -> int:
        """Samples fit trains on per epoch (Keras takes the validation split off the end)."""
        if not self.validation_split:
            return self.samples
        return int(math.floor(self.samples * (1.0 - self.validation_split))) or self.samples

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.train_samples / self.batch_size)


class TrainingError(ValueError):
    """A run cannot start (the model does not build, the optimizer is unknown...)."""


class NotEnoughMemory(TrainingError):
    """The estimate is above the memory limit; the message says by how much and what to try."""


class RunBusy(TrainingError):
    """The owner already has a run going."""


# ---- the model, its data ----------------------------------------------------------------


def make_optimizer(project: Project, settings: Settings):
    """The optimizer the run uses: the settings' choice, else the project's."""
    import keras

    from editor import catalog

    name = settings.optimizer or project.training.optimizer
    lr = settings.learning_rate or project.training.learning_rate
    classes = {n.lower(): n for n in catalog.optimizer_strings()}
    class_name = classes.get(name.lower())
    if class_name is None:
        raise TrainingError(f"unknown optimizer '{name}' (known: {', '.join(catalog.optimizers())})")
    return keras.optimizers.get({"class_name": class_name, "config": {"learning_rate": lr} if lr else {}})


def build_model(project: Project):
    """The main model, built (not compiled), and its compile arguments."""
    from editor.build import build_project

    result = build_project(project)
    if not result.ok:
        problems = errors(result.problems)
        raise TrainingError(problems[0].message if problems else "the model does not build")
    return result.model, result.compile_args


def compile_model(project: Project, settings: Settings):
    """The main model compiled as the project says, with the settings' optimizer."""
    model, args = build_model(project)
    model.compile(**{**args, "optimizer": make_optimizer(project, settings)})
    return model


def output_shapes(model, project: Project, none_dim: int = synthetic.DEFAULT_NONE_DIM) -> list[tuple]:
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


# ---- estimates ------------------------------------------------------------------------------

# Optimizer state: variables of the trained weights' size per weight (checked against
# Keras's own optimizers in tests/test_training.py). Unknown optimizers count 2.
_SLOTS = {
    "adam": 2, "adamw": 2, "adamax": 2, "nadam": 2, "adadelta": 2, "ftrl": 2, "lamb": 2,
    "schedulefreeadamw": 2, "muon": 2, "adagrad": 1, "lion": 1, "rmsprop": 1, "sgd": 0, "adafactor": 1,
}


def optimizer_slots(optimizer) -> int:
    """How many copies of the trained weights the optimizer keeps (adam 2, sgd 0 or 1...)."""
    name = type(optimizer).__name__.lower()
    slots = _SLOTS.get(name, 2)
    if name == "sgd" and getattr(optimizer, "momentum", 0):
        slots += 1
    if name == "rmsprop":
        slots += bool(getattr(optimizer, "momentum", 0)) + bool(getattr(optimizer, "centered", False))
    if name in ("adam", "adamw") and getattr(optimizer, "amsgrad", False):
        slots += 1
    return slots


@dataclass(frozen=True)
class Estimate:
    """What a run will need: memory in bytes, time in seconds (rough: see the module doc)."""

    params: int
    trainable_params: int
    weights_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    optimizer_slots: int
    activations_bytes: int  # for one batch
    activations_per_sample: int
    data_bytes: int  # the synthetic arrays (counted twice in total_bytes)
    batch_size: int
    samples: int
    flops_per_step: float
    seconds_per_step: float
    steps: int  # training steps of the whole run
    device: str = "CPU"

    @property
    def fixed_bytes(self) -> int:
        return self.weights_bytes + self.gradients_bytes + self.optimizer_bytes

    @property
    def total_bytes(self) -> int:
        return self.fixed_bytes + self.activations_bytes + 2 * self.data_bytes

    @property
    def seconds_total(self) -> float:
        return self.seconds_per_step * self.steps

    def summary(self) -> str:
        return (f"about {format_bytes(self.total_bytes)} (weights {format_bytes(self.weights_bytes)}, "
                f"optimizer {format_bytes(self.optimizer_bytes)}, gradients {format_bytes(self.gradients_bytes)}, "
                f"activations {format_bytes(self.activations_bytes)} for batch {self.batch_size}, "
                f"data {format_bytes(2 * self.data_bytes)}); about {format_seconds(self.seconds_per_step)} a step, "
                f"{format_seconds(self.seconds_total)} for {self.steps} steps")


def format_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def format_seconds(s: float) -> str:
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 120:
        return f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def _itemsize(dtype: Any) -> int:
    import numpy as np

    try:
        return np.dtype(str(dtype)).itemsize
    except TypeError:
        return 2 if "16" in str(dtype) else 4


def _elements(shape: Sequence, none_dim: int) -> int:
    n = 1
    for d in shape:
        n *= none_dim if d is None else int(d)
    return n


@dataclass
class _Costs:
    activations: int = 0  # bytes per sample kept for the backward pass
    macs: float = 0.0  # multiply-adds per sample, forward
    sequential_steps: int = 0  # recurrent time steps run one after the other


def _layer_costs(model, none_dim: int, costs: Optional[_Costs] = None, calls: int = 1) -> _Costs:
    """Activation bytes and multiply-adds per sample of one forward pass.

    Every layer call's outputs are kept for the backward pass; recurrent layers also keep
    their per-step states (about 6 x units a step). Multiply-adds: a layer with weights
    costs its matrix weights once per output position (Dense: per sample, Conv: per pixel,
    recurrent: per step), an Embedding one per output element; a layer without weights
    one per output element. Nested models count once per call.
    """
    import keras

    costs = costs or _Costs()
    for layer in model.layers:
        nodes = getattr(layer, "_inbound_nodes", ())
        if isinstance(layer, keras.Model):
            _layer_costs(layer, none_dim, costs, calls * max(1, len(nodes)))
            continue
        matrix = sum(_elements(w.shape, none_dim) for w in layer.weights if len(w.shape) >= 2)
        for node in nodes:
            outs = [t for t in node.output_tensors if len(t.shape) >= 1]
            out_elems = sum(_elements(t.shape[1:], none_dim) for t in outs)
            costs.activations += calls * sum(_elements(t.shape[1:], none_dim) * _itemsize(t.dtype) for t in outs)
            if hasattr(layer, "cell") and node.input_tensors:
                steps = node.input_tensors[0].shape[1] if len(node.input_tensors[0].shape) > 2 else 1
                steps = none_dim if steps is None else int(steps)
                units = int(getattr(layer.cell, "units", 0) or 0)
                costs.activations += calls * steps * units * 6 * 4
                costs.macs += calls * matrix * steps
                costs.sequential_steps += calls * steps
            elif type(layer).__name__ == "Embedding":
                costs.macs += calls * out_elems
            elif matrix and outs:
                shape = outs[0].shape[1:]
                channels_first = getattr(layer, "data_format", "channels_last") == "channels_first"
                positions = shape[1:] if channels_first else shape[:-1]
                costs.macs += calls * matrix * _elements(positions, none_dim)
            else:
                costs.macs += calls * out_elems
    return costs


@lru_cache(maxsize=1)
def _matmul_flops() -> float:
    """This machine's float32 matmul speed (FLOP/s) on the device Keras uses, measured once."""
    import keras
    import numpy as np

    n = 512
    a = keras.ops.convert_to_tensor(np.random.default_rng(0).standard_normal((n, n), dtype=np.float32))
    keras.ops.convert_to_numpy(keras.ops.matmul(a, a))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        keras.ops.convert_to_numpy(keras.ops.matmul(a, a))
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / max(best, 1e-6)


# A training step reaches a fraction of peak matmul speed (convolutions, memory traffic,
# small matrices); ~0.35 matched mlp / cnn / unet steps on the 2-core dev machine within x2.
_EFFICIENCY = 0.35
_STEP_OVERHEAD_S = 0.002  # Python + TensorFlow dispatch per step, measured on mlp with tiny batches
_RECURRENT_STEP_S = 0.0003  # one time step of a recurrent layer, forward + backward (rnn template: 784 steps ~ 0.3 s)


def estimate(project: Project, settings: Settings = Settings(), model=None, optimizer=None) -> Estimate:
    """Memory and time a run of `settings` needs. Builds the model unless it is given."""
    if model is None:
        model, _ = build_model(project)
    optimizer = optimizer or make_optimizer(project, settings)
    weights = sum(_elements(w.shape, 1) * _itemsize(w.dtype) for w in model.weights)
    trainable = sum(_elements(w.shape, 1) * _itemsize(w.dtype) for w in model.trainable_weights)
    slots = optimizer_slots(optimizer)
    costs = _layer_costs(model, settings.none_dim)
    act_per_sample = 2 * costs.activations  # and the gradients of the activations, backward
    shapes = output_shapes(model, project, settings.none_dim)
    data_bytes = synthetic.data_bytes(project, shapes, samples=settings.samples, none_dim=settings.none_dim)
    flops = 6.0 * costs.macs * settings.batch_size  # 2 flops a multiply-add, backward ~ 2x forward
    step = _STEP_OVERHEAD_S + costs.sequential_steps * _RECURRENT_STEP_S + flops / (_matmul_flops() * _EFFICIENCY)
    return Estimate(
        params=sum(_elements(w.shape, 1) for w in model.weights),
        trainable_params=sum(_elements(w.shape, 1) for w in model.trainable_weights),
        weights_bytes=weights,
        gradients_bytes=trainable,
        optimizer_bytes=slots * trainable,
        optimizer_slots=slots,
        activations_bytes=act_per_sample * settings.batch_size,
        activations_per_sample=act_per_sample,
        data_bytes=data_bytes,
        batch_size=settings.batch_size,
        samples=settings.samples,
        flops_per_step=flops,
        seconds_per_step=step,
        steps=settings.steps_per_epoch * settings.epochs,
        device=device_name(),
    )


def available_memory() -> Optional[int]:
    """MemAvailable from /proc/meminfo in bytes (None where there is no such file)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def default_limit() -> Optional[int]:
    free = available_memory()
    return None if free is None else free // 2


def check_fits(est: Estimate, limit_bytes: Optional[int] = None) -> None:
    """Raise NotEnoughMemory (one line: the figures and a way out) if `est` is over the limit.

    Default limit: half of the free memory (MemAvailable).
    """
    described = "the limit"
    if limit_bytes is None:
        limit_bytes = default_limit()
        described = "half of the free memory"
        if limit_bytes is None:
            return
    if est.total_bytes <= limit_bytes:
        return
    ways = []
    room = limit_bytes - est.fixed_bytes
    data, per_batch = 2 * est.data_bytes, est.activations_per_sample
    if room <= 0:
        ways.append("a smaller model or input size" + (", or optimizer sgd" if est.optimizer_slots else ""))
    elif data + per_batch <= room:  # a smaller batch is enough
        batch = est.batch_size
        while batch > 1 and data + batch * per_batch > room:
            batch //= 2
        ways += [f"batch size {batch}", "a smaller input size"]
    else:  # the synthetic data is too big as well
        batch = max(1, min(est.batch_size, int(room / 2 // max(1, per_batch))))
        samples = int((room - batch * per_batch) / max(1.0, data / max(1, est.samples)))
        if batch < est.batch_size:
            ways.append(f"batch size {batch}")
        if samples >= 1:
            ways.append(f"{samples} samples")
        ways.append("a smaller input size")
    raise NotEnoughMemory(
        f"training needs {est.summary().split(';')[0]} but {described} is {format_bytes(limit_bytes)}: "
        f"try {', or '.join(ways)}"
    )


@lru_cache(maxsize=1)
def device_name() -> str:
    """Where TensorFlow trains: 'GPU:0 (name)' when it sees a GPU, else 'CPU'."""
    try:
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return f"GPU:0 ({details.get('device_name', 'GPU')})"
    except Exception:  # noqa: BLE001 - another backend, or no TensorFlow device API
        pass
    return "CPU"


# ---- the run ---------------------------------------------------------------------------------


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

    class Recorder(keras.callbacks.Callback):
        """Keras events -> the run's lists. Per batch: appends floats, checks the loss."""

        def __init__(self):
            super().__init__()
            self.epoch = 0
            self.full = run.settings.batch_size
            self.last = 0.0
            self.partial = run.settings.train_samples - (run.steps - 1) * run.settings.batch_size

        def on_train_begin(self, logs=None):
            run._status = "training"
            if run._stop_reason:
                self.model.stop_training = True

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            run._epoch = epoch + 1
            run._batch = 0
            run._phase = f"epoch {epoch + 1}/{run.settings.epochs}"
            if epoch == 0:
                run._phase += ": tracing the model (the first batch takes longer)"

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            lists = run._batches
            for key, value in logs.items():
                values = lists.get(key)
                if values is None:
                    values = lists[key] = []
                values.append(value)
            run._batch_epochs.append(self.epoch + 1)
            run._batch = batch + 1
            run._batches_done += 1
            # Steady speed: time between batch ends inside an epoch (the first batch of an
            # epoch also waits for Keras's new data iterator), leaving out epoch 1's first
            # batch and its partial last one: those trace the model.
            size = self.full if batch + 1 < run.steps else self.partial
            if batch and (size == self.full or self.epoch):
                run._steady_time += now - self.last
                run._steady_samples += size
                if self.epoch:
                    run._later_time += now - self.last
                    run._later_samples += size
            self.last = now
            loss = logs.get("loss")
            if loss is not None and not math.isfinite(loss):
                what = "NaN" if loss != loss else "infinite"
                run._stop_reason = run._stop_reason or f"loss became {what} at epoch {self.epoch + 1}, batch {batch + 1}"
                self.model.stop_training = True
            elif run._stop_reason:
                self.model.stop_training = True

        def on_test_begin(self, logs=None):
            if run._stop_reason and run._batch < run.steps:
                raise _Abort()  # a stopped epoch: no validation pass, stop now

        def on_epoch_end(self, epoch, logs=None):
            if run._batch < run.steps:
                return  # a stopped epoch is not a history entry
            bad = non_finite_weights(self.model)
            if bad:
                run._stop_reason = run._stop_reason or f"{bad} in epoch {epoch + 1}"
                self.model.stop_training = True
            for key, value in logs.items():
                run._history.setdefault(key, []).append(value)
            run._epochs_done = epoch + 1

    return Recorder()


class TrainingRun:
    """One training run of a project's model on synthetic data, in a background thread.

    `TrainingRun(project, settings).start()`; poll `snapshot()`; `stop()`; when `done`:
    `history`, `model`, `error`, `stopped`. A prepared `model` (compiled) and `data`
    (editor.data.SyntheticData) can be passed in (benchmarks, tests); otherwise the
    thread builds, checks the memory estimate against `limit_bytes` (None: half of
    the free memory; `check_memory=False` skips it), makes the data and compiles.
    """

    def __init__(self, project: Optional[Project], settings: Settings = Settings(), *, model=None, data=None,
                 limit_bytes: Optional[int] = None, check_memory: bool = True,
                 still_wanted: Optional[Callable[[], bool]] = None, grace_s: float = GRACE_S, tag: Any = None):
        if project is None and (model is None or data is None):
            raise ValueError("give a project, or a compiled model and its data")
        self.project = project
        self.settings = settings
        self.model = model
        self.data: Optional[synthetic.SyntheticData] = data
        self.estimate: Optional[Estimate] = None
        self.limit_bytes = limit_bytes
        self.check_memory = check_memory
        self.steps = settings.steps_per_epoch
        self._thread: Optional[threading.Thread] = None
        self._done = threading.Event()
        self._status = "idle"
        self._phase = "not started"
        self._epoch = 0
        self._epochs_done = 0
        self._batch = 0
        self._batches_done = 0
        self._history: dict[str, list[float]] = {}
        self._batches: dict[str, list[float]] = {}
        self._batch_epochs: list[int] = []
        self._steady_time = self._later_time = 0.0
        self._steady_samples = self._later_samples = 0
        self._started: Optional[float] = None
        self._finished: Optional[float] = None
        self._stop_reason: Optional[str] = None
        self._error: Optional[str] = None
        self._device = ""  # known once TensorFlow is loaded, in the training thread
        self.still_wanted = still_wanted
        self.tag = tag  # the caller's note of what it trains (the UI: the project's digest)
        self.grace_s = grace_s

    # -- control

    def start(self) -> "TrainingRun":
        if self._thread is not None:
            raise TrainingError("this run has already been started")
        self._status, self._phase = "preparing", "starting"
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._main, name="keras-graph-studio-training", daemon=True)
        self._thread.start()
        if self.still_wanted is not None:
            threading.Thread(target=self._watch, name="keras-graph-studio-watchdog", daemon=True).start()
        return self

    def stop(self, reason: str = "stopped by the user") -> None:
        """Stop after the batch in progress (or before training, if it has not begun)."""
        if self._stop_reason is None:
            where = f" at epoch {self._epoch}, batch {self._batch}" if self._epoch else ""
            self._stop_reason = reason + where
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
        return self._error

    @property
    def stopped(self) -> Optional[str]:
        return self._stop_reason if self.done and self._status == "stopped" else None

    @property
    def history(self) -> dict[str, list[float]]:
        return {k: list(v) for k, v in self._history.items()}

    @property
    def samples_per_second(self) -> Optional[float]:
        if self._later_samples and self._later_time > 0:
            return self._later_samples / self._later_time
        if self._steady_samples and self._steady_time > 0:
            return self._steady_samples / self._steady_time
        return None

    def snapshot(self, since: int = 0) -> Snapshot:
        """The run so far; per-batch lists start at batch `since` (0: all of them; -1: the
        latest only, as for a progress line)."""
        if since < 0:
            since = max(0, len(self._batch_epochs) + since)
        epochs = self._batch_epochs[since:]
        count = len(epochs)
        batches = {k: v[since:since + count] for k, v in list(self._batches.items())}
        count = min([count, *(len(v) for v in batches.values())])
        total = self.steps * self.settings.epochs
        done_batches = self._batches_done
        rate = self.samples_per_second
        left = None
        if rate and not self.done:
            remaining = max(0, total - done_batches) * self.settings.batch_size
            left = remaining / rate
        end = self._finished if self._finished is not None else time.perf_counter()
        return Snapshot(
            status=self._status,
            phase=self._phase,
            epoch=self._epoch,
            epochs=self.settings.epochs,
            batch=self._batch,
            steps_per_epoch=self.steps,
            batches_done=done_batches,
            progress=1.0 if self._status == "finished" else min(1.0, done_batches / total),
            history=self.history,
            batches={k: v[:count] for k, v in batches.items()},
            batch_epochs=epochs[:count],
            batch_offset=since,
            samples_per_second=rate,
            seconds_left=left,
            elapsed=0.0 if self._started is None else end - self._started,
            stopped=self.stopped,
            error=self._error,
            device=self._device,
        )

    # -- the thread

    def _main(self) -> None:
        try:
            self._prepare()
            if self._stop_reason:
                self._status = "stopped"
                return
            x, y = self.data.fit_args()
            self._phase = "compiling (the first batch traces the model)"
            try:
                self.model.fit(x, y, batch_size=self.settings.batch_size, epochs=self.settings.epochs,
                               validation_split=self.settings.validation_split, shuffle=True, verbose=0,
                               callbacks=[_make_callback(self)])
            except _Abort:
                pass
            self._status = "stopped" if self._stop_reason else "finished"
            self._phase = self._stop_reason or "finished"
        except TrainingError as err:
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
        self._error = message
        self._status = "failed"
        self._phase = message

    def _prepare(self) -> None:
        self._phase = "loading TensorFlow"
        self._device = device_name()
        if self.model is None:
            seed_everything(self.settings.seed)  # a model handed in is the caller's: its weights are drawn
            self._phase = "building the model"
            model, args = build_model(self.project)
            optimizer = make_optimizer(self.project, self.settings)
            if self.check_memory:
                self._phase = "estimating memory"
                self.estimate = estimate(self.project, self.settings, model=model, optimizer=optimizer)
                check_fits(self.estimate, self.limit_bytes)
            self._phase = "compiling"
            model.compile(**{**args, "optimizer": optimizer})
            self.model = model
        if self.data is None:
            self._phase = f"making {self.settings.samples} samples of synthetic data"
            self.data = make_data(self.project, self.settings, self.model)
        bad = non_finite_data(self.data)
        if bad:
            self._stop_reason = self._stop_reason or f"{bad}: nothing was trained"
        if self._stop_reason:
            self.model.stop_training = True


# ---- one run per owner (the UI: one per project) ----------------------------------------

_RUNS: dict[Hashable, TrainingRun] = {}
_RUNS_LOCK = threading.Lock()


def start_run(owner: Hashable, project: Project, settings: Settings = Settings(), **kwargs) -> TrainingRun:
    """Start a run for `owner`; refuses (RunBusy) while the owner's last run is going."""
    with _RUNS_LOCK:
        current = _RUNS.get(owner)
        if current is not None and current._thread is not None and not current.done:
            raise RunBusy("a training run is already going; stop it first")
        _forget_unwanted()
        run = TrainingRun(project, settings, **kwargs)
        _RUNS[owner] = run
        run.start()
    return run


def _forget_unwanted() -> None:
    """Drop finished runs that nobody wants any more (their models with them), so a
    long-lived server keeps only the runs of projects someone has open."""
    for key, run in list(_RUNS.items()):
        if run.done and run.still_wanted is not None:
            try:
                wanted = run.still_wanted()
            except Exception:  # noqa: BLE001 - keep what cannot be asked about
                wanted = True
            if not wanted:
                del _RUNS[key]


def current_run(owner: Hashable) -> Optional[TrainingRun]:
    """The owner's last run (going or done), or None."""
    return _RUNS.get(owner)


def forget_run(owner: Hashable) -> None:
    """Drop the owner's run (stopping it if it is going), e.g. when a session ends."""
    with _RUNS_LOCK:
        run = _RUNS.pop(owner, None)
    if run is not None and not run.done:
        run.stop()


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
    "Settings", "Estimate", "Snapshot", "TrainingRun", "TrainingError", "NotEnoughMemory", "RunBusy",
    "estimate", "check_fits", "start_run", "current_run", "forget_run", "history_csv", "model_bytes",
    "train", "compile_model", "make_data", "output_shapes", "optimizer_slots", "device_name",
    "seed_everything", "non_finite_data", "non_finite_weights", "GRACE_S", "UNWANTED",
]
