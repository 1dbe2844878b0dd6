"""Ordinary Python the reader computes itself: sets, isinstance and type, copy, functools,
math, itertools, collections and operator, never by importing them or running the file.

Each value is Python's own where that is exact (a set, an OrderedDict, a number), or a small
stand-in where it is not (`TupleType` for a namedtuple class, `Iterator` for a one-shot
itertools iterator, `Partial`). Anything the reader cannot compute exactly is a `Skip`
naming it; work that grows with a value is charged to the reader's step budget, and the
collections made are held to its size limits. Calls come from the reader's `apply` hook
(`handles`, `call`), operators from `binary` (`owns`, `binary`).
"""

from __future__ import annotations

import ast
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from editor.code.code_values import (MAX_NUMBER, BoundMethod, Function, Layer, LayerHandle, ModelValue, Namespace,
                                     Optimizer, Refused, Skip, Sym, kind_of)
from editor.code.reader.budget import MAX_ITEMS

if TYPE_CHECKING:  # the reader calls this module with itself
    from editor.code.reader import Reader

# Builtin names the reader knows besides editor.code.reader.expressions.BUILTINS.
BUILTINS = ("set", "frozenset", "type", "any", "all", "callable", "super", "issubclass", "classmethod",
            "staticmethod", "property")
MODULES = ("math", "itertools", "itertools.chain", "functools", "copy", "collections", "operator")
# Python's own types, by the name the reader gives them (a builtin name, or what type() gives).
TYPES = {"builtins.int": int, "builtins.float": float, "builtins.str": str, "builtins.bool": bool,
         "builtins.list": list, "builtins.tuple": tuple, "builtins.dict": dict, "builtins.set": set,
         "builtins.frozenset": frozenset, "builtins.range": range, "builtins.NoneType": type(None),
         "collections.OrderedDict": OrderedDict}
CONSTANTS = {"math.pi": math.pi, "math.e": math.e, "math.tau": math.tau, "numpy.pi": math.pi, "numpy.e": math.e}
DATA = (int, float, bool, str, type(None), list, tuple, dict, set, frozenset, range)
OPERATORS = {"add": ast.Add, "sub": ast.Sub, "mul": ast.Mult, "truediv": ast.Div, "floordiv": ast.FloorDiv,
             "mod": ast.Mod, "pow": ast.Pow, "matmul": ast.MatMult, "eq": ast.Eq, "ne": ast.NotEq, "lt": ast.Lt,
             "le": ast.LtE, "gt": ast.Gt, "ge": ast.GtE}
MATH = {"ceil": math.ceil, "floor": math.floor, "trunc": math.trunc, "sqrt": math.sqrt, "isqrt": math.isqrt,
        "log": math.log, "log2": math.log2, "log10": math.log10, "exp": math.exp, "pow": math.pow, "fabs": math.fabs,
        "gcd": math.gcd, "lcm": math.lcm, "sin": math.sin, "cos": math.cos, "tan": math.tan, "atan": math.atan,
        "atan2": math.atan2, "hypot": math.hypot, "radians": math.radians, "degrees": math.degrees,
        "copysign": math.copysign, "isclose": math.isclose, "isfinite": math.isfinite, "factorial": math.factorial}
KERAS_CLASSES = {"keras.layers.Layer": (Layer, ModelValue, LayerHandle), "keras.Layer": (Layer, ModelValue, LayerHandle),
                 "keras.Model": (ModelValue,), "keras.models.Model": (ModelValue,)}


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


# ----------------------------------------------------------------------------- hooks

def constant(value: Namespace, line: int) -> Any:
    """`math.pi` as the number it is; any other Keras or Python name as it was."""
    if value.path in CONSTANTS:
        return CONSTANTS[value.path]
    if value.path in ("math.inf", "math.nan", "numpy.inf", "numpy.nan"):
        raise Skip(line, f"{value.path}: the reader's numbers are finite")
    return value


