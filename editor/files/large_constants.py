"""Configs whose size is one big constant: a `Constant` initializer holding a whole matrix.

A 20,000 x 100 embedding initialised with `keras.initializers.Constant(matrix)` writes
two million numbers into config.json (about 40 MB), past the 16 MB cap on configs. The
structure is still small, and the editor imports structure only. So, before parsing:
`take_out` replaces every long array of plain numbers (outside strings) by a marker
string, and the rest must then fit the usual cap; after parsing, `restore_defaults`
drops each Constant initializer whose value was taken out, so the layer gets its
default initializer, and says so in a note. A long array anywhere else is refused.

Linear in the text and done with regular expressions (C speed): the text is never
parsed whole, and nothing here imports Keras.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from editor.errors import UserError

MIN_ARRAY_BYTES = 64 * 1024  # arrays of numbers longer than this are taken out
MAX_TEXT_BYTES = 256 * 1024 * 1024  # config text, constants included, read at most
_MARKER = "\u0000kgs-constant-"  # \u0000 cannot be typed into a layer name or a config
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: linear and fast
_NUMBERS = re.compile(rb"\[[0-9eE.,+\-\s\[\]]{%d,}" % MIN_ARRAY_BYTES)
_BRACKET = re.compile(rb"[\[\]]")


class ConstantRefused(UserError):
    """A long array of numbers that is not a Constant initializer's value (the message says where)."""


def take_out(data: bytes) -> tuple[bytes, list[int]]:
    """`data` with each array of numbers longer than MIN_ARRAY_BYTES (outside strings)
    replaced by a marker string, and the byte size of each array taken out, in order."""
    starts, ends = [], []
    for match in _STRING.finditer(data):
        starts.append(match.start())
        ends.append(match.end())
    pieces, sizes, kept_from, pos = [], [], 0, 0
    while True:
        found = _NUMBERS.search(data, pos)
        if found is None:
            break
        start = found.start()
        inside = bisect.bisect_right(starts, start) - 1
        if inside >= 0 and start < ends[inside]:  # the run is text inside a string
            pos = ends[inside]
            continue
        end = _array_end(data, start, found.end())
        if end is None or end - start < MIN_ARRAY_BYTES:
            pos = found.end() if end is None else end
            continue
        pieces += [data[kept_from:start], b'"\\u0000kgs-constant-%d"' % len(sizes)]
        sizes.append(end - start)
        kept_from = pos = end
    pieces.append(data[kept_from:])
    return b"".join(pieces), sizes


def _array_end(data: bytes, start: int, limit: int):
    """The end (exclusive) of the array opening at `start`, if it closes before `limit`."""
    depth = 0
    for bracket in _BRACKET.finditer(data, start, limit):
        depth += 1 if bracket.group() == b"[" else -1
        if depth == 0:
            return bracket.end()
    return None


def _marker_index(value: Any):
    if isinstance(value, str) and value.startswith(_MARKER) and value[len(_MARKER):].isdigit():
        return int(value[len(_MARKER):])
    return None


def _constant_marker(value: Any):
    """The marker index when `value` is a Constant initializer whose value was taken out."""
    if not (isinstance(value, dict) and value.get("class_name") == "Constant" and isinstance(value.get("config"), dict)):
        return None
    held = value["config"].get("value")
    if isinstance(held, dict) and held.get("class_name") == "__numpy__" and isinstance(held.get("config"), dict):
        held = held["config"].get("value")  # Keras 3 writes a numpy array as {"class_name": "__numpy__", ...}
    return _marker_index(held)


def restore_defaults(config: Any, sizes: list[int]) -> list[str]:
    """Drop, in place, each Constant initializer whose value `take_out` took out (its layer
    gets its default initializer); one note per drop. Raises ConstantRefused for a taken-out
    array found anywhere else."""
    notes: list[str] = []
    stack: list[tuple[Any, str]] = [(config, "config")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key in list(value):
                index = _constant_marker(value[key])
                if index is not None and index < len(sizes):
                    del value[key]
                    layer = value.get("name") if isinstance(value.get("name"), str) else where
                    notes.append(f"layer '{layer}': {key} was a Constant of {sizes[index] / 1e6:.1f} MB of numbers; "
                                 "it was replaced by the layer's default initializer")
                    continue
                if _marker_index(value[key]) is not None:
                    raise ConstantRefused(f"{where}.{key} holds an array of numbers too large for a config "
                                          "(only a Constant initializer's value may be that large)")
                stack.append((value[key], f"{where}.{key}"))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if _marker_index(item) is not None:
                    raise ConstantRefused(f"{where}[{i}] holds an array of numbers too large for a config "
                                          "(only a Constant initializer's value may be that large)")
                stack.append((item, f"{where}[{i}]"))
    notes.reverse()
    return notes
