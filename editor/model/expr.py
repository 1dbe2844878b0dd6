"""A small, safe expression language for custom losses.

Users type formulas such as ``K.mean(K.abs(y_true - y_pred))``. The text is never run by
Python: ``ast.parse`` only builds a syntax tree, which is checked against a whitelist and
copied into the small immutable tree below. That tree is printed back (normalise,
to_python) or computed with keras.ops by walking it (evaluate, dry_run). Keras and
numpy are imported lazily so that parsing stays fast and light.
"""
from __future__ import annotations

import ast
import keyword
import math
import re
import warnings
from dataclasses import dataclass
from types import EllipsisType
from typing import Callable, Mapping, NamedTuple, Sequence, Union

from editor.errors import UserError

MAX_LENGTH = 2000
MAX_BRACKETS = 32
MAX_NODES = 500
MAX_DEPTH = 100
MAX_NUMBER = 1e12
MAX_EXPONENT = 16
BATCH = 4
MAX_TEST_VALUES = 10_000_000
_SOURCE = "<loss expression>"
# Typos like "1if" make the parser print SyntaxWarnings; keep them out of the logs.
warnings.filterwarnings("ignore", category=SyntaxWarning, module=re.escape(_SOURCE) + r"\Z")


class ExprError(UserError):
    """An expression outside the language; the one-line message is shown to the user."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


class Function(NamedTuple):
    """One function of the language: a keras.ops function and how it may be called."""

    op: str  # the keras.ops function it calls
    arity: int  # tensor (or number) arguments; LIST: one list of tensors, as concatenate([a, b])
    constants: tuple[str, ...] = ()  # constant arguments (CONSTANTS), after the tensors or by keyword
    required: int = 0  # how many of `constants` must be given

    @property
    def reduces(self) -> bool:
        return "keepdims" in self.constants


LIST = -1
# The constant arguments a function may take, and what each holds.
CONSTANTS = {
    "axis": "an integer or a tuple of integers",
    "keepdims": "True or False",
    "approximate": "True or False",
    "newshape": "a tuple of integers (-1 for one unknown size)",
    "axes": "a tuple of integers",
    "dtype": "a dtype name in quotes, e.g. 'float16'",
}
DTYPE_NAMES = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")
_REDUCES = ("axis", "keepdims")

# One language for loss expressions and op nodes: the keras.ops functions both may call.
FUNCTIONS: dict[str, Function] = {
    **{name: Function(name, 1, _REDUCES) for name in ("mean", "sum", "max", "min", "std", "var", "logsumexp")},
    **{name: Function(name, 1) for name in (
        "abs", "square", "sqrt", "log", "log1p", "exp", "tanh", "sigmoid", "relu", "softplus", "sign", "negative")},
    "gelu": Function("gelu", 1, ("approximate",)),
    "softmax": Function("softmax", 1, ("axis",)),
    "maximum": Function("maximum", 2),
    "minimum": Function("minimum", 2),
    "clip": Function("clip", 3),
    "power": Function("power", 2),
    "matmul": Function("matmul", 2),
    "where": Function("where", 3),
    "expand_dims": Function("expand_dims", 1, ("axis",), 1),
    "squeeze": Function("squeeze", 1, ("axis",)),
    "reshape": Function("reshape", 1, ("newshape",), 1),
    "transpose": Function("transpose", 1, ("axes",)),
    "cast": Function("cast", 1, ("dtype",), 1),
    "concatenate": Function("concatenate", LIST, ("axis",)),
    "stack": Function("stack", LIST, ("axis",)),
}
ALIASES = {"reduce_mean": "mean", "reduce_sum": "sum", "reduce_max": "max", "reduce_min": "min", "pow": "power",
           "concat": "concatenate", "absolute": "abs"}
PREFIXES = frozenset({"K", "keras.backend", "ops", "keras.ops", "ops.nn", "keras.ops.nn", "tf", "tf.math", "tf.nn", "np"})

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}
_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
_REFUSED_OPS = {ast.FloorDiv: "//", ast.Mod: "%", ast.LShift: "<<", ast.RShift: ">>",
                ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~"}
# The keras.ops function of each operator (what `a + b` calls on Keras tensors).
OPERATORS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "power", "@": "matmul",
             ">": "greater", "<": "less", ">=": "greater_equal", "<=": "less_equal", "==": "equal", "!=": "not_equal"}
_PRECEDENCE = {**dict.fromkeys(_COMPARE.values(), 0), "+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "neg": 3, "**": 4,
               "atom": 5}
_KINDS = {ast.Lambda: "lambda", ast.ListComp: "list comprehension", ast.SetComp: "set comprehension",
          ast.DictComp: "dict comprehension", ast.GeneratorExp: "generator expression", ast.Dict: "dict",
          ast.Set: "set", ast.List: "list", ast.Tuple: "tuple", ast.NamedExpr: "assignment ':='",
          ast.IfExp: "conditional expression", ast.Compare: "comparison", ast.BoolOp: "'and'/'or'",
          ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Starred: "star argument",
          ast.JoinedStr: "f-string"}


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


# ----------------------------------------------------------------------------- parsing

def parse(text: str, names: Sequence[str]) -> Expr:
    """Check `text` against the language and return its tree; only `names` may appear free."""
    for name in names:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ExprError(f"tensor name {name!r} is not a valid identifier")
    if not isinstance(text, str):
        raise ExprError("the expression must be text")
    return _Parser(text, names).parse()


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _signed_number(node: ast.AST) -> int | float | None:
    """The value of a literal like 2, -1 or +0.5; None for anything else."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign, node = (-1 if isinstance(node.op, ast.USub) else 1), node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * node.value
    return None