def handles(target: Any, args: list, kwargs: dict) -> bool:
    """Whether calling `target` is this module's to read."""
    if isinstance(target, (TupleType, Partial, Method)):
        return True
    if not isinstance(target, Namespace):
        return False
    module, _, name = target.path.rpartition(".")
    if module in MODULES:
        return True
    return module == "builtins" and (name in BUILTINS or name == "isinstance" or any(isinstance(a, (set, frozenset, Iterator))
                                                             for a in [*args, *kwargs.values()]))


def call(reader: Reader, target: Any, args: list, kwargs: dict, node: ast.AST, scope) -> Any:
    line = node.lineno
    if isinstance(target, TupleType):
        return _make_named(target, args, kwargs, line)
    if isinstance(target, Partial):
        return reader.apply(target.target, [*target.args, *args], {**target.kwargs, **kwargs}, node, scope)
    if isinstance(target, Method):
        return _method(reader, target, args, kwargs, line)
    module, _, name = target.path.rpartition(".")
    if module == "builtins":
        return _builtin(reader, name, args, kwargs, node, scope)
    if module == "math":
        return _math(reader, name, args, kwargs, line)
    if module in ("itertools", "itertools.chain"):
        return _itertools(reader, target.path, args, kwargs, node, scope)
    if module == "functools" and name == "reduce":
        return _reduce(reader, args, kwargs, node, scope)
    if module == "functools" and name == "partial":
        return _partial(args, kwargs, line)
    if module == "copy" and name in ("copy", "deepcopy"):
        if len(args) != 1 or kwargs:
            raise Skip(line, f"copy.{name}() takes one value")
        return _copy(reader, args[0], line) if name == "copy" else _deepcopy(reader, args[0], line)
    if module == "collections" and name == "namedtuple":
        return _namedtuple(reader, args, kwargs, line)
    if module == "collections" and name == "OrderedDict":
        return _ordered_dict(reader, args, kwargs, line)
    if module == "operator" and (name in OPERATORS or name in ("neg", "not_", "truth", "contains")):
        return _operator(reader, name, args, kwargs, line)
    raise Skip(line, f"{target.path}() is not model-building code the editor can express")


def attribute(value: Any, attr: str, line: int) -> Any:
    if isinstance(value, Named):
        if attr in value.kind.fields:
            return value[value.kind.fields.index(attr)]
        if attr == "_fields":
            return value.kind.fields
        if attr in ("_replace", "_asdict"):
            return Method(value, attr)
    if isinstance(value, TupleType):
        if attr == "_fields":
            return value.fields
        if attr == "_make":
            return Method(value, attr)
    raise Skip(line, f"the attribute .{attr} of a {kind_of(value)} is not model-building code")


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
    if not _ordered(value):
        raise Skip(line, "the order of a set of text changes from run to run in Python: sort it first")
    return list(value)


def make_set(reader: Reader, node: ast.AST, scope, line: int) -> set:
    """A set literal or a set comprehension."""
    if isinstance(node, ast.SetComp):
        found = reader.comprehension(node, scope, line)
    else:
        found = []
        for item in node.elts:
            if isinstance(item, ast.Starred):
                found += reader.iterate(reader.value(item.value, scope), line)
            else:
                found.append(reader.value(item, scope))
    return _set(reader, found, line)


def owns(left: Any, right: Any) -> bool:
    """Whether an operator on these is this module's: sets, and types compared with `is`."""
    return any(isinstance(v, (set, frozenset)) or _is_type(v) for v in (left, right))


