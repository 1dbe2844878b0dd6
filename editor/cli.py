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

from editor.graph import Project
from editor.problems import errors

EXIT_ERRORS, EXIT_FAILURE = 1, 2


class CommandError(Exception):
    """A failure to report as one line."""


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
    from editor.build import build_project

    result = build_project(project)
    if not result.ok:
        first = errors(result.problems)[0] if errors(result.problems) else None
        raise CommandError(f"{target}: {first.message if first else 'the model does not build'}")
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
    from editor.build import build_project

    status = 0
    for target, project in _targets(args.targets):
        problems = build_project(project).problems
        for problem in problems:
            print(f"{target}: {problem}")
        if errors(problems):
            status = EXIT_ERRORS
        elif not problems:
            print(f"{target}: ok")
    return status


def cmd_summary(args) -> int:
    from editor.build import param_counts, summary_text

    reports = []
    for target, project in _targets(args.targets):
        model = _build(target, project).model
        if args.json:
            inputs = [{"name": n.name, "shape": list(n.shape), "dtype": n.dtype} for n in project.main.inputs]
            outputs = [{"name": name, "shape": list(t.shape)} for name, t in zip(model.output_names, model.outputs)]
            reports.append({"target": target, **param_counts(model), "inputs": inputs, "outputs": outputs})
        else:
            print(summary_text(model))
    if args.json:
        print(json.dumps(reports, indent=1))
    return 0


def cmd_export_code(args) -> int:
    from editor.codegen import generate

    targets = _targets(args.targets)
    out = Path(args.output)
    if len(targets) > 1:
        out.mkdir(parents=True, exist_ok=True)
        files = [(out / f"{target}.py", project) for target, project in targets]
    else:
        files = [(out, targets[0][1])]
    for path, project in files:
        path.write_text(generate(project), encoding="utf-8")
        print(path)
    return 0


def cmd_export_keras(args) -> int:
    from editor.build import compiled_model, BuildError

    (target, project), = _targets([args.target])
    if not args.output.endswith(".keras"):
        raise CommandError(f"{args.output}: the file name must end in .keras")
    try:
        model = compiled_model(project)
    except BuildError as err:
        raise CommandError(f"{target}: {err}") from None
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
    from editor.diagram import dot_source, render

    model = _build(target, project).model
    if suffix == ".dot":
        Path(args.output).write_text(dot_source(model), encoding="utf-8")
    else:
        Path(args.output).write_bytes(render(model, suffix[1:]))
    print(args.output)
    return 0


def cmd_check_loss(args) -> int:
    from editor import expr

    names = [n.strip() for n in args.names.split(",") if n.strip()]
    try:
        print(expr.check(args.expression, names))
    except expr.ExprError as err:
        raise CommandError(str(err)) from None
    return 0


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
    p = add("export-code", cmd_export_code, "write runnable Python code (a file, or a directory of ID.py for several targets)")
    p.add_argument("targets", nargs="+", metavar="TARGET", help=target_help)
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p = add("export-keras", cmd_export_keras, "save the compiled model as a .keras file")
    p.add_argument("target", metavar="TARGET", help=target_help)
    p.add_argument("-o", "--output", required=True, metavar="model.keras")
    p = add("plot", cmd_plot, "draw the model (png/svg need Graphviz's dot program; dot works without)")
    p.add_argument("target", metavar="TARGET", help=target_help)
    p.add_argument("-o", "--output", required=True, metavar="out.png|svg|dot")
    p = add("check-loss", cmd_check_loss, "check a loss expression; print it normalised")
    p.add_argument("expression", metavar="EXPR")
    p.add_argument("--names", default="y_true,y_pred", help="tensor names the expression may use (default: y_true,y_pred)")
    return parser


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
    except CommandError as err:
        print(f"error: {err}", file=sys.stderr)
    except (ValueError, KeyError, OSError) as err:  # ProjectError, EditError, file errors...
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"error: {message}", file=sys.stderr)
    except Exception as err:  # last resort: still one line, never a traceback
        from editor.problems import one_line

        print(f"error: {type(err).__name__}: {one_line(err)}", file=sys.stderr)
    return EXIT_FAILURE