class _Parser:
    """Turns one text into a tree; knows the source so errors can point at a column."""

    def __init__(self, text: str, names: Sequence[str]):
        self.text, self.names = text, tuple(names)
        self.body = text.lstrip()  # a leading indent is a syntax error in Python
        skipped = text[: len(text) - len(self.body)]
        self.line_shift, self.column_shift = skipped.count("\n"), len(skipped) - skipped.rfind("\n") - 1
        self.lines = re.split(r"\r\n?|\n", self.body)
        self.multiline = len(re.split(r"\r\n?|\n", text.strip())) > 1

    def parse(self) -> Expr:
        if len(self.text) > MAX_LENGTH:
            raise ExprError(f"expression too long ({len(self.text)} characters, limit {MAX_LENGTH})")
        if not self.body.strip():
            raise ExprError("the expression is empty")
        depth = _bracket_depth(self.text)  # before ast.parse: deep nesting can exhaust the parser
        if depth > MAX_BRACKETS:
            raise ExprError(f"nesting too deep ({depth} levels, limit {MAX_BRACKETS})")
        try:
            tree = ast.parse(self.body, filename=_SOURCE, mode="eval")
        except SyntaxError as err:
            message = (err.msg or "invalid syntax").splitlines()[0]
            if not err.lineno or err.lineno > len(self.lines):
                raise ExprError(f"syntax error: {message}") from None
            offset = err.offset or len(self.lines[err.lineno - 1]) + 1  # 0 means "at the end"
            where, column = self._where(err.lineno, offset)
            raise ExprError(f"syntax error {where}: {message}", column) from None
        except (RecursionError, MemoryError):
            raise ExprError("nesting too deep (the expression is too complex)") from None
        self._check_size(tree.body)
        return self._expr(tree.body)

    @staticmethod
    def _check_size(root: ast.AST) -> None:
        count, deepest, stack = 0, 0, [(root, 1)]
        while stack:  # iterative: the tree may be deeper than Python's recursion limit
            node, depth = stack.pop()
            if isinstance(node, ast.expr):
                count, deepest = count + 1, max(deepest, depth)
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
        if count > MAX_NODES:
            raise ExprError(f"expression too large ({count} parts, limit {MAX_NODES})")
        if deepest > MAX_DEPTH:
            raise ExprError(f"nesting too deep ({deepest} levels, limit {MAX_DEPTH})")

    # --- error messages

    def _where(self, lineno: int, column: int) -> tuple[str, int]:
        if lineno == 1:
            column += self.column_shift
        lineno += self.line_shift
        return (f"at line {lineno}, column {column}" if self.multiline else f"at column {column}"), column

    def _error(self, node: ast.AST, before: str, after: str = "") -> ExprError:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        column = len(line.encode()[: node.col_offset].decode("utf-8", "ignore")) + 1  # col_offset counts bytes
        where, column = self._where(node.lineno, column)
        return ExprError(f"{before} {where}{after}", column)

    def _snippet(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.body, node) or ""
        text = "".join(c if c.isprintable() else " " for c in text)
        return text if len(text) <= 40 else text[:37] + "..."

    def _refuse(self, node: ast.AST) -> ExprError:
        if isinstance(node, ast.Attribute):
            inner = node
            while isinstance(inner.value, ast.Attribute):
                inner = inner.value
            target = node if isinstance(inner.value, ast.Name) else inner
            return self._error(target, "not allowed", f": attribute access '{self._snippet(target)}' "
                                                     "(only functions like mean(...), ops.mean(...))")
        kind = _KINDS.get(type(node), type(node).__name__.lower())
        return self._error(node, "not allowed", f": {kind} '{self._snippet(node)}'")

    # --- the whitelist walk

    def _expr(self, node: ast.AST) -> Expr:
        if isinstance(node, ast.Constant):
            return Num(self._number(node))
        if isinstance(node, ast.Name):
            if node.id not in self.names:
                available = ", ".join(self.names) or "none"
                raise self._error(node, f"unknown name '{node.id}'", f" (available: {available})")
            return Name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self._expr(node.operand)
            return Neg(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, (ast.BinOp, ast.UnaryOp)) and type(node.op) in _REFUSED_OPS:
            symbol = _REFUSED_OPS[type(node.op)]
            raise self._error(node, f"operator '{symbol}' is not allowed", " (use + - * / **)")
        if isinstance(node, ast.BinOp):
            op = _BINARY[type(node.op)]
            right = self._exponent(node.right) if op == "**" else self._expr(node.right)
            return BinOp(op, self._expr(node.left), right)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            return BinOp(_COMPARE[type(node.ops[0])], self._expr(node.left), self._expr(node.comparators[0]))
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Subscript):
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if not items:
                raise self._error(node.slice, "an index must be integers or slices like [:, 1:]")
            if _signed_number(node.value) is not None:
                raise self._error(node, "only tensors can be indexed, not numbers")
            return Subscript(self._expr(node.value), tuple(self._index(item) for item in items))
        raise self._refuse(node)

    def _number(self, node: ast.Constant) -> int | float:
        value = node.value
        if isinstance(value, bool):
            raise self._error(node, "True/False are only allowed as keepdims=...")
        if isinstance(value, (int, float)):
            if not math.isfinite(value) or abs(value) > MAX_NUMBER:
                raise self._error(node, "number too large", f" (limit {MAX_NUMBER:g})".replace("+", ""))
            return value
        kinds = {str: "strings are", bytes: "bytes are", complex: "complex numbers are",
                 type(None): "None is", type(...): "'...' is"}
        raise self._error(node, f"{kinds.get(type(value), 'this constant is')} not allowed")

    def _exponent(self, node: ast.AST) -> Expr:
        value = _signed_number(node)
        if value is None:
            raise self._error(node, "the exponent must be a plain number")
        if abs(value) > MAX_EXPONENT:
            raise self._error(node, "exponent too large", f" (limit {MAX_EXPONENT})")
        return self._expr(node)

    def _int(self, node: ast.AST, message: str) -> int:
        value = _signed_number(node)
        if not isinstance(value, int) or abs(value) > MAX_NUMBER:
            raise self._error(node, message)
        return value

    def _index(self, node: ast.AST) -> int | Slice | EllipsisType:
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return ...
        if not isinstance(node, ast.Slice):
            if _signed_number(node) is None:
                raise self._error(node, "not allowed", f": index '{self._snippet(node)}' "
                                                      "(indexes must be integers or slices like [:, 1:])")
            return self._int(node, "an index must be an integer")
        lower, upper, step = (None if part is None else self._int(part, "a slice bound must be an integer")
                              for part in (node.lower, node.upper, node.step))
        if step == 0:
            raise self._error(node, "slice step cannot be zero")
        return Slice(lower, upper, step)

    def _function_name(self, func: ast.AST) -> str:
        parts, target = [], func
        while isinstance(target, ast.Attribute):
            parts.append(target.attr)
            target = target.value
        if not isinstance(target, ast.Name):
            if isinstance(func, ast.Attribute):
                raise self._refuse(func)
            raise self._error(func, "not allowed", f": calling '{self._snippet(func)}' "
                                                  "(only functions like mean(...), ops.mean(...))")
        spelled = ".".join([target.id, *reversed(parts)])
        prefix, _, bare = spelled.rpartition(".")
        if prefix and prefix not in PREFIXES:
            raise self._refuse(func)
        name = ALIASES.get(bare, bare)
        if name not in FUNCTIONS:
            raise self._error(func, f"unknown function '{spelled}'", f" (available: {', '.join(FUNCTIONS)})")
        return name

    def _call(self, node: ast.Call) -> Call:
        name = self._function_name(node.func)
        function = FUNCTIONS[name]
        starred = [arg for arg in node.args if isinstance(arg, ast.Starred)]
        if starred:
            raise self._refuse(starred[0])
        for kw in node.keywords:
            if kw.arg is None:
                raise self._error(kw, "not allowed", f": '**' arguments in {name}()")
            if kw.arg not in function.constants:
                hint = f" (allowed: {', '.join(function.constants)})" if function.constants else ""
                raise self._error(kw, f"keyword '{kw.arg}' not allowed in {name}()", hint)
        tensors = 1 if function.arity == LIST else function.arity
        if not tensors <= len(node.args) <= tensors + len(function.constants):
            plural = "" if tensors == 1 else "s"
            hint = f" (then {', '.join(function.constants)})" if function.constants else ""
            raise self._error(node, f"{name}() takes {tensors} argument{plural}, got {len(node.args)}", hint)
        given = list(zip(function.constants, node.args[tensors:]))
        for kw in node.keywords:
            if kw.arg in dict(given):
                raise self._error(kw, f"{name}() got '{kw.arg}' twice")
            given.append((kw.arg, kw.value))
        missing = [key for key in function.constants[:function.required] if key not in dict(given)]
        if missing:
            raise self._error(node, f"{name}() needs {missing[0]}=", f" ({CONSTANTS[missing[0]]})")
        if name == "power":
            self._exponent(node.args[1])
        if function.arity == LIST:
            args: tuple[Expr, ...] = (self._tensor_list(name, node.args[0]),)
        else:
            args = tuple(self._expr(arg) for arg in node.args[:tensors])
        order = {key: i for i, key in enumerate(function.constants)}
        kwargs = sorted(((key, self._constant(key, value)) for key, value in given), key=lambda kv: order[kv[0]])
        return Call(name, args, tuple(kwargs))

    def _tensor_list(self, name: str, node: ast.AST) -> TensorList:
        if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
            raise self._error(node, f"{name}() takes a list of tensors, e.g. {name}([a, b], axis=-1)")
        return TensorList(tuple(self._expr(item) for item in node.elts))

    def _constant(self, key: str, value: ast.AST) -> Constant:
        """A constant argument: checked against what CONSTANTS says it holds."""
        kind = CONSTANTS[key]
        if key in ("keepdims", "approximate"):
            if not (isinstance(value, ast.Constant) and isinstance(value.value, bool)):
                raise self._error(value, f"{key} must be True or False")
            return value.value
        if key == "dtype":
            if not (isinstance(value, ast.Constant) and value.value in DTYPE_NAMES):
                raise self._error(value, f"dtype must be one of {', '.join(DTYPE_NAMES)} (in quotes)")
            return value.value
        if isinstance(value, ast.Constant) and value.value is None and key in ("axis", "axes"):
            return None
        message = f"{key} must be {kind}"
        if isinstance(value, (ast.Tuple, ast.List)):
            if not value.elts or len(value.elts) > 8:
                raise self._error(value, message)
            return tuple(self._int(item, message) for item in value.elts)
        if key in ("newshape", "axes"):
            raise self._error(value, message)
        return self._int(value, message)


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


