"""A call of Python's `eval` in the file read, read as a look-up of a name: this module never
calls `eval` (nor anything like it); it only reads the call's syntax and the reader's values.

keras-unet-collection picks its activation layer by calling `eval` on `activation`, a text such
as "ReLU" or "GELU": the name of a class the module imported. The reader reads such a call only
where its one argument is a value it computed to a str that is a plain identifier (not a
keyword, no dunder) naming something in the reader's scope at that call; the result is that
name's value. Anything else refuses the file in one line, as every such call did before. The
screen (editor.code.reader.budget) lets through only calls with one positional argument that is
not a constant, or is a constant plain name: a constant holding code is refused wherever it is,
even in code never run.
"""

from __future__ import annotations

import ast
import keyword
from typing import Any

from editor.code.code_values import Refused, Skip, Unknown, kind_of, refused_call

REFUSAL = refused_call("eval")


def plain_name(text: Any) -> bool:
    return isinstance(text, str) and text.isidentifier() and not keyword.iskeyword(text) and not text.startswith("__")


def screened_eval(node: ast.Call) -> bool:
    """Whether the screen lets this call of `eval` through: one positional argument, no keywords,
    the argument not a constant unless it is a plain name."""
    return isinstance(node.func, ast.Name) and node.func.id == "eval" and len(node.args) == 1 and not node.keywords \
        and not isinstance(node.args[0], ast.Starred) \
        and (not isinstance(node.args[0], ast.Constant) or plain_name(node.args[0].value))


def is_eval(node: ast.Call, scope: Any) -> bool:
    """A call of Python's eval (the name not bound by the file: the screen refuses binding it);
    `node.func` is the name `eval`."""
    try:
        scope.find("eval")
    except KeyError:
        return True
    return False


def read_eval(reader: Any, node: ast.Call, scope: Any) -> Any:
    """The value of the name `eval`'s argument computes to; Refused for anything else."""
    line = node.lineno
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
        raise Refused(f"line {line}: {REFUSAL} (only eval of one name is read)")
    try:
        text = reader.value(node.args[0], scope)
    except Skip as skip:
        raise Refused(f"line {line}: {REFUSAL} (of a value the reader does not know: {skip.reason})") from None
    if not isinstance(text, str):
        raise Refused(f"line {line}: {REFUSAL} (of a {kind_of(text)}: only of a name)")
    if not plain_name(text):
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise Refused(f"line {line}: {REFUSAL} (of {shown!r}, which is not a plain name)")
    try:
        value = scope.find(text)
    except KeyError:
        raise Refused(f"line {line}: {REFUSAL} ('{text}' is not a name the code defines)") from None
    if isinstance(value, Unknown):
        raise Refused(f"line {line}: {REFUSAL} ('{text}' is the value of line {value.line}, which was left out)")
    reader.names_used.add(text)
    return value
