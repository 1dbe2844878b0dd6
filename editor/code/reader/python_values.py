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
from typing import TYPE_CHECKING, Any, Optional

from editor.code.code_values import (BoundMethod, Function, Layer, LayerHandle, ModelValue, Namespace, Optimizer, Skip,
                                     Sym, kind_of)
from editor.code.reader import python_modules
from editor.code.reader.python_types import MODULES, Iterator, Method, Named, Partial, TupleType, items

if TYPE_CHECKING:  # the reader calls this module with itself
    from editor.code.reader import Reader

# Builtin names the reader knows besides editor.code.reader.expressions.BUILTINS.
BUILTINS = ("set", "frozenset", "type", "any", "all", "callable", "super", "issubclass", "classmethod",
            "staticmethod", "property")
# Python's own types, by the name the reader gives them (a builtin name, or what type() gives).
TYPES = {"builtins.int": int, "builtins.float": float, "builtins.str": str, "builtins.bool": bool,
         "builtins.list": list, "builtins.tuple": tuple, "builtins.dict": dict, "builtins.set": set,
         "builtins.frozenset": frozenset, "builtins.range": range, "builtins.NoneType": type(None),
         "collections.OrderedDict": OrderedDict}
CONSTANTS = {"math.pi": math.pi, "math.e": math.e, "math.tau": math.tau, "numpy.pi": math.pi, "numpy.e": math.e}
DATA = (int, float, bool, str, type(None), list, tuple, dict, set, frozenset, range)
KERAS_CLASSES = {"keras.layers.Layer": (Layer, ModelValue, LayerHandle), "keras.Layer": (Layer, ModelValue, LayerHandle),
                 "keras.Model": (ModelValue,), "keras.models.Model": (ModelValue,), "keras.KerasTensor": (Sym,)}
FUNCTION_MODULES = ("keras.activations", "keras.ops", "keras.layers", "keras.losses", "keras.metrics",
                    "keras.initializers", "keras.regularizers", "keras.optimizers", "tensorflow.nn", "tensorflow.math")
VALUES = (TupleType, Named, Partial, Iterator, Method, set, frozenset)  # the values whose attributes this module reads
__all__ = ["BUILTINS", "Iterator", "VALUES", "attribute", "binary", "call", "constant", "handles", "items",
           "make_set", "owns"]


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
    if isinstance(target, Namespace) and target.path.startswith("builtins."):
        return _builtin(reader, target.path[len("builtins."):], args, kwargs, node, scope)
    return python_modules.call(reader, target, args, kwargs, node, scope)



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
    if isinstance(value, (set, frozenset)) and attr in python_modules.SET_METHODS and (
            isinstance(value, set) or attr not in python_modules.SET_CHANGES):
        return Method(value, attr)
    raise Skip(line, f"the attribute .{attr} of a {kind_of(value)} is not model-building code")



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
    if isinstance(right, sets) and isinstance(op, (ast.In, ast.NotIn)):
        found = (left if isinstance(left, frozenset) else reader.hashable(left, line)) in right  # [1] in {1}: Skip
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
    if isinstance(op, (ast.Eq, ast.NotEq)) and all(isinstance(v, DATA) for v in (left, right)):
        return isinstance(op, ast.NotEq)  # a set equals no other kind of data (a tensor's == is its own)
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
    if isinstance(value, Sym) and value.multi:
        return None if not plain else False  # a call of several outputs may be a list or a tuple
    if plain and isinstance(kind, type):
        return isinstance(value, kind)
    if isinstance(kind, str) and kind in KERAS_CLASSES and isinstance(value, KERAS_CLASSES[kind]):
        return True
    if isinstance(kind, str) and kind not in KERAS_CLASSES:  # another Keras class: only a layer's own is certain
        if isinstance(value, Layer) and kind == f"keras.layers.{value.class_name}":
            return True
        return False if plain else None
    # a builtin type or Layer/Model/KerasTensor, and none of the reader's data: a tensor, a layer, a
    # function... is none of them (a Keras name may be a constant of any type, a dtype may be text)
    others = (Sym, Layer, ModelValue, Function, Partial, TupleType, Iterator, Method, Optimizer, BoundMethod)
    return False if plain or isinstance(value, others) or _function_name(value) else None


def _function_name(value: Any) -> bool:
    """A name in a Keras module that holds only functions, classes and modules (no constants)."""
    return isinstance(value, Namespace) and value.path.rpartition(".")[0] in FUNCTION_MODULES


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



def _set(reader: Reader, found: list, line: int) -> set:
    made = set()
    for item in found:
        made.add(reader.hashable(item, line) if not isinstance(item, frozenset) else item)
    reader.size(made, line)
    return made