def binary(reader: Reader, op: ast.AST, left: Any, right: Any, line: int) -> Any:
    if _is_type(left) and isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) and _is_type(right):
        same = _same_type(left, right)
        return same if isinstance(op, (ast.Is, ast.Eq)) else not same
    if _is_type(left) and isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (list, tuple)) \
            and all(_is_type(t) for t in right):
        reader.charge(len(right), line)
        found = any(_same_type(left, t) for t in right)
        return found if isinstance(op, ast.In) else not found
    sets = (set, frozenset)
    if isinstance(right, sets) and isinstance(op, (ast.In, ast.NotIn)) and not isinstance(left, VALUES):
        reader.charge(1, line)
        try:
            found = left in right
        except TypeError as err:  # [1] in {1}
            raise Skip(line, f"cannot compute: {err}") from None
        return found if isinstance(op, ast.In) else not found
    functions = {ast.BitOr: "__or__", ast.BitAnd: "__and__", ast.BitXor: "__xor__", ast.Sub: "__sub__",
                 ast.Eq: "__eq__", ast.NotEq: "__ne__", ast.Lt: "__lt__", ast.LtE: "__le__", ast.Gt: "__gt__",
                 ast.GtE: "__ge__"}
    if isinstance(left, sets) and isinstance(right, sets) and type(op) in functions:
        reader.charge(len(left) + len(right), line)
        result = getattr(left, functions[type(op)])(right)
        if isinstance(result, sets):
            reader.size(result, line)
        return result
    if isinstance(op, (ast.Eq, ast.NotEq)) and any(isinstance(v, sets) for v in (left, right)):
        return isinstance(op, ast.NotEq)  # a set equals no other kind of value
    raise Skip(line, f"the operator {type(op).__name__} on a {kind_of(left)} and a {kind_of(right)}")


# ----------------------------------------------------------------------------- builtins

def _builtin(reader: Reader, name: str, args: list, kwargs: dict, node: ast.AST, scope) -> Any:
    line = node.lineno
    if name == "isinstance":
        if len(args) != 2 or kwargs:
            raise Skip(line, "isinstance() takes a value and a type")
        return _isinstance(args[0], args[1], line)
    if name == "type":
        if len(args) != 1 or kwargs:
            raise Skip(line, "type() with more than one argument makes a class: not model-building code")
        return _type(args[0], line)
    if name == "callable":
        if len(args) != 1 or kwargs:
            raise Skip(line, "callable() takes one value")
        if isinstance(args[0], Namespace):
            raise Skip(line, f"callable() of {args[0].path}: the editor cannot tell")
        return isinstance(args[0], (Function, Layer, ModelValue, BoundMethod, TupleType, Partial, Method))
    if name in ("super", "issubclass", "classmethod", "staticmethod", "property"):
        raise Skip(line, f"{name}() is not model-building code")
    # the others walk their argument: a set or an iterator as the list it gives
    if kwargs and name not in ("sorted", "min", "max", "dict"):
        raise Skip(line, f"{name}() with keywords")
    unordered = name in ("set", "frozenset", "len", "sorted", "min", "max", "any", "all")
    walked = []
    for arg in args:
        if isinstance(arg, (set, frozenset)) and unordered:
            reader.charge(len(arg), line)
            walked.append(list(arg))
        elif isinstance(arg, (set, frozenset, Iterator)):
            walked.append(items(reader, arg, line))
        else:
            walked.append(arg)
    if name in ("set", "frozenset", "any", "all"):
        if len(walked) > 1:
            raise Skip(line, f"{name}() takes one list")
        found = reader.iterate(walked[0], line) if walked else []
        if name in ("any", "all"):
            found = [_truth(reader, v, line) for v in found]
            return any(found) if name == "any" else all(found)
        made = _set(reader, found, line)
        return made if name == "set" else frozenset(made)
    if name == "len" and len(walked) == 1 and isinstance(args[0], Iterator):
        raise Skip(line, "len() of an iterator")
    return reader.apply(Namespace(f"builtins.{name}"), walked, kwargs, node, scope)


def _truth(reader: Reader, value: Any, line: int) -> bool:
    return reader.truth(value, line)


def _type_of(entry: Any) -> Any:
    """A type as isinstance takes it: a Python type, a TupleType, or a Keras class's name."""
    if isinstance(entry, TupleType):
        return entry
    if isinstance(entry, Namespace):
        return TYPES.get(entry.path, entry.path)
    return None


def _isinstance(value: Any, kinds: Any, line: int) -> bool:
    entries = list(kinds) if isinstance(kinds, tuple) else [kinds]
    answers = []
    for entry in entries:
        kind = _type_of(entry)
        if kind is None:
            raise Skip(line, f"isinstance() with a {kind_of(entry)} as the type")
        answers.append(_instance(value, kind))
        if answers[-1] is True:
            return True
    if None in answers:
        unknown = next(e for e, a in zip(entries, answers) if a is None)
        raise Skip(line, f"isinstance() of a {kind_of(value)} and {_type_name(unknown)}: the editor cannot tell")
    return False