def check(text: str, names: Sequence[str]) -> str:
    """Parse `text` and return its canonical form (the `check-loss` command)."""
    return normalise(parse(text, names))


def rename(text: str, names: Sequence[str], old: str, new: str) -> str:
    """`text` with tensor `old` called `new` wherever it is used, the rest as typed: in
    `abs(abs)` only the argument is renamed, never a function. ExprError if `text` is
    outside the language."""
    parse(text, names)
    if not new.isidentifier() or keyword.iskeyword(new):
        raise ExprError(f"{new!r} is not a valid identifier")
    body = text.lstrip()
    tree = ast.parse(body, mode="eval")
    functions = {id(n) for call in ast.walk(tree) if isinstance(call, ast.Call) for n in ast.walk(call.func)}
    line_starts = [0] + [m.end() for m in re.finditer(r"\r\n?|\n", body)]
    spots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == old and id(node) not in functions:
            start = line_starts[node.lineno - 1]
            line = body[start:].encode()
            spots.append(start + len(line[: node.col_offset].decode()))  # col_offset counts bytes
    for at in sorted(spots, reverse=True):
        body = body[:at] + new + body[at + len(old):]
    return text[: len(text) - len(text.lstrip())] + body


def settings_of(tree: Expr) -> list[tuple[str, Constant | int | float]]:
    """The constants an op's form edits: a call's constant arguments (None: the default),
    or the number of `x * 2.0`; [] for anything else."""
    if isinstance(tree, Call):
        return [(key, tree.constant(key)) for key in FUNCTIONS[tree.func].constants]
    if isinstance(tree, BinOp):
        number = next((side for side in (tree.right, tree.left) if isinstance(side, Num)), None)
        if number is not None:
            return [("number", number.value)]
    return []


