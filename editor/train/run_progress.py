"""What a training run has done: the `Progress` record, written only by the training
thread through the Keras callback made here, and the `Snapshot` everyone else reads.

How the numbers get out of Keras: a `keras.callbacks.Callback` appends the floats
Keras already put in its logs (`CallbackList` turns them into Python floats for every
batch even in a plain `model.fit(verbose=0)`, for its History callback) to the run's
`Progress`, and checks the batch loss is finite. Nothing else happens per batch, so
the engine keeps plain `fit`'s throughput (benchmarks/bench_training.py measures it).

Per-batch values are what Keras logs at the end of a batch: running means over the
epoch so far, as its progress bar shows them. Per-epoch values (`history`) are the
epoch's means plus `val_*` values when a validation split is set; a stopped epoch is
left out of the history (its batches stay in the per-batch logs).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal, Optional

from editor.train.run_model import non_finite_weights

Status = Literal["idle", "preparing", "training", "finished", "stopped", "failed"]
DONE_STATUSES = ("finished", "stopped", "failed")


@dataclass
class Progress:
    """What the training thread has done so far. Only that thread writes it (through the
    Keras callback); `TrainingRun.snapshot()` copies it for everyone else."""

    status: Status = "idle"
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


class _Abort(Exception):
    """Raised from the callback to skip the validation pass of a stopped epoch."""


def make_recorder(run):
    """The Keras callback of `run` (a TrainingRun), made here so that keras is imported only when training."""
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
            if not self.epoch and not batch:  # traced: the speed shows from the next batch on
                progress.phase = f"epoch 1/{settings.epochs}"
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