def _type_name(entry: Any) -> str:
    return entry.path if isinstance(entry, Namespace) else kind_of(entry)


def _instance(value: Any, kind: Any) -> Optional[bool]:
    """isinstance(value, kind), or None where the reader cannot tell."""
    if isinstance(kind, TupleType):
        return isinstance(value, Named) and value.kind is kind
    plain = isinstance(value, (*DATA, OrderedDict)) and not isinstance(value, (Iterator, Method))
    if isinstance(kind, type):
        if plain:
            return isinstance(value, kind)
        if isinstance(value, Sym):
            return None if value.multi else False  # a call of several outputs may be a list or a tuple
        if isinstance(value, (Layer, ModelValue, LayerHandle, Function, Partial, TupleType, Iterator, Method,
                              Optimizer, BoundMethod)):
            return False
        return None  # a Keras name may be a constant of any type, a dtype may be text
    if kind in KERAS_CLASSES:
        if isinstance(value, KERAS_CLASSES[kind]):
            return True
        return False if plain or (isinstance(value, Sym) and not value.multi) else None
    if isinstance(value, Layer) and kind == f"keras.layers.{value.class_name}":
        return True
    if plain:
        return False  # no number, text, list or dict is a Keras object
    return None


def _type(value: Any, line: int) -> Any:
    if isinstance(value, Named):
        return value.kind
    if isinstance(value, OrderedDict):
        return Namespace("collections.OrderedDict")
    if isinstance(value, DATA):
        return Namespace(f"builtins.{type(value).__name__}")
    raise Skip(line, f"type() of a {kind_of(value)}: the editor cannot tell")


def _is_type(value: Any) -> bool:
    return isinstance(value, TupleType) or (isinstance(value, Namespace) and value.path in TYPES)


def _same_type(left: Any, right: Any) -> bool:
    if isinstance(left, Namespace) and isinstance(right, Namespace):
        return left.path == right.path
    return left is right


def _ordered(values) -> bool:
    """Whether Python walks this set in the same order in every run: its items' hashes do not
    change from run to run (numbers, and tuples of them; text and None's do)."""
    return all(isinstance(v, (int, float)) or (isinstance(v, tuple) and _ordered(v)) for v in values)


def _set(reader: Reader, found: list, line: int) -> set:
    made = set()
    for item in found:
        made.add(reader.hashable(item, line) if not isinstance(item, frozenset) else item)
    reader.size(made, line)
    return made


# ----------------------------------------------------------------------------- modules

