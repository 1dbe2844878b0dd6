"""Python's standard modules as the code reader computes them, never importing them: math,
itertools, functools (reduce, partial), copy, collections (namedtuple, OrderedDict) and
operator. Each is checked and charged as editor.code.reader.python_values says."""

from __future__ import annotations

import ast
import math
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Optional

from editor.code.code_values import MAX_NUMBER, Function, Namespace, Refused, Skip, kind_of
from editor.code.reader.python_types import (MODULES, Iterator, Method, Named, Partial, TupleType, count_items,
                                             number)

if TYPE_CHECKING:  # the reader calls this module with itself
    from editor.code.reader import Reader

OPERATORS = {"add": ast.Add, "sub": ast.Sub, "mul": ast.Mult, "truediv": ast.Div, "floordiv": ast.FloorDiv,
             "mod": ast.Mod, "pow": ast.Pow, "matmul": ast.MatMult, "eq": ast.Eq, "ne": ast.NotEq, "lt": ast.Lt,
             "le": ast.LtE, "gt": ast.Gt, "ge": ast.GtE}
MATH = {"ceil": math.ceil, "floor": math.floor, "trunc": math.trunc, "sqrt": math.sqrt, "isqrt": math.isqrt,
        "log": math.log, "log2": math.log2, "log10": math.log10, "exp": math.exp, "pow": math.pow, "fabs": math.fabs,
        "gcd": math.gcd, "lcm": math.lcm, "sin": math.sin, "cos": math.cos, "tan": math.tan, "atan": math.atan,
        "atan2": math.atan2, "hypot": math.hypot, "radians": math.radians, "degrees": math.degrees,
        "copysign": math.copysign, "isclose": math.isclose, "isfinite": math.isfinite, "factorial": math.factorial}


def call(reader: Reader, target: Any, args: list, kwargs: dict, node: ast.AST, scope) -> Any:
    """A call of a namedtuple class, a partial, one of their methods, or a name of MODULES."""
    line = node.lineno
    if isinstance(target, TupleType):
        return _make_named(target, args, kwargs, line)
    if isinstance(target, Partial):
        return reader.apply(target.target, [*target.args, *args], {**target.kwargs, **kwargs}, node, scope)
    if isinstance(target, Method):
        return _method(reader, target, args, kwargs, line)
    module, _, name = target.path.rpartition(".")
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


def _math(reader: Reader, name: str, args: list, kwargs: dict, line: int) -> Any:
    if name in ("prod", "fsum"):
        if len(args) != 1 or set(kwargs) - {"start"}:
            raise Skip(line, f"math.{name}() takes one list")
        numbers = reader.iterate(args[0], line)
        total = kwargs.get("start", 1) if name == "prod" else 0.0
        for value in numbers:
            if not isinstance(value, (int, float)) or not isinstance(total, (int, float)):
                raise Skip(line, f"math.{name}() of a {kind_of(value)}")
            total = number(total * value if name == "prod" else total + value, line)
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
        return number(MATH[name](*args, **kwargs), line)
    except (ArithmeticError, TypeError, ValueError) as err:
        raise Skip(line, f"math.{name}(): {err}") from None


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
            count_items(reader, max(times, 0), line)
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
        pools = [reader.iterate(a, line) for a in args]
        count_items(reader, len(pools) * repeat, line)  # the length of each tuple made
        count_items(reader, math.prod(len(p) for p in pools) ** repeat, line)
        pools *= repeat
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
        count_items(reader, longest, line)
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
        count_items(reader, count, line)
        if source.endless[0] == "repeat":
            return [source.endless[1]] * count
        _, first, by = source.endless
        return [number(first + by * i, line) for i in range(start, stop, step)]
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
    if not (isinstance(target, (Function, Partial, TupleType)) or _names_callable(target)):
        raise Skip(line, f"functools.partial() of a {kind_of(target)}: only of a function of the file, "
                         "a Keras name or another partial")
    if isinstance(target, Partial):
        return Partial(target.target, (*target.args, *args[1:]), {**target.kwargs, **kwargs})
    return Partial(target, tuple(args[1:]), dict(kwargs))


def _names_callable(value: Any) -> bool:
    """A Keras or Python name of a function or class (not a module: those Python cannot call or copy)."""
    return isinstance(value, Namespace) and "." in value.path and value.path not in (
        "keras.layers", "keras.ops", "keras.backend", "keras.models", "keras.activations", "keras.applications",
        "keras.losses", "keras.metrics", "keras.initializers", "keras.regularizers", "keras.optimizers",
        "tensorflow.nn", "tensorflow.math", "tensorflow.keras", *MODULES)


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
    if isinstance(value, (int, float, bool, str, type(None), range, Function)) or _names_callable(value):
        return value  # Python copies functions and classes as themselves ({"activation": tf.nn.relu})
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
    if isinstance(owner, (set, frozenset)):
        return _set_method(reader, owner, method.name, args, kwargs, line)
    if method.name == "_make" and len(args) == 1 and not kwargs:
        return _make_named(owner, reader.iterate(args[0], line), {}, line)
    if method.name == "_asdict" and not args and not kwargs:
        return dict(zip(owner.kind.fields, owner))
    if method.name == "_replace" and not args:
        if set(kwargs) - set(owner.kind.fields):
            raise Skip(line, f"_replace() of a field {owner.kind.name} does not have")
        return Named(owner.kind, [kwargs.get(f, v) for f, v in zip(owner.kind.fields, owner)])
    raise Skip(line, f"{method.name}() with these arguments")


SET_CHANGES = ("add", "update", "discard", "remove")  # in place: a set's own, not a frozenset's
SET_METHODS = (*SET_CHANGES, "union", "intersection", "difference", "symmetric_difference", "issubset",
               "issuperset", "isdisjoint", "copy")


def _set_method(reader: Reader, owner, name: str, args: list, kwargs: dict, line: int) -> Any:
    if kwargs or (name in ("add", "discard", "remove") and len(args) != 1) or (name == "copy" and args):
        raise Skip(line, f"set.{name}() with these arguments")
    if name in ("add", "discard", "remove"):
        item = reader.hashable(args[0], line)
        if name == "remove" and item not in owner:
            raise Skip(line, f"set.remove(): {item!r} is not in the set")
        owner.add(item) if name == "add" else owner.discard(item)
        reader.size(owner, line)
        return None
    if name == "copy":
        reader.charge(len(owner), line)
        return type(owner)(owner)
    others = []
    for arg in args:  # lists, tuples, sets: their items, hashed
        found = list(arg) if isinstance(arg, (set, frozenset)) else reader.iterate(arg, line)
        others.append({item if isinstance(item, frozenset) else reader.hashable(item, line) for item in found})
    reader.charge(len(owner) + sum(len(o) for o in others), line)
    result = getattr(owner, name)(*others)
    if isinstance(result, (set, frozenset)):
        reader.size(result, line)
    return result


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
