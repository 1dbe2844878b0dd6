"""A small, safe expression language for loss nodes, per-output losses and op nodes: its
parser and the edits made on its text (check, rename, settings).

Users type formulas such as ``K.mean(K.abs(y_true - y_pred))``. The text is never run by
Python: ``ast.parse`` only builds a syntax tree, which is checked against a whitelist and
copied into the small immutable tree of editor.model.expr_tree. That tree is printed back
(normalise, to_python; editor.model.expr_tree) or computed with keras.ops by walking it
(evaluate, dry_run; editor.model.expr_compute). The functions it may call are listed in
editor.model.expr_functions. This module is the language's entry point: it re-exports
those names, so callers write `expr.parse`, `expr.FUNCTIONS`, `expr.dry_run`.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import warnings
from types import EllipsisType
from typing import Sequence

from editor.model.expr_compute import BATCH, MAX_TEST_VALUES, dry_run, evaluate  # noqa: F401 - re-exported
from editor.model.expr_functions import (  # noqa: F401 - re-exported
    ALIASES, CONSTANTS, DTYPE_NAMES, FUNCTIONS, KERAS_OP_NAMES, LIST, OPERATORS, PREFIXES, Function, may_name_an_op,
    ops_need_names,
)
from editor.model.expr_tree import (  # noqa: F401 - re-exported
    BinOp, Call, Constant, Expr, ExprError, Name, Neg, Num, Slice, Subscript, TensorList, call_arguments,
    constant_text, normalise, to_python,
)

MAX_LENGTH = 2000
MAX_BRACKETS = 32
MAX_NODES = 500
MAX_DEPTH = 100
MAX_NUMBER = 1e12
MAX_EXPONENT = 16
_SOURCE = "<loss expression>"
# Typos like "1if" make the parser print SyntaxWarnings; keep them out of the logs.
warnings.filterwarnings("ignore", category=SyntaxWarning, module=re.escape(_SOURCE) + r"\Z")

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}
_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
_REFUSED_OPS = {ast.FloorDiv: "//", ast.Mod: "%", ast.LShift: "<<", ast.RShift: ">>",
                ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~"}
_KINDS = {ast.Lambda: "lambda", ast.ListComp: "list comprehension", ast.SetComp: "set comprehension",
          ast.DictComp: "dict comprehension", ast.GeneratorExp: "generator expression", ast.Dict: "dict",
          ast.Set: "set", ast.List: "list", ast.Tuple: "tuple", ast.NamedExpr: "assignment ':='",
          ast.IfExp: "conditional expression", ast.Compare: "comparison", ast.BoolOp: "'and'/'or'",
          ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Starred: "star argument",
          ast.JoinedStr: "f-string"}


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