def _number(value: Any, line: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if not math.isfinite(value):
        raise Skip(line, "a number that is not finite")
    if abs(value) > MAX_NUMBER:
        raise Refused(f"line {line}: a number too large (limit {MAX_NUMBER:g})")
    return value


def _math(reader: Reader, name: str, args: list, kwargs: dict, line: int) -> Any:
    if name in ("prod", "fsum"):
        if len(args) != 1 or set(kwargs) - {"start"}:
            raise Skip(line, f"math.{name}() takes one list")
        numbers = reader.iterate(args[0], line)
        total = kwargs.get("start", 1) if name == "prod" else 0.0
        for value in numbers:
            if not isinstance(value, (int, float)) or not isinstance(total, (int, float)):
                raise Skip(line, f"math.{name}() of a {kind_of(value)}")
            total = _number(total * value if name == "prod" else total + value, line)
        return total
    if name not in MATH:
        raise Skip(line, f"math.{name}() is not model-building code the editor can express")
    if kwargs and name != "isclose":
        raise Skip(line, f"math.{name}() with keywords")
    if not all(isinstance(a, (int, float)) for a in [*args, *kwargs.values()]):
        raise Skip(line, f"math.{name}() of something other than numbers")
    if name == "factorial" and args and isinstance(args[0], int) and args[0] > 20:
        raise Refused(f"line {line}: a number too large (limit {MAX_NUMBER:g})")
    try:
        return _number(MATH[name](*args, **kwargs), line)
    except (ArithmeticError, TypeError, ValueError) as err:
        raise Skip(line, f"math.{name}(): {err}") from None


def _count(reader: Reader, count: int, line: int) -> None:
    """A collection of `count` items about to be made: within the limits, before it is made."""
    if count > MAX_ITEMS:
        raise Refused(f"line {line}: a collection of {count:,} items (limit {MAX_ITEMS:,})")
    reader.charge(count, line)


def _itertools(reader: Reader, path: str, args: list, kwargs: dict, node: ast.AST, scope) -> Iterator:
    line = node.lineno
    name = path.partition(".")[2]
    made = Iterator(path)
    if name == "count":
        settings = {**dict(zip(("start", "step"), args)), **kwargs}
        start, step = settings.get("start", 0), settings.get("step", 1)
        if len(args) > 2 or set(settings) - {"start", "step"} or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, step)):
            raise Skip(line, "itertools.count() takes a start and a step")
        made.endless = ("count", start, step)
    elif name == "repeat":
        settings = {**dict(zip(("object", "times"), args)), **kwargs}
        if not 1 <= len(settings) <= 2 or set(settings) - {"object", "times"} or "object" not in settings:
            raise Skip(line, "itertools.repeat() takes a value and a count")
        times = settings.get("times")
        if times is None:
            made.endless = ("repeat", settings["object"])
        elif isinstance(times, int) and not isinstance(times, bool):
            _count(reader, max(times, 0), line)
            made.items = [settings["object"]] * max(times, 0)
        else:
            raise Skip(line, "itertools.repeat() with a count that is not an integer")
    elif name in ("chain", "chain.from_iterable"):
        if kwargs or (name == "chain.from_iterable" and len(args) != 1):
            raise Skip(line, f"itertools.{name}() takes lists")
        parts = args if name == "chain" else reader.iterate(args[0], line)
        for part in parts:
            made.items += reader.iterate(part, line)
            reader.size(made.items, line)
    elif name == "product":
        repeat = kwargs.pop("repeat", 1)
        if kwargs or not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 0:
            raise Skip(line, "itertools.product() takes lists and repeat=")
        pools = [reader.iterate(a, line) for a in args] * repeat
        _count(reader, math.prod(len(p) for p in pools), line)
        reader.charge(math.prod(len(p) for p in pools) * len(pools), line)  # each item a tuple of len(pools)
        made.items = [()]
        for pool in pools:
            made.items = [(*head, item) for head in made.items for item in pool]
    elif name == "zip_longest":
        fill = kwargs.pop("fillvalue", None)
        if kwargs:
            raise Skip(line, "itertools.zip_longest() takes lists and fillvalue=")
        lists = [reader.iterate(a, line) for a in args]
        longest = max((len(p) for p in lists), default=0)
        _count(reader, longest, line)
        reader.charge(longest * len(lists), line)
        made.items = [tuple(p[i] if i < len(p) else fill for p in lists) for i in range(longest)]
    elif name == "accumulate":
        made.items = _accumulate(reader, args, kwargs, node, scope)
    elif name == "islice":
        made.items = _islice(reader, args, kwargs, line)
    else:
        raise Skip(line, f"{path}() is not model-building code the editor can express")
    return made


def _accumulate(reader: Reader, args: list, kwargs: dict, node: ast.AST, scope) -> list:
    line = node.lineno
    settings = {**dict(zip(("iterable", "func"), args)), **kwargs}
    if len(args) > 2 or set(settings) - {"iterable", "func", "initial"} or "iterable" not in settings:
        raise Skip(line, "itertools.accumulate() takes a list, a function and initial=")
    values = reader.iterate(settings["iterable"], line)
    function = settings.get("func")
    found = [] if settings.get("initial") is None else [settings["initial"]]
    for value in values:
        found.append(_combine(reader, function, found[-1], value, node, scope) if found else value)
    return found


