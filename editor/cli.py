"""The command line: `python -m editor COMMAND ...` (see `python -m editor --help`).

Every failure prints one line on stderr and exits with 2; `validate` exits with 1
when a target has errors. TensorFlow is imported only by commands that need it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Callable, Optional

from editor.train import run_settings
from editor.errors import UserError
from editor.model.graph import Project
from editor.model.problems import distinct, errors, one_line, printable


EXIT_ERRORS, EXIT_FAILURE = 1, 2


class CommandError(UserError):
    """A failure of a command (a bad option, a file it cannot write), as one line."""


_ONEDNN_BY_USER = os.environ.get("TF_ENABLE_ONEDNN_OPTS")  # before _quiet_tensorflow sets it


def _quiet_tensorflow() -> None:
    """TensorFlow's start-up chatter is not the user's business on a command line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _targets(names: list[str]) -> list[tuple[str, Project]]:
    from editor.templates import resolve

    return [(_target_id(name), resolve(name)) for name in names]


def _target_id(name: str) -> str:
    return Path(name).stem if name.endswith(".json") else name


def _build(target: str, project: Project):
    """The preview build (no weight allocated: a 10**9-unit Dense costs nothing), as the
    page builds it: what summary, cost, validate and plot read is shapes and counts."""
    from editor.building.build import build_project

    result = build_project(project, weights=False)
    if not result.ok:
        raise CommandError(f"{target}: {result.first_error}")
    return result


def cmd_templates(args) -> int:
    from editor.templates import catalogue

    infos = catalogue()
    if args.json:
        print(json.dumps([{"id": t.id, "title": t.title} for t in infos], indent=1))
    else:
        width = max((len(t.id) for t in infos), default=0)
        for t in infos:
            print(f"{t.id:<{width}}  {t.title}")
    return 0


def cmd_validate(args) -> int:
    from editor.building.build import build_project

    status = 0
    for target, project in _targets(args.targets):
        problems = build_project(project, weights=False).problems
        for problem in distinct(problems):
            print(printable(f"{target}: {problem}"))
        if errors(problems):
            status = EXIT_ERRORS
        elif not problems:
            print(f"{target}: ok")
    return status


def cmd_summary(args) -> int:
    from editor.building.build import param_counts, summary_text

    reports = []
    for target, project in _targets(args.targets):
        model = _build(target, project).model
        if args.json:
            inputs = [{"name": n.name, "shape": list(n.shape), "dtype": n.dtype} for n in project.main.inputs]
            outputs = [{"name": name, "shape": list(t.shape)} for name, t in zip(model.output_names, model.outputs)]
            reports.append({"target": target, **param_counts(model), "inputs": inputs, "outputs": outputs})
        else:
            print("\n".join(printable(line) for line in summary_text(model).splitlines()))
    if args.json:
        print(json.dumps(reports, indent=1))
    return 0


def cmd_cost(args) -> int:
    """Each node's parameters, FLOPs per sample and activation memory (editor.building.node_cost)."""
    from editor.building.node_cost import costs_of

    if not 1 <= args.batch_size <= 1_000_000:
        raise CommandError("--batch-size must be between 1 and 1,000,000")
    reports = []
    for target, project in _targets(args.targets):
        costs = costs_of(project, project.main.id, _build(target, project), batch_size=args.batch_size)
        rows = [(project.main.node(node_id), cost) for node_id, cost in costs.items()]
        total = {"params": sum(c.params for _, c in rows), "flops": sum(c.flops for _, c in rows),
                 "activation_bytes": sum(c.activation_bytes for _, c in rows)}
        if args.json:
            nodes = [{"name": n.name, "kind": n.kind, "class_name": n.class_name, "params": c.params, "flops": c.flops,
                      "activation_bytes": c.activation_bytes} for n, c in rows]
            reports.append({"target": target, "batch_size": args.batch_size, "nodes": nodes, "total": total})
            continue
        table = [("node", "class", "params", "FLOPs/sample", f"activations (batch {args.batch_size})")]
        table += [(n.name, n.class_name or n.kind, f"{c.params:,}", f"{c.flops:,}", f"{c.activation_bytes:,} B")
                  for n, c in rows]
        table.append(("total", "", f"{total['params']:,}", f"{total['flops']:,}", f"{total['activation_bytes']:,} B"))
        widths = [max(len(row[i]) for row in table) for i in range(5)]
        print(printable(f"{target}:"))
        for row in table:
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + [row[i].rjust(widths[i]) for i in (2, 3, 4)]
            print(printable("  ".join(cells).rstrip()))
    if args.json:
        print(json.dumps(reports, indent=1))
    return 0


