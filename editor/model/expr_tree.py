"""The expression language's immutable tree, its one error type, and how a tree prints back
as text (normalise) or as Python for generated code (to_python). Apart from the parser so
that code that builds trees (the code reader, op import) needs no parsing."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from types import EllipsisType
from typing import Callable, Mapping, Union

from editor.errors import UserError
from editor.model.expr_functions import FUNCTIONS


class ExprError(UserError):
    """An expression outside the language; the one-line message is shown to the user."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


_PRECEDENCE = {**dict.fromkeys((">", "<", ">=", "<=", "==", "!="), 0), "+": 1, "-": 1, "*": 2, "/": 2, "@": 2,
               "neg": 3, "**": 4, "atom": 5}


class Expr:
    """Base of the immutable expression tree."""

    __slots__ = ()

    @property
    def names_used(self) -> frozenset[str]:
        if isinstance(self, Name):
            return frozenset({self.id})
        return frozenset().union(*(child.names_used for child in _children(self)))


@dataclass(frozen=True)
class Num(Expr):
    value: Union[int, float]


@dataclass(frozen=True)
class Name(Expr):
    id: str


@dataclass(frozen=True)
class BinOp(Expr):
    op: str  # a key of OPERATORS: + - * / ** @ or a comparison
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr


Constant = Union[int, tuple[int, ...], bool, str, None]


@dataclass(frozen=True)
class TensorList(Expr):
    """The list argument of concatenate([a, b]) and stack([a, b])."""

    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Call(Expr):
    func: str  # a key of FUNCTIONS
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Constant], ...] = ()  # constant arguments (keys of CONSTANTS), in call order

    def constant(self, key: str, default: Constant = None) -> Constant:
        return dict(self.kwargs).get(key, default)


@dataclass(frozen=True)
class Slice:
    lower: int | None = None
    upper: int | None = None
    step: int | None = None


@dataclass(frozen=True)
class Subscript(Expr):
    value: Expr
    index: tuple[Union[int, Slice, EllipsisType], ...]  # ... stands for all remaining axes


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, BinOp):
        return (expr.left, expr.right)
    if isinstance(expr, Neg):
        return (expr.operand,)
    if isinstance(expr, Call):
        return expr.args
    if isinstance(expr, TensorList):
        return expr.items
    if isinstance(expr, Subscript):
        return (expr.value,)
    return ()


# ----------------------------------------------------------------------------- printing

def _precedence(expr: Expr) -> int:
    if isinstance(expr, BinOp):
        return _PRECEDENCE[expr.op]
    return _PRECEDENCE["neg" if isinstance(expr, Neg) else "atom"]


def _number_text(value: int | float) -> str:
    """repr() round-trips exactly; drop the exponent's '+' and leading zeros (1e-07 -> 1e-7)."""
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", repr(value))


def constant_text(value: Constant) -> str:
    """A constant argument as Python writes it: 1, (0, 2, 1), True, "float16", None."""
    if isinstance(value, tuple):
        return f"({value[0]},)" if len(value) == 1 else f"({', '.join(map(str, value))})"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def call_arguments(call: Call, args: list[str]) -> list[str]:
    """The arguments of a call as a person writes them: tensors, then the required
    constants by position (expand_dims(x, 1)), then the optional ones by keyword."""
    required = FUNCTIONS[call.func].constants[:FUNCTIONS[call.func].required]
    return args + [constant_text(v) if k in required else f"{k}={constant_text(v)}" for k, v in call.kwargs]


def _index_text(item: int | Slice | EllipsisType) -> str:
    if item is ...:
        return "..."
    if isinstance(item, int):
        return str(item)
    bounds = ["" if bound is None else str(bound) for bound in (item.lower, item.upper)]
    return ":".join(bounds + ([] if item.step is None else [str(item.step)]))


def _render(expr: Expr, function: Callable[[str], str], name: Callable[[str], str]) -> str:
    """Python-syntax text of `expr` with as few parentheses as its structure allows."""
    def sub(child: Expr, parens: bool) -> str:
        text = _render(child, function, name)
        return f"({text})" if parens else text

    if isinstance(expr, Num):
        return _number_text(expr.value)
    if isinstance(expr, Name):
        return name(expr.id)
    if isinstance(expr, Neg):  # "-(-x)" rather than "--x", for readability
        return "-" + sub(expr.operand, _precedence(expr.operand) <= _PRECEDENCE["neg"])
    if isinstance(expr, BinOp):
        own = _PRECEDENCE[expr.op]
        if expr.op == "**":  # right-associative, and binds tighter than unary minus on its left
            left, right = _precedence(expr.left) <= own, _precedence(expr.right) < _PRECEDENCE["neg"]
        elif own == 0:  # comparisons do not chain: a > b > c means something else in Python
            left, right = _precedence(expr.left) <= own, _precedence(expr.right) <= own
        else:  # left-associative
            left, right = _precedence(expr.left) < own, _precedence(expr.right) <= own
        return f"{sub(expr.left, left)} {expr.op} {sub(expr.right, right)}"
    if isinstance(expr, TensorList):
        return "[" + ", ".join(_render(item, function, name) for item in expr.items) + "]"
    if isinstance(expr, Call):
        args = call_arguments(expr, [_render(arg, function, name) for arg in expr.args])
        return f"{function(expr.func)}({', '.join(args)})"
    value = sub(expr.value, _precedence(expr.value) < _PRECEDENCE["atom"])
    return f"{value}[{', '.join(map(_index_text, expr.index))}]"


def normalise(expr: Expr) -> str:
    """Canonical text: bare function names, minimal parentheses; parse(normalise(e)) == e."""
    return _render(expr, lambda func: func, lambda name: name)


def to_python(expr: Expr, rename: Mapping[str, str] | None = None, ops_name: str = "ops") -> str:
    """Python source computing `expr` with keras.ops (`from keras import ops`), for generated code."""
    rename = dict(rename or {})
    for target in [*rename.values(), ops_name]:  # a variable, or one output of a layer: lstm[1]
        if not re.fullmatch(r"[A-Za-z_]\w*(\[\d+\])?", target) or keyword.iskeyword(target.split("[")[0]):
            raise ValueError(f"{target!r} is not a Python variable")
    return _render(expr, lambda func: f"{ops_name}.{FUNCTIONS[func].op}", lambda name: rename.get(name, name))