def _islice(reader: Reader, args: list, kwargs: dict, line: int) -> list:
    if kwargs or not 2 <= len(args) <= 4:
        raise Skip(line, "itertools.islice() takes a list and a stop, or a start, stop and step")
    source, bounds = args[0], args[1:]
    start, stop, step = (None, bounds[0], None) if len(bounds) == 1 else (*bounds, None)[:3]
    if not all(b is None or (isinstance(b, int) and not isinstance(b, bool) and b >= 0) for b in (start, stop, step)) \
            or step == 0:
        raise Skip(line, "itertools.islice() takes integers of 0 or more (a step of 1 or more)")
    start, step = start or 0, step or 1
    if isinstance(source, Iterator) and source.endless is not None:
        if stop is None:
            raise Skip(line, f"{source.what}() has no end: islice() needs a stop")
        if source.read:
            raise Skip(line, f"an iterator of {source.what} read a second time (Python's is used up): "
                             "make it a list first")
        source.read = True  # partly read: what is left of it is not followed
        count = len(range(start, stop, step))
        _count(reader, count, line)
        if source.endless[0] == "repeat":
            return [source.endless[1]] * count
        _, first, by = source.endless
        return [_number(first + by * i, line) for i in range(start, stop, step)]
    values = reader.iterate(source, line)
    return values[start:stop:step]


def _combine(reader: Reader, function: Any, left: Any, right: Any, node: ast.AST, scope) -> Any:
    """function(left, right), or left + right without one (reduce's and accumulate's step)."""
    if function is None:
        return reader.binary(ast.Add(), left, right, node.lineno)
    if isinstance(function, Namespace) and function.path.startswith("operator.") \
            and function.path[len("operator."):] in OPERATORS:
        return reader.binary(OPERATORS[function.path[len("operator."):]](), left, right, node.lineno)
    return reader.apply(function, [left, right], {}, node, scope)


def _reduce(reader: Reader, args: list, kwargs: dict, node: ast.AST, scope) -> Any:
    line = node.lineno
    if kwargs or not 2 <= len(args) <= 3:
        raise Skip(line, "functools.reduce() takes a function, a list and a start")
    values = reader.iterate(args[1], line)
    if len(args) == 2 and not values:
        raise Skip(line, "functools.reduce() of an empty list with no start")
    total, values = (args[2], values) if len(args) == 3 else (values[0], values[1:])
    for value in values:
        total = _combine(reader, args[0], total, value, node, scope)
    return total


def _partial(args: list, kwargs: dict, line: int) -> Partial:
    target = args[0] if args else None
    callable_name = isinstance(target, Namespace) and "." in target.path and target.path not in (
        "keras.layers", "keras.ops", "keras.backend", "keras.models", "keras.activations", "keras.applications",
        *(m for m in MODULES))
    if not (isinstance(target, (Function, Partial, TupleType)) or callable_name):
        raise Skip(line, f"functools.partial() of a {kind_of(target)}: only of a function of the file, "
                         "a Keras name or another partial")
    if isinstance(target, Partial):
        return Partial(target.target, (*target.args, *args[1:]), {**target.kwargs, **kwargs})
    return Partial(target, tuple(args[1:]), dict(kwargs))


def _copy(reader: Reader, value: Any, line: int) -> Any:
    """copy.copy: a new list, dict or set holding the same items (layers and tensors included,
    as Python's does); numbers, text and tuples are their own copies."""
    if isinstance(value, (list, dict, set)):
        reader.charge(len(value), line)
        return type(value)(value) if not isinstance(value, OrderedDict) else OrderedDict(value)
    if isinstance(value, (int, float, bool, str, type(None), tuple, frozenset, range)):
        return value
    raise Skip(line, f"copy.copy() of a {kind_of(value)}: only of data (numbers, text, lists, dicts)")


def _deepcopy(reader: Reader, value: Any, line: int, memo: Optional[dict] = None) -> Any:
    """copy.deepcopy of data, sharing kept as Python keeps it (a list twice in it is copied once)."""
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    reader.charge(1, line)
    if isinstance(value, (int, float, bool, str, type(None), range)):
        return value
    if isinstance(value, list):
        made = memo[id(value)] = []
        made.extend(_deepcopy(reader, v, line, memo) for v in value)
        return made
    if isinstance(value, dict):
        made = memo[id(value)] = OrderedDict() if isinstance(value, OrderedDict) else {}
        for key, item in value.items():
            made[_deepcopy(reader, key, line, memo)] = _deepcopy(reader, item, line, memo)
        return made
    if isinstance(value, (tuple, set, frozenset)):
        copied = [_deepcopy(reader, v, line, memo) for v in value]
        made = Named(value.kind, copied) if isinstance(value, Named) else type(value)(copied)
        memo[id(value)] = made
        return made
    raise Skip(line, f"copy.deepcopy() of a {kind_of(value)}: only of data (numbers, text, lists, dicts)")