def _diff_side(target: str) -> Project:
    """A diff side: a project file, a template id, or workspace:ID[@REVISION]."""
    from editor.templates import resolve

    if not target.startswith("workspace:"):
        return resolve(target)
    from editor.store.workspace import Workspace

    project_id, at, revision = target[len("workspace:"):].partition("@")
    if not at:
        return Workspace().latest(project_id).project
    return Workspace().revision(project_id, _revision_number(target, revision))


MAX_REVISION = 10**18 - 1  # 18 digits: far beyond any workspace, within SQLite's 64-bit integers
_ASCII_DIGITS = frozenset("0123456789")


def _revision_number(target: str, text: str) -> int:
    """The revision of workspace:ID@REVISION: ASCII digits only (str.isdigit and int() also take
    '²' and full-width '１'), from 1 to MAX_REVISION (a longer number is refused before int())."""
    digits = text.lstrip("0")
    if not text or not set(text) <= _ASCII_DIGITS or len(digits) > len(str(MAX_REVISION)) or not digits:
        shown = target if len(target) <= 80 else target[:79] + "…"
        raise CommandError(f"{shown}: the revision after @ must be a number from 1 to {MAX_REVISION:,} "
                           "in the digits 0-9")
    return int(digits)


def cmd_diff(args) -> int:
    """What changed from A to B (editor.diff); exit 0 when equal, 1 when they differ."""
    from editor.canvas.looks import shape_text
    from editor.diff import deltas, diff

    a, b = _diff_side(args.a), _diff_side(args.b)
    found = diff(a, b)
    extra = deltas(a, b) if not args.no_build else None
    if args.json:
        report = found.to_json()
        if extra is not None:
            report["params"] = {"a": extra.total[0], "b": extra.total[1]}
            report["weights_load"] = list(extra.loads)
            report["weights_do_not_load"] = list(extra.not_loading)
        print(json.dumps(report, indent=1))
    else:
        for line in found.lines():
            print(printable(line))
        if extra is not None:
            names = {n.id: n.name for n in b.main.nodes}
            for node_id, (shape_a, shape_b, params_a, params_b) in extra.nodes.items():
                shapes = f"{shape_text(shape_a) or 'none'} -> {shape_text(shape_b) or 'none'}"
                print(printable(f"delta {names[node_id]}: shape {shapes}, params {params_a:,} -> {params_b:,}"))
            change = extra.total[1] - extra.total[0]
            print(f"params: {extra.total[0]:,} -> {extra.total[1]:,} ({change:+,})")
            print(printable(f"weights that load by name: {', '.join(extra.loads) or 'none'}"))
            if extra.not_loading:
                print(printable(f"weights that do not: {', '.join(extra.not_loading)}"))
        if found.equal:
            print("no changes")
    return 0 if found.equal else 1


def cmd_export_code(args) -> int:
    from editor.building.build import build_project
    from editor.code.codegen import generate, refusal

    train = _settings(args) if args.train else None
    targets = _targets(args.targets)
    for target, project in targets:  # every target checked before any file is written
        checked = run_settings.with_optimizer(project, train) if train else project
        refused = refusal(build_project(checked, weights=False).problems)
        if refused:
            raise CommandError(f"{target}: the code cannot be generated: {refused}")
    out = Path(args.output)
    if len(targets) > 1:
        out.mkdir(parents=True, exist_ok=True)
        files = [(out / f"{target}.py", project) for target, project in targets]
    else:
        files = [(out, targets[0][1])]
    for path, project in files:
        path.write_text(generate(project, train=train, strategy=args.strategy), encoding="utf-8")
        print(path)
    return 0


