"""JSON from text nobody vouches for (project files, model configs): size, encoding and
nesting are checked before json.loads, so hostile text costs a linear scan and ends in
one `JSONRefused`, never a RecursionError or a traceback.

Each caller words the refusal its own way (`JSONRefused.kind` plus its facts): a project
file says "file too large", a model file "config too large".
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Union

from editor.errors import UserError
from editor.model.problems import one_line

# Atomic groups keep both patterns linear on hostile text.
_STRINGS = re.compile(r'"(?>[^"\\]++|\\.)*+"', re.S)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]++")


class JSONRefused(UserError):
    """kind: "size" (size, limit), "encoding" (byte), "depth" (limit), "syntax" (detail:
    json's message with line and column) or "value" (detail: e.g. an integer too long)."""

    def __init__(self, kind: str, **facts: Any):
        super().__init__(kind, facts)
        self.kind, self.facts = kind, facts

    def say(self, wording: dict[str, str]) -> str:
        return wording[self.kind].format(**self.facts)


def check_depth(text: str, limit: int) -> None:
    """Refuse JSON nested deeper than `limit` (brackets inside strings do not count)."""
    depth = 0
    for char in _NOT_BRACKETS.sub("", _STRINGS.sub("", text)):
        if char in "[{":
            depth += 1
            if depth > limit:
                raise JSONRefused("depth", limit=limit)
        else:
            depth -= 1


def _refuse_constant(name: str) -> float:
    raise JSONRefused("value", detail=f"{name} is not a number a project can hold")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e400 parses as infinity
        raise JSONRefused("value", detail=f"{text[:40]} is too large a number")
    return number


def load(data: Union[str, bytes], max_bytes: int, max_depth: int, encoding: str = "utf-8",
         finite: bool = False) -> Any:
    """json.loads(data) after the size, encoding and depth checks; a leading byte-order
    mark is skipped (editors on Windows write one). finite=True refuses NaN, Infinity
    and numbers too large for a float (a project file; Keras's own configs may hold NaN)."""
    if len(data) > max_bytes:
        raise JSONRefused("size", size=len(data), limit=max_bytes)
    if isinstance(data, bytes):
        try:
            data = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise JSONRefused("encoding", byte=err.start) from None
    data = data.removeprefix("\ufeff")
    check_depth(data, max_depth)
    hooks = {"parse_constant": _refuse_constant, "parse_float": _finite_float} if finite else {}
    try:
        return json.loads(data, **hooks)
    except JSONRefused:
        raise
    except json.JSONDecodeError as err:
        raise JSONRefused("syntax", detail=f"{err.msg} at line {err.lineno}, column {err.colno}") from None
    except (ValueError, RecursionError) as err:  # e.g. an integer with more than 4,300 digits
        raise JSONRefused("value", detail=one_line(err, limit=200)) from None
