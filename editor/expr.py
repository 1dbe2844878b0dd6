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
    op: str  # the keras.ops function it calls
    arity: int  # positional arguments
    reduces: bool  # takes axis= and keepdims=


FUNCTIONS: dict[str, Function] = {
    **{name: Function(name, 1, True) for name in ("mean", "sum", "max", "min", "std", "var", "logsumexp")},
    **{name: Function(name, 1, False) for name in (
        "abs", "square", "sqrt", "log", "log1p", "exp", "tanh", "sigmoid", "relu", "softplus", "sign", "negative")},
    "maximum": Function("maximum", 2, False),
    "minimum": Function("minimum", 2, False),
    "clip": Function("clip", 3, False),
    "power": Function("power", 2, False),
}
ALIASES = {"reduce_mean": "mean", "reduce_sum": "sum", "reduce_max": "max", "reduce_min": "min", "pow": "power"}
PREFIXES = frozenset({"K", "keras.backend", "ops", "keras.ops", "tf", "tf.math", "np"})

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED_OPS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~"}
_OPS_FUNCTIONS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "power"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4, "atom": 5}
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
    op: str  # one of + - * / **
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr


@dataclass(frozen=True)
class Call(Expr):
    func: str  # a key of FUNCTIONS
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Union[int, tuple[int, ...], bool]], ...] = ()


@dataclass(frozen=True)
class Slice:
    lower: int | None = None
    upper: int | None = None
    step: int | None = None


@dataclass(frozen=True)
class Subscript(Expr):
    value: Expr
    index: tuple[Union[int, Slice], ...]


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, BinOp):
        return (expr.left, expr.right)
    if isinstance(expr, Neg):
        return (expr.operand,)
    if isinstance(expr, Call):
        return expr.args
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

    def _index(self, node: ast.AST) -> int | Slice:
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
        kwargs = tuple(self._keyword(name, function, kw) for kw in node.keywords)
        starred = [arg for arg in node.args if isinstance(arg, ast.Starred)]
        if starred:
            raise self._refuse(starred[0])
        if len(node.args) != function.arity:
            plural = "" if function.arity == 1 else "s"
            hint = " (pass axis=... by keyword)" if function.reduces and node.args else ""
            raise self._error(node, f"{name}() takes {function.arity} argument{plural}, got {len(node.args)}", hint)
        if name == "power":
            self._exponent(node.args[1])
        return Call(name, tuple(self._expr(arg) for arg in node.args), kwargs)

    def _keyword(self, name: str, function: Function, kw: ast.keyword) -> tuple[str, int | tuple[int, ...] | bool]:
        if kw.arg is None:
            raise self._error(kw, "not allowed", f": '**' arguments in {name}()")
        if not function.reduces or kw.arg not in ("axis", "keepdims"):
            hint = " (allowed: axis, keepdims)" if function.reduces else ""
            raise self._error(kw, f"keyword '{kw.arg}' not allowed in {name}()", hint)
        value = kw.value
        if kw.arg == "keepdims":
            if not (isinstance(value, ast.Constant) and isinstance(value.value, bool)):
                raise self._error(value, "keepdims must be True or False")
            return "keepdims", value.value
        message = "axis must be an integer or a tuple of integers"
        if isinstance(value, ast.Tuple) and value.elts:
            return "axis", tuple(self._int(item, message) for item in value.elts)
        return "axis", self._int(value, message)


# ----------------------------------------------------------------------------- printing

def _precedence(expr: Expr) -> int:
    if isinstance(expr, BinOp):
        return _PRECEDENCE[expr.op]
    return _PRECEDENCE["neg" if isinstance(expr, Neg) else "atom"]


def _number_text(value: int | float) -> str:
    """repr() round-trips exactly; drop the exponent's '+' and leading zeros (1e-07 -> 1e-7)."""
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", repr(value))


def _keyword_text(value: int | tuple[int, ...] | bool) -> str:
    if isinstance(value, tuple):
        return f"({value[0]},)" if len(value) == 1 else f"({', '.join(map(str, value))})"
    return str(value)


def _index_text(item: int | Slice) -> str:
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
        else:  # left-associative
            left, right = _precedence(expr.left) < own, _precedence(expr.right) <= own
        return f"{sub(expr.left, left)} {expr.op} {sub(expr.right, right)}"
    if isinstance(expr, Call):
        args = [_render(arg, function, name) for arg in expr.args]
        args += [f"{key}={_keyword_text(value)}" for key, value in expr.kwargs]
        return f"{function(expr.func)}({', '.join(args)})"
    value = sub(expr.value, _precedence(expr.value) < _PRECEDENCE["atom"])
    return f"{value}[{', '.join(map(_index_text, expr.index))}]"