def with_setting(text: str, names: Sequence[str], key: str, value_text: str) -> str:
    """`text` (canonical) with constant `key` of settings_of() set from `value_text` as
    Python writes it ("1", "(0, 2, 1)", "True", "'float16'"; empty: the default)."""
    tree = parse(text, names)
    value_text = value_text.strip()
    if key == "number" and isinstance(tree, BinOp):
        node = _field(value_text, key)
        value = _signed_number(node)
        if value is None or isinstance(value, bool) or not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise ExprError("number: must be a plain number")
        new: Expr = Num(abs(value)) if value >= 0 else Neg(Num(-value))
        left, right = (new, tree.right) if isinstance(tree.left, Num) and not isinstance(tree.right, Num) else (tree.left, new)
        return normalise(BinOp(tree.op, left, right))
    if not isinstance(tree, Call) or key not in FUNCTIONS[tree.func].constants:
        raise ExprError(f"the expression has no setting '{key}'")
    spec = FUNCTIONS[tree.func]
    kwargs = dict(tree.kwargs)
    if not value_text:
        if key in spec.constants[:spec.required]:
            raise ExprError(f"{key} is needed: {CONSTANTS[key]}")
        kwargs.pop(key, None)
    else:
        kwargs[key] = _Parser(value_text, names)._constant(key, _field(value_text, key))
    ordered = tuple((k, kwargs[k]) for k in spec.constants if k in kwargs)
    return normalise(Call(tree.func, tree.args, ordered))


