"""One base for the user's errors: every exception the editor defines for a refusal is a
UserError, so the page and the command line can catch that base and nothing else (a
KeyError or TypeError is a bug and must be reported as one, not dressed up as a notice)."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from editor.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for p in (ROOT / "editor").rglob("*.py")
    if p.stem not in ("__init__", "__main__", "app")
)


def defined_exceptions():
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            # Private ones (_Abort, _NodeError) are control flow that never reaches the user.
            if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == name \
                    and not attr.startswith("_"):
                yield f"{name}.{attr}", value


def test_the_modules_are_found():
    assert {"editor.model.graph", "editor.store.workspace", "editor.ui.runs", "editor.cli"} <= set(MODULES)
    assert len(list(defined_exceptions())) >= 15


@pytest.mark.parametrize("name,cls", sorted(defined_exceptions(), key=lambda item: item[0]), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_every_public_exception_is_a_user_error(name, cls):
    assert issubclass(cls, UserError), f"{name} should derive from editor.errors.UserError"


# An exception's text as one line (whitespace folded, Keras's wrappers and TensorFlow's
# internals dropped, cut to a limit) has one home: editor.model.problems.one_line.
ONE_LINE_COPIES = re.compile(r"join\(str\((err|error|exc)\)\.split\(\)\)|str\((err|error|exc)\)\.splitlines\(\)\[0\]"
                             r"|def _?(one_line|first_line|short)\w*\((err|error|exc)\b")


def test_exceptions_become_one_line_in_one_place():
    copies = sorted(
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "editor").rglob("*.py")
        if str(path.relative_to(ROOT)) != "editor/model/problems.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ONE_LINE_COPIES.search(line)
    )
    assert copies == []
