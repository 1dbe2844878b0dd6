"""The stand-ins editor.code.reader.python_values computes with where Python's own value
would not be exact: a namedtuple class and its instances, functools.partial, a one-shot
itertools iterator; and the checks every such value passes (finite numbers, sizes, steps)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from editor.code.code_values import MAX_NUMBER, Refused, Skip
from editor.code.reader.budget import MAX_ITEMS

if TYPE_CHECKING:  # the reader calls these with itself
    from editor.code.reader import Reader

MODULES = ("math", "itertools", "itertools.chain", "functools", "copy", "collections", "operator")


@dataclass(eq=False)
class TupleType:
    """`collections.namedtuple("Block", "filters kernel")`: a tuple class with named items."""

    name: str
    fields: tuple
    defaults: tuple  # of the last len(defaults) fields


class Named(tuple):
    """An instance of a TupleType: a tuple (equal, hashed, indexed as one) whose items have names."""

    kind: TupleType

    def __new__(cls, kind: TupleType, items):
        made = super().__new__(cls, items)
        made.kind = kind
        return made


@dataclass(eq=False)
class Partial:
    """`functools.partial(layers.Conv2D, padding="same")`: a call with some arguments given."""

    target: Any
    args: tuple
    kwargs: dict


@dataclass(eq=False)
class Iterator:
    """An itertools iterator: one-shot like Python's. Its items are computed when it is made
    (`items`), or it has no end (`count`, `repeat` without times: `endless`) and only
    itertools.islice reads it. Read twice, it refuses (Python's would be used up)."""

    what: str  # "itertools.chain"
    items: list = field(default_factory=list)
    endless: Optional[tuple] = None  # ("count", start, step) or ("repeat", value)
    read: bool = False


@dataclass(frozen=True)
class Method:
    """A method of one of this module's values, not yet called: `block._replace`."""

    owner: Any
    name: str


VALUES = (TupleType, Named, Partial, Iterator, Method)


def items(reader: Reader, value: Any, line: int) -> list:
    """What a for loop, list() or a comprehension walks in a set or an itertools iterator."""
    if isinstance(value, Iterator):
        if value.endless is not None:
            raise Skip(line, f"{value.what}() has no end: only itertools.islice() reads it")
        if value.read:
            raise Skip(line, f"an iterator of {value.what} read a second time (Python's is used up): "
                             "make it a list first")
        value.read = True
        reader.charge(len(value.items), line)
        return list(value.items)
    reader.charge(len(value), line)
    if not ordered(value):
        raise Skip(line, "the order of a set of text changes from run to run in Python: sort it first")
    return list(value)


def ordered(values) -> bool:
    """Whether Python walks this set in the same order in every run: its items' hashes do not
    change from run to run (numbers, and tuples of them; text and None's do)."""
    return all(isinstance(v, (int, float)) or (isinstance(v, tuple) and ordered(v)) for v in values)


def number(value: Any, line: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if not math.isfinite(value):
        raise Skip(line, "a number that is not finite")
    if abs(value) > MAX_NUMBER:
        raise Refused(f"line {line}: a number too large (limit {MAX_NUMBER:g})")
    return value


def count_items(reader: Reader, count: int, line: int) -> None:
    """A collection of `count` items about to be made: within the limits, before it is made."""
    if count > MAX_ITEMS:
        raise Refused(f"line {line}: a collection of {count:,} items (limit {MAX_ITEMS:,})")
    reader.charge(count, line)
