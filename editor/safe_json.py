"""JSON from text nobody vouches for (project files, model configs): size, encoding and
nesting are checked before json.loads, so hostile text costs a linear scan and ends in
one `JSONRefused`, never a RecursionError or a traceback.

Each caller words the refusal its own way (`JSONRefused.kind` plus its facts): a project
file says "file too large", a model file "config too large".
"""

from __future__ import annotations

import json
import re
from typing import Any, Union

# Atomic groups keep both patterns linear on hostile text.
_STRINGS = re.compile(r'"(?>[^"\\]++|\\.)*+"', re.S)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]++")


class JSONRefused(ValueError):
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


def load(data: Union[str, bytes], max_bytes: int, max_depth: int, encoding: str = "utf-8") -> Any:
    """json.loads(data) after the size, encoding and depth checks."""
    if len(data) > max_bytes:
        raise JSONRefused("size", size=len(data), limit=max_bytes)
    if isinstance(data, bytes):
        try:
            data = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise JSONRefused("encoding", byte=err.start) from None
    check_depth(data, max_depth)
    try:
        return json.loads(data)
    except json.JSONDecodeError as err:
        raise JSONRefused("syntax", detail=f"{err.msg} at line {err.lineno}, column {err.colno}") from None
    except (ValueError, RecursionError) as err:  # e.g. an integer with more than 4,300 digits
        text = " ".join(str(err).split()) or type(err).__name__
        raise JSONRefused("value", detail=text if len(text) <= 200 else text[:199] + "…") from None
