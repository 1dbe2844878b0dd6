"""The training engine: the project's model trained on synthetic data, live, in a thread.

No Streamlit here. The UI (through editor.ui.runs, one run per project) or the command
line makes a `TrainingRun`, calls `start()`, and polls `snapshot()` as often as it
redraws; `stop()` stops within one batch. Everything a snapshot holds is plain Python.
What the run trains (model, optimizer, data, NaN checks) is editor.train.run_model's; what it
has done so far (the Progress record the Keras callback writes) is editor.train.run_progress's.

Before a run: `estimate()` (editor.train.run_model, from a preview build whose weights are
never allocated) and `cost.check_fits()` refuse above the limit before the real model
is built: a model too big to train costs the server nothing.

Seed: the training thread calls `keras.utils.set_random_seed(settings.seed)` and builds
under the build lock (no other thread's build draws from the seeds between), as exported
code does, so the same seed gives the same weights, shuffling,
dropout and losses (the command line and the Train tab alike).

Nobody watching: a run given `still_wanted` (the UI: "is any tab of the editor still
open?") stops itself when that has said no for `grace_s` seconds.
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
from dataclasses import replace
from typing import Any, Callable, Optional

from editor.train import cost, synthetic
from editor.errors import UserError
from editor.model.graph import Project
from editor.model.problems import one_line
from editor.train.run_model import TrainingError, compile_model, estimate, make_data, non_finite_data
from editor.train import run_progress
from editor.train.run_progress import Progress, Snapshot, _Abort  # _Abort: the engine's own signal
from editor.model.run_settings import Settings
from editor.words import counted

# Keras warns once per trace that outputs no loss supervises get no gradients. Those are
# the seed pattern (loss nodes' outputs, feature outputs): expected, not the user's error.
warnings.filterwarnings("ignore", message="Gradients do not exist for variables")


# A run whose owner stops asking for it (the UI: no tab of the editor is open any more) is
# stopped after GRACE_S seconds: long enough for a refresh to reattach on a busy two-core
# machine (the page reloads and its first script run must come round while the run takes
# the CPU; 5 s was too short in CI), short enough that a closed browser does not leave the
# machine training for nobody. KGS_RUN_GRACE_S (seconds, a positive number) sets it.
GRACE_ENV = "KGS_RUN_GRACE_S"
DEFAULT_GRACE_S = 15.0


def grace_from_env(text: Optional[str] = None) -> float:
    """KGS_RUN_GRACE_S as seconds; anything but a positive finite number gives the default."""
    text = os.environ.get(GRACE_ENV, "") if text is None else text
    try:
        seconds = float(text.strip())
    except ValueError:
        return DEFAULT_GRACE_S
    return seconds if math.isfinite(seconds) and seconds > 0 else DEFAULT_GRACE_S


GRACE_S = grace_from_env()
WATCH_EVERY_S = 0.5
UNWANTED = "stopped because no tab of the editor was open"


def _is_multiworker(strategy) -> bool:
    import tensorflow as tf

    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


class TrainingRun:
    """One training run of a project's model on synthetic data, in a background thread.

    `TrainingRun(project, settings).start()`; poll `snapshot()`; `stop()`; when `done`:
    `history`, `model`, `error`, `stopped`. A prepared `model` (compiled) and `data`
    (editor.train.synthetic.SyntheticData) can be passed in (benchmarks, tests); otherwise the
    thread estimates the memory from the preview build and checks it against
    `limit_bytes` (None: half of the free memory; `check_memory=False` skips it), and
    only then builds the model, makes the data and compiles.

    `strategy`: a tf.distribute.Strategy to build and train under (None: the default).
    Under a MultiWorkerMirroredStrategy (made before TensorFlow runs anything, as it
    requires) the run trains with editor.train.distributed.fit_distributed, the loop exported
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
            from editor.train.distributed import steps_per_epoch

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
                    from editor.train.distributed import fit_distributed

                    fit_distributed(self.model, x, y, strategy=self.strategy, batch_size=self.settings.batch_size,
                                    epochs=self.settings.epochs, validation_split=self.settings.validation_split,
                                    seed=self.settings.seed, callbacks=[run_progress.make_recorder(self)], verbose=False)
                else:
                    self.model.fit(x, y, batch_size=self.settings.batch_size, epochs=self.settings.epochs,
                                   validation_split=self.settings.validation_split, shuffle=True, verbose=0,
                                   callbacks=[run_progress.make_recorder(self)])
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
            progress.phase = "building the model"
            with self.strategy.scope() if self.strategy is not None else contextlib.nullcontext():
                self.model = compile_model(self.project, self.settings, seed=self.settings.seed)
        if self.data is None:
            progress.phase = f"making {counted(self.settings.samples, 'sample')} of synthetic data"
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