def _namedtuple(reader: Reader, args: list, kwargs: dict, line: int) -> TupleType:
    settings = {**dict(zip(("typename", "field_names"), args)), **kwargs}
    if len(args) > 2 or set(settings) - {"typename", "field_names", "defaults"}:
        raise Skip(line, "collections.namedtuple() takes a name, the fields and defaults=")
    name, fields = settings.get("typename"), settings.get("field_names")
    if isinstance(fields, str):
        fields = fields.replace(",", " ").split()
    fields = reader.iterate(fields, line) if isinstance(fields, (list, tuple)) else None
    if not isinstance(name, str) or not name.isidentifier() or fields is None or not all(
            isinstance(f, str) and f.isidentifier() and not f.startswith("_") for f in fields) \
            or len(set(fields)) != len(fields):
        raise Skip(line, "collections.namedtuple() needs a name and distinct field names")
    defaults = tuple(reader.iterate(settings.get("defaults") or [], line))
    if len(defaults) > len(fields):
        raise Skip(line, "collections.namedtuple() with more defaults than fields")
    return TupleType(name, tuple(fields), defaults)


def _make_named(kind: TupleType, args: list, kwargs: dict, line: int) -> Named:
    fields = kind.fields
    if len(args) > len(fields) or set(kwargs) - set(fields) or set(kwargs) & set(fields[:len(args)]):
        raise Skip(line, f"{kind.name}() takes {', '.join(fields)}")
    given = {**dict(zip(fields[len(fields) - len(kind.defaults):], kind.defaults)), **dict(zip(fields, args)),
             **kwargs}
    missing = [f for f in fields if f not in given]
    if missing:
        raise Skip(line, f"{kind.name}() is missing '{missing[0]}'")
    return Named(kind, [given[f] for f in fields])


def _method(reader: Reader, method: Method, args: list, kwargs: dict, line: int) -> Any:
    owner = method.owner
    if method.name == "_make" and len(args) == 1 and not kwargs:
        return _make_named(owner, reader.iterate(args[0], line), {}, line)
    if method.name == "_asdict" and not args and not kwargs:
        return dict(zip(owner.kind.fields, owner))
    if method.name == "_replace" and not args:
        if set(kwargs) - set(owner.kind.fields):
            raise Skip(line, f"_replace() of a field {owner.kind.name} does not have")
        return Named(owner.kind, [kwargs.get(f, v) for f, v in zip(owner.kind.fields, owner)])
    raise Skip(line, f"{method.name}() with these arguments")


def _ordered_dict(reader: Reader, args: list, kwargs: dict, line: int) -> OrderedDict:
    if len(args) > 1:
        raise Skip(line, "collections.OrderedDict() takes one dict or list of pairs")
    made = OrderedDict()
    source = args[0] if args else []
    pairs = list(source.items()) if isinstance(source, dict) else reader.iterate(source, line)
    reader.charge(len(pairs), line)
    for pair in pairs:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Skip(line, "collections.OrderedDict() of something other than pairs")
        made[reader.hashable(pair[0], line)] = pair[1]
    made.update(kwargs)
    reader.size(made, line)
    return made


def _operator(reader: Reader, name: str, args: list, kwargs: dict, line: int) -> Any:
    if kwargs or len(args) != (1 if name in ("neg", "not_", "truth") else 2):
        raise Skip(line, f"operator.{name}() with {len(args)} arguments")
    if name == "contains":
        return reader.binary(ast.In(), args[1], args[0], line)
    if name in ("neg", "not_", "truth"):
        if name == "truth":
            return reader.truth(args[0], line)
        return reader.constant_op(ast.USub() if name == "neg" else ast.Not(), (args[0],), line)
    return reader.binary(OPERATORS[name](), args[0], args[1], line)
