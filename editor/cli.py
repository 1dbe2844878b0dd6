"""The command line: `python -m editor COMMAND ...` (see `python -m editor --help`).

Every failure prints one line on stderr and exits with 2; `validate` exits with 1
when a target has errors. TensorFlow is imported only by commands that need it. What each
command does is in editor.commands; here are the parser and the one-line error handling.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Optional

from editor.commands.project_commands import (
    cmd_check_loss, cmd_cost, cmd_diff, cmd_export_code, cmd_export_keras, cmd_import, cmd_plot, cmd_summary,
    cmd_templates, cmd_validate,
)
from editor.commands.shared import EXIT_FAILURE
from editor.commands.train_command import cmd_train, training_arguments
from editor.errors import UserError
from editor.model.problems import one_line, printable
from editor.model import run_settings


def _quiet_tensorflow() -> None:
    """TensorFlow's start-up chatter is not the user's business on a command line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


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
    p.add_argument("--batch-size", type=int, default=run_settings.default("batch_size"), metavar="N",
                   help=f"batch size for activation memory (default: {run_settings.default('batch_size')}, as in training)")
    p.add_argument("--json", action="store_true", help="the figures as JSON, per node and in total")
    p.add_argument("--by-block", action="store_true", help="also each block's totals (its nodes, nested blocks' too)")
    p = add("diff", cmd_diff, "what changed from A to B, by node identity (exit 0: equal, 1: they differ)")
    for side in ("a", "b"):
        p.add_argument(side, metavar=side.upper(), help="a project file, a template id, or workspace:ID[@REVISION]")
    p.add_argument("--json", action="store_true", help="the changes as JSON")
    p.add_argument("--no-build", action="store_true", help="leave out shapes, parameters and weights (no Keras)")
    p.add_argument("--by-block", action="store_true", help="also how many nodes changed in each block")
    p = add("export-code", cmd_export_code, "write runnable Python code (a file, or a directory of ID.py for several targets)")
    p.add_argument("targets", nargs="+", metavar="TARGET", help=target_help)
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.add_argument("--train", action="store_true",
                   help="also write train() on synthetic data (the training options below are its defaults)")
    p.add_argument("--strategy", choices=run_settings.STRATEGIES, default="default",
                   help="tf.distribute strategy train() uses by default (mirrored: every GPU; multiworker: TF_CONFIG)")
    training_arguments(p)
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
    training_arguments(p)
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