def normalise(expr: Expr) -> str:
    """Canonical text: bare function names, minimal parentheses; parse(normalise(e)) == e."""
    return _render(expr, lambda func: func, lambda name: name)


def to_python(expr: Expr, rename: Mapping[str, str] | None = None, ops_name: str = "ops") -> str:
    """Python source computing `expr` with keras.ops (`from keras import ops`), for generated code."""
    rename = dict(rename or {})
    for target in [*rename.values(), ops_name]:
        if not target.isidentifier() or keyword.iskeyword(target):
            raise ValueError(f"{target!r} is not a Python identifier")
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


def describe_language() -> str:
    """Short help for the UI: what an expression may contain."""
    reductions = ", ".join(name for name, function in FUNCTIONS.items() if function.reduces)
    elementwise = ", ".join(name for name, function in FUNCTIONS.items() if function.arity == 1 and not function.reduces)
    return (
        "A loss expression uses the tensor names, numbers, + - * / ** (with a number as exponent, "
        f"at most {MAX_EXPONENT}), parentheses and slices like y_pred[:, 1:].\n"
        f"Reductions: {reductions} - e.g. mean(x), sum(x, axis=-1, keepdims=True).\n"
        f"Element-wise: {elementwise}; also maximum(a, b), minimum(a, b), clip(x, low, high), power(x, n).\n"
        "Functions may also be written K.mean, ops.mean, keras.ops.mean, tf.reduce_mean, np.mean."
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
            return getattr(ops, _OPS_FUNCTIONS[node.op])(walk(node.left), walk(node.right))
        if isinstance(node, Call):
            return getattr(ops, FUNCTIONS[node.func].op)(*map(walk, node.args), **dict(node.kwargs))
        key = tuple(item if isinstance(item, int) else slice(item.lower, item.upper, item.step)
                    for item in node.index)
        return walk(node.value)[key]

    return walk(expr)


def _first_line(error: Exception) -> str:
    text = re.sub(r"\{\{.*?\}\}\s*|\s*name:\s*$", "", str(error)).strip()  # TensorFlow's decorations
    line = text.splitlines()[0] if text else type(error).__name__
    return line if len(line) <= 200 else line[:197] + "..."


def dry_run(expr: Expr, shapes: Mapping[str, tuple], expect: str) -> tuple:
    """Evaluate on seeded random data (batch of 4, None dims -> 3) and check the result.

    `expect` is "scalar" (a loss node: one number) or "per_sample" (a per-output loss:
    one number, or one value per sample). Returns the result's shape.
    """
    import numpy as np
    from keras import ops

    if expect not in ("scalar", "per_sample"):
        raise ValueError(f"expect must be 'scalar' or 'per_sample', not {expect!r}")
    missing = sorted(expr.names_used - set(shapes))
    if missing:
        raise ExprError(f"no shape known for {', '.join(missing)}")
    sizes = {name: (BATCH, *(3 if d is None else d for d in shapes[name])) for name in shapes if name in expr.names_used}
    if any(math.prod(size) > MAX_TEST_VALUES for size in sizes.values()):
        raise ExprError(f"inputs too large for a test run (limit {MAX_TEST_VALUES:,} values per tensor)")
    rng = np.random.default_rng(0)
    try:
        env = {name: rng.uniform(0.05, 1.0, size).astype("float32") for name, size in sizes.items()}
        result = np.asarray(ops.convert_to_numpy(evaluate(expr, env)))
    except Exception as error:
        given = ", ".join(f"{name} {tuple(shapes[name])}" for name in sizes)
        raise ExprError(f"cannot be computed for inputs shaped {given}: {_first_line(error)}") from error
    if not np.all(np.isfinite(result)):
        raise ExprError("gives NaN or Inf on test data (random values between 0.05 and 1)")
    shape = tuple(result.shape)
    if expect == "scalar" and shape:
        raise ExprError(f"must reduce to a single number; it gives shape {shape}: wrap it in mean(...)")
    if expect == "per_sample" and shape and shape[0] != BATCH:
        raise ExprError(f"must give one number, or one value per sample; it gives shape {shape} "
                        f"for a batch of {BATCH}")
    return shape