def _field(value_text: str, key: str) -> ast.AST:
    if len(value_text) > 200:
        raise ExprError(f"{key}: too long")
    try:
        return ast.parse(value_text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ExprError(f"{key}: not a value ({CONSTANTS.get(key, 'a number')})") from None


# The names Keras gives the operations this language records: a function's own name,
# but ops.abs records "absolute" and x[...] "get_item" (tests/test_op_nodes.py checks each
# against Keras). Keras numbers them ("add", "add_1", ...) without looking at the names
# the model's layers were given, so a layer named "add" beside `x + y` made Keras refuse
# the model ("the name 'add' is used 2 times").
KERAS_OP_NAMES = frozenset({*(f.op for f in FUNCTIONS.values()), *OPERATORS.values(), "absolute", "get_item"})


def may_name_an_op(name: str) -> bool:
    """True if Keras could give this name to an operation an expression records."""
    return re.sub(r"_[0-9]+$", "", name) in KERAS_OP_NAMES


def ops_need_names(kinds_and_names) -> bool:
    """The one rule build and codegen follow: an op node's operation is named after the
    node (rather than left to Keras) when the graph has op nodes and another node's name
    is one Keras might give an operation. `kinds_and_names`: (kind, name) of every node."""
    pairs = list(kinds_and_names)
    return any(kind == "op" for kind, _ in pairs) and any(kind != "op" and may_name_an_op(name) for kind, name in pairs)


def names_in(text: str) -> list[str]:
    """The tensor names `text` uses, in order of first use (not function names); [] when it
    is not Python syntax. For wiring: a new input takes the first name not yet bound."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    functions = {id(n) for call in ast.walk(tree) if isinstance(call, ast.Call) for n in ast.walk(call.func)}
    found = sorted((n.lineno, n.col_offset, n.id) for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in functions)
    return list(dict.fromkeys(name for _, _, name in found))


def describe_language() -> str:
    """Short help for the UI: what an expression may contain."""
    reductions = ", ".join(name for name, function in FUNCTIONS.items() if function.reduces)
    elementwise = ", ".join(name for name, function in FUNCTIONS.items() if function.arity == 1 and not function.constants)
    return (
        "An expression uses the tensor names, numbers, + - * / @ ** (with a number as exponent, "
        f"at most {MAX_EXPONENT}), comparisons (a > 0), parentheses and slices like x[:, 1:] or x[..., :3].\n"
        f"Reductions: {reductions} - e.g. mean(x), sum(x, axis=-1, keepdims=True).\n"
        f"Element-wise: {elementwise}; also maximum(a, b), minimum(a, b), clip(x, low, high), power(x, n), "
        "softmax(x, axis=-1), gelu(x), where(a > 0, a, b), cast(x, \"float16\").\n"
        "Shapes: matmul(a, b), expand_dims(x, 1), squeeze(x, axis=1), reshape(x, (-1, 4)), transpose(x, (0, 2, 1)), "
        "concatenate([a, b], axis=-1), stack([a, b], axis=1).\n"
        "Functions may also be written K.mean, ops.mean, keras.ops.mean, ops.nn.relu, tf.reduce_mean, np.mean."
    )


# ----------------------------------------------------------------------------- computing

def evaluate(expr: Expr, env: Mapping[str, object]):
    """Compute `expr` with keras.ops on the tensors in `env`, by walking the tree."""
    from keras import ops

    missing = sorted(expr.names_used - set(env))
    if missing:
        raise ExprError(f"no value for {', '.join(missing)}")

    def walk(node: Expr):
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Name):
            return env[node.id]
        if isinstance(node, Neg):
            return ops.negative(walk(node.operand))
        if isinstance(node, BinOp):  # the names come from our tables, never from the user's text
            return getattr(ops, OPERATORS[node.op])(walk(node.left), walk(node.right))
        if isinstance(node, TensorList):
            return [walk(item) for item in node.items]
        if isinstance(node, Call):
            return getattr(ops, FUNCTIONS[node.func].op)(*map(walk, node.args), **dict(node.kwargs))
        key = tuple(item if isinstance(item, (int, EllipsisType)) else slice(item.lower, item.upper, item.step)
                    for item in node.index)
        return walk(node.value)[key]

    return walk(expr)


def _first_line(error: Exception) -> str:
    text = re.sub(r"\{\{.*?\}\}\s*|\s*name:\s*$", "", str(error)).strip()  # TensorFlow's decorations
    line = text.splitlines()[0] if text else type(error).__name__
    return line if len(line) <= 200 else line[:197] + "..."


def _integral(dtype: str | None) -> bool:
    return bool(dtype) and (dtype.startswith(("int", "uint")) or dtype == "bool")


def dry_run(expr: Expr, shapes: Mapping[str, tuple], expect: str, dtypes: Mapping[str, str] | None = None) -> tuple:
    """Evaluate on seeded random data (batch of 4, None dims -> 3) and check the result.

    `expect` is "scalar" (a loss node: one number), "per_sample" (a per-output loss:
    one number, or one value per sample) or "tensor" (an op node: any shape, as long as
    it computes; what symbolic shapes cannot tell, as reshape(x, (-1, 7)) of 4 values).
    Returns the result's shape.
    """
    import numpy as np
    from keras import ops

    if expect not in ("scalar", "per_sample", "tensor"):
        raise ValueError(f"expect must be 'scalar', 'per_sample' or 'tensor', not {expect!r}")
    dtypes = dtypes or {}
    missing = sorted(expr.names_used - set(shapes))
    if missing:
        raise ExprError(f"no shape known for {', '.join(missing)}")
    sizes = {name: () if shapes[name] is None else (BATCH, *(3 if d is None else d for d in shapes[name]))
             for name in shapes if name in expr.names_used}  # None: a scalar tensor, no batch axis
    if any(math.prod(size) > MAX_TEST_VALUES for size in sizes.values()):
        raise ExprError(f"inputs too large for a test run (limit {MAX_TEST_VALUES:,} values per tensor)")
    rng = np.random.default_rng(0)
    try:
        env = {name: rng.integers(0, 2, size).astype(dtypes[name]) if _integral(dtypes.get(name))
               else rng.uniform(0.05, 1.0, size).astype(dtypes.get(name, "float32")) for name, size in sizes.items()}
        result = np.asarray(ops.convert_to_numpy(evaluate(expr, env)))
    except Exception as error:
        given = ", ".join(f"{name} {tuple(shapes[name] or ())}" for name in sizes)
        raise ExprError(f"cannot be computed for inputs shaped {given}: {_first_line(error)}") from error
    shape = tuple(result.shape)
    if expect == "tensor":
        return shape
    if not np.all(np.isfinite(result)):
        raise ExprError("gives NaN or Inf on test data (random values between 0.05 and 1)")
    if expect == "scalar" and shape:
        raise ExprError(f"must reduce to a single number; it gives shape {shape}: wrap it in mean(...)")
    if expect == "per_sample" and shape and shape[0] != BATCH:
        raise ExprError(f"must give one number, or one value per sample; it gives shape {shape} "
                        f"for a batch of {BATCH}")
    return shape