def cmd_export_keras(args) -> int:
    from editor.building.build import compiled_model, BuildError

    (target, project), = _targets([args.target])
    if not args.output.endswith(".keras"):
        raise CommandError(f"{args.output}: the file name must end in .keras")
    try:
        model = compiled_model(project)
    except BuildError as err:
        raise CommandError(f"{target}: {err}") from None
    # Save the optimizer's slots too (zeros): without them, load_model warns that the
    # file's optimizer has fewer variables than the one it rebuilds.
    model.optimizer.build(model.trainable_variables)
    model.save(args.output)
    print(args.output)
    return 0


def cmd_plot(args) -> int:
    (target, project), = _targets([args.target])
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".png", ".svg", ".dot"):
        raise CommandError(f"{args.output}: choose a .png, .svg or .dot file name")
    if suffix != ".dot" and shutil.which("dot") is None:
        raise CommandError(
            f"{suffix[1:]} needs the Graphviz 'dot' program, which is not installed "
            "(Debian: apt-get install graphviz); '-o model.dot' works without it"
        )
    from editor.building.diagram import dot_source, render

    model = _build(target, project).model
    if suffix == ".dot":
        Path(args.output).write_text(dot_source(model), encoding="utf-8")
    else:
        Path(args.output).write_bytes(render(model, suffix[1:]))
    print(args.output)
    return 0


def cmd_import(args) -> int:
    """Import a Keras model (structure only) into a project file; notes go to stderr."""
    from editor.files import project_files
    from editor.files.importer import import_target

    if not args.output.endswith(".json"):
        raise CommandError(f"{args.output}: the project file name must end in .json")
    if args.file.endswith(".py"):
        notes = _import_code(args)
    else:
        if args.model is not None:
            raise CommandError("--model chooses among the models of a Python file (FILE.py)")
        result = import_target(args.file)
        project_files.save(result.project, args.output)
        notes = result.notes
    for note in notes:
        print(printable(f"note: {note}"), file=sys.stderr)
    print(args.output)
    return 0


def _import_code(args) -> tuple[str, ...]:
    """A Python file read without running it (editor.code.code_import): TensorFlow is never loaded."""
    from editor.files import project_files
    from editor.code.code_import import MAX_FILE_BYTES, import_code

    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path.name}: the file is over {MAX_FILE_BYTES:,} bytes")
        source = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path.name}: not UTF-8 text") from None
    result = import_code(source, model=args.model, filename=path.name, strict=args.strict)
    project_files.save(result.project, args.output)
    return tuple(f"{line} (left out)" for line in result.skipped) + result.notes


def cmd_check_loss(args) -> int:
    from editor.model import expr

    names = [n.strip() for n in args.names.split(",") if n.strip()]
    try:
        print(expr.check(args.expression, names))
    except expr.ExprError as err:
        raise CommandError(str(err)) from None
    return 0


def _training_arguments(p) -> None:
    """The options of a training run (train; export-code --train writes them as defaults),
    with editor.train.run_settings' defaults."""
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


