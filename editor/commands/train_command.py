"""The `train` command: its options (export-code --train shares them), TensorFlow with the
Train tab's kernels, the run itself and its progress line."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from editor.commands.shared import CommandError, resolve_targets
from editor.model.problems import one_line
from editor.model import run_settings

_ONEDNN_BY_USER = os.environ.get("TF_ENABLE_ONEDNN_OPTS")  # before _quiet_tensorflow sets it


def training_arguments(p) -> None:
    """The options of a training run (train; export-code --train writes them as defaults),
    with editor.model.run_settings' defaults."""
    d = run_settings.default
    p.add_argument("--epochs", type=int, default=d("epochs"), metavar="N", help=f"default: {d('epochs')}")
    p.add_argument("--samples", type=int, default=d("samples"), metavar="N",
                   help=f"synthetic samples (default: {d('samples')})")
    p.add_argument("--batch-size", type=int, default=d("batch_size"), metavar="N", help=f"default: {d('batch_size')}")
    p.add_argument("--seed", type=int, default=d("seed"), metavar="N",
                   help=f"seed of the synthetic data (default: {d('seed')})")
    p.add_argument("--optimizer", default=None, help="a keras.optimizers name (default: the project's)")
    p.add_argument("--learning-rate", type=float, default=None, metavar="LR", help="default: the project's")
    p.add_argument("--validation-split", type=float, default=d("validation_split"), metavar="F",
                   help=f"fraction held out (default: {d('validation_split'):g})")
    p.add_argument("--task", choices=run_settings.TASKS, default=d("task"),
                   help="targets: a learnable function of the inputs (default) or noise")


def settings_of(args) -> run_settings.Settings:
    """The run settings of the options (a bad value: run_settings.SettingsError, one line)."""
    return run_settings.Settings(epochs=args.epochs, samples=args.samples, batch_size=args.batch_size, seed=args.seed,
                                 optimizer=args.optimizer, learning_rate=args.learning_rate,
                                 validation_split=args.validation_split, task=args.task)


def _training_tensorflow() -> None:
    """TensorFlow with its default CPU kernels (oneDNN), as the Train tab and exported code
    run it: the same engine, the same speed (oneDNN off was ~1.5x slower here). Its start-up
    lines go to fd 2 before any log level applies, so they are dropped during the import."""
    if _ONEDNN_BY_USER is None:
        os.environ.pop("TF_ENABLE_ONEDNN_OPTS", None)
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def cmd_train(args) -> int:
    """Train TARGET on synthetic data; a progress line on stderr when it is a terminal.

    Exit 0 when training ran (to the end or stopped by a NaN loss: see "stopped" in
    --json, or the last line); 2 when it could not run (build, memory, settings).

    --strategy as in exported code: "mirrored" fits on every GPU of the machine;
    "multiworker" is one worker of a cluster that TF_CONFIG describes (the same command
    on every worker) and trains with editor.train.distributed's loop. Only the chief (worker 0)
    prints the report and writes -o; the other workers print nothing.
    """
    _training_tensorflow()
    from editor.train import distributed, training

    (target, project), = resolve_targets([args.target])
    if args.output and not args.output.endswith(".keras"):
        raise CommandError(f"{args.output}: the file name must end in .keras")
    settings = settings_of(args)
    strategy = None
    if args.strategy != "default":
        try:  # before TensorFlow runs anything: MultiWorkerMirroredStrategy must come first
            strategy = distributed.make_strategy(args.strategy)
        except (ValueError, RuntimeError, KeyError, json.JSONDecodeError) as err:
            raise CommandError(f"--strategy {args.strategy}: {one_line(err)} (check TF_CONFIG)") from None
    chief = strategy is None or distributed.is_chief(strategy)
    run = training.TrainingRun(project, settings, strategy=strategy)
    tty = sys.stderr.isatty() and chief
    run.start()
    try:
        while not run.wait(0.25):
            if tty:
                _progress_line(target, run)
    except KeyboardInterrupt:
        run.stop("interrupted")
        run.wait()
        raise
    finally:
        if tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    if run.error:
        raise CommandError(f"{target}: {run.error}")
    if not chief:
        return 0  # the chief reports (and saves) for every worker
    snap = run.snapshot(since=-1)
    if args.output:
        Path(args.output).write_bytes(training.model_bytes(run.model))
    if args.json:
        def finite(v):
            return v if isinstance(v, float) and v == v and abs(v) != float("inf") else None

        print(json.dumps({
            "history": {k: [finite(float(v)) for v in vs] for k, vs in sorted(snap.history.items())},
            "samples_per_second": None if snap.samples_per_second is None else round(snap.samples_per_second, 2),
            "stopped": snap.stopped,
            "device": snap.device,
        }))
        return 0
    for i in range(max((len(v) for v in snap.history.values()), default=0)):
        values = "  ".join(f"{k} {vs[i]:.4g}" for k, vs in sorted(snap.history.items()) if i < len(vs))
        print(f"epoch {i + 1}/{settings.epochs}  {values}")
    if snap.stopped:
        print(f"stopped: {snap.stopped}")
    rate = f"{snap.samples_per_second:.0f} samples/s" if snap.samples_per_second else "too short to time"
    print(f"{rate} on {snap.device}" + (f"; model saved to {args.output}" if args.output else ""))
    return 0


def _progress_line(target: str, run) -> None:
    """One status line, rewritten in place (\\r): epoch, batch, bar, loss, speed, time left."""
    from editor.words import format_seconds

    snap = run.snapshot(since=-1)
    if snap.status != "training" or not snap.batches_done:
        text = f"{target}: {snap.phase}"
    else:
        width = 20
        filled = int(round(snap.progress * width))
        loss = snap.batches.get("loss", [None])[-1] if snap.batches.get("loss") else None
        text = (f"{target}: epoch {snap.epoch}/{snap.epochs} batch {snap.batch}/{snap.steps_per_epoch} "
                f"[{'#' * filled}{'.' * (width - filled)}] {snap.progress * 100:3.0f}%")
        if loss is not None:
            text += f" loss {loss:.4g}"
        if snap.samples_per_second:
            text += f" {snap.samples_per_second:.0f} samples/s"
        if snap.seconds_left is not None:
            text += f" {format_seconds(snap.seconds_left)} left"
    columns = shutil.get_terminal_size((100, 20)).columns
    print("\r" + text[: columns - 1] + "\033[K", end="", file=sys.stderr, flush=True)