def _settings(args) -> run_settings.Settings:
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

    (target, project), = _targets([args.target])
    if args.output and not args.output.endswith(".keras"):
        raise CommandError(f"{args.output}: the file name must end in .keras")
    settings = _settings(args)
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


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the house rule for every failure)."""

    def error(self, message):
        self.exit(EXIT_FAILURE, f"error: {self.prog}: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m editor", description="Keras Graph Studio on the command line.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    target_help = "a project file (.json) or a template id"

    def add(name: str, func: Callable, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(func=func)
        return command

    p = add("templates", cmd_templates, "list the templates")
    p.add_argument("--json", action="store_true", help='print [{"id", "title"}, ...]')
    p = add("validate", cmd_validate, "print the problems of each target; exit 1 if any has errors")
    p.add_argument("targets", nargs="+", metavar="TARGET", help=target_help)
    p = add("summary", cmd_summary, "print Keras's model.summary() of each target")
    p.add_argument("targets", nargs="+", metavar="TARGET", help=target_help)
    p.add_argument("--json", action="store_true", help="parameter counts, inputs and outputs as JSON")
    p = add("cost", cmd_cost, "each node's parameters, FLOPs per sample and activation memory")
    p.add_argument("targets", nargs="+", metavar="TARGET", help=target_help)
    p.add_argument("--batch-size", type=int, default=32, help="batch size for activation memory (default 32)")
    p.add_argument("--json", action="store_true", help="the figures as JSON, per node and in total")
    p = add("diff", cmd_diff, "what changed from A to B, by node identity (exit 0: equal, 1: they differ)")
    for side in ("a", "b"):
        p.add_argument(side, metavar=side.upper(), help="a project file, a template id, or workspace:ID[@REVISION]")
    p.add_argument("--json", action="store_true", help="the changes as JSON")
    p.add_argument("--no-build", action="store_true", help="leave out shapes, parameters and weights (no Keras)")
    p = add("export-code", cmd_export_code, "write runnable Python code (a file, or a directory of ID.py for several targets)")
    p.add_argument("targets", nargs="+", metavar="TARGET", help=target_help)
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.add_argument("--train", action="store_true",
                   help="also write train() on synthetic data (the training options below are its defaults)")
    p.add_argument("--strategy", choices=run_settings.STRATEGIES, default="default",
                   help="tf.distribute strategy train() uses by default (mirrored: every GPU; multiworker: TF_CONFIG)")
    _training_arguments(p)
    p = add("export-keras", cmd_export_keras, "save the compiled model as a .keras file")
    p.add_argument("target", metavar="TARGET", help=target_help)
    p.add_argument("-o", "--output", required=True, metavar="model.keras")
    p = add("plot", cmd_plot, "draw the model (png/svg need Graphviz's dot program; dot works without)")
    p.add_argument("target", metavar="TARGET", help=target_help)
    p.add_argument("-o", "--output", required=True, metavar="out.png|svg|dot")
    p = add("import", cmd_import, "turn a Keras model into a project file (structure only: no weights, no compile settings)")
    p.add_argument("file", metavar="FILE", help=(
        "a .keras archive, a legacy .h5 file or a JSON config (model.to_json()), checked before Keras reads it; "
        "or applications:NAME (e.g. applications:ResNet50) for a keras.applications model, built with weights=None; "
        "or a Python file (model.py) that builds a functional model, read without running it"))
    p.add_argument("-o", "--output", required=True, metavar="project.json")
    p.add_argument("--model", default=None, metavar="NAME",
                   help="a Python file that builds several models: the variable or model name of the one to import")
    p.add_argument("--strict", action="store_true",
                   help="a Python file: refuse it if any line cannot be expressed (default: leave such lines out, "
                        "with a note each)")
    p = add("check-loss", cmd_check_loss, "check a loss expression; print it normalised")
    p.add_argument("expression", metavar="EXPR")
    p.add_argument("--names", default="y_true,y_pred", help="tensor names the expression may use (default: y_true,y_pred)")
    p = add("train", cmd_train, "train on synthetic data; print the history (or JSON with --json)")
    p.add_argument("target", metavar="TARGET", help=target_help)
    _training_arguments(p)
    p.add_argument("--strategy", choices=run_settings.STRATEGIES, default="default",
                   help="tf.distribute strategy (mirrored: every GPU; multiworker: one worker of the cluster in "
                        "TF_CONFIG, the same command on each; the chief prints and saves)")
    p.add_argument("-o", "--output", default=None, metavar="model.keras", help="save the trained model")
    p.add_argument("--json", action="store_true",
                   help='print {"history": {metric: [per epoch]}, "samples_per_second", "stopped", "device"}')
    return parser


def _internal(err: BaseException) -> str:
    return f"the editor failed unexpectedly (a bug: please report it with the project): {one_line(err)}"


def main(argv: Optional[list[str]] = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), already printed
        return int(exit_.code or 0)
    _quiet_tensorflow()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except UserError as err:  # ProjectError, EditError, CommandError, ... : the user's to fix
        print(f"error: {printable(one_line(err))}", file=sys.stderr)
    except OSError as err:  # a file that cannot be read or written
        print(f"error: {printable(one_line(err))}", file=sys.stderr)
    except Exception as err:  # a bug (a KeyError included): still one line, never a traceback
        print(f"error: {printable(_internal(err))}", file=sys.stderr)
    return EXIT_FAILURE
