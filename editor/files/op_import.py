"""keras.ops entries of a model config -> op node expressions, by allowlist. No Keras.

Keras 3 saves each operation applied to symbolic tensors (`x + inputs`,
`ops.expand_dims(x, 1)`) as one entry of the functional config, module
`keras.src.ops.<numpy|nn|math|core>`, with its constant settings in `config` and its
tensors and numbers in the call's `args`. Each such entry becomes one op node whose
expression, in editor.model.expr's language, computes the same operation; anything else
under keras.src.ops is refused in one line naming it.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

from editor.model import expr, names
from editor.errors import UserError
from editor.model.expr import BinOp, Call, Expr, Name, Neg, Num, Slice, Subscript, TensorList

OPS_MODULES = frozenset({"keras.src.ops.numpy", "keras.src.ops.nn", "keras.src.ops.math", "keras.src.ops.core"})
# Keras operation class -> the operator of the language (binary operations)
OPERATOR_CLASSES = {"Add": "+", "Subtract": "-", "Multiply": "*", "Divide": "/", "TrueDivide": "/", "Matmul": "@",
                    "Greater": ">", "Less": "<", "GreaterEqual": ">=", "LessEqual": "<=", "Equal": "==",
                    "NotEqual": "!="}
# Keras operation class -> the function of the language
FUNCTION_CLASSES = {
    "Mean": "mean", "Sum": "sum", "Max": "max", "Min": "min", "Std": "std", "Var": "var", "Logsumexp": "logsumexp",
    "Absolute": "abs", "Square": "square", "Sqrt": "sqrt", "Log": "log", "Log1p": "log1p", "Exp": "exp",
    "Tanh": "tanh", "Sigmoid": "sigmoid", "Relu": "relu", "Softplus": "softplus", "Sign": "sign",
    "Gelu": "gelu", "Softmax": "softmax", "Maximum": "maximum", "Minimum": "minimum", "Clip": "clip",
    "Power": "power", "Where": "where", "ExpandDims": "expand_dims", "Squeeze": "squeeze", "Reshape": "reshape",
    "Transpose": "transpose", "Cast": "cast", "Concatenate": "concatenate", "Stack": "stack",
}
OP_CLASSES = frozenset(OPERATOR_CLASSES) | frozenset(FUNCTION_CLASSES) | {"Negative", "GetItem"}
# Settings Keras saves that the language leaves at their defaults.
_NEUTRAL_SETTINGS = {"initial": None}
_ARGUMENT_SETTINGS = {"Clip": ("x_min", "x_max")}  # settings the language passes as arguments


class OpRefused(UserError, ValueError):
    """An operation the editor cannot express (one line, without the place: the caller adds it)."""


def is_op_entry(entry: dict) -> bool:
    module = entry.get("module")
    return isinstance(module, str) and module.startswith("keras.src.ops.")


def op_refusal(module: str, class_name: str) -> Optional[str]:
    """Why a keras.src.ops entry cannot be imported, or None."""
    if module in OPS_MODULES and class_name in OP_CLASSES:
        return None
    return f"the keras.ops operation '{class_name}' is not one the editor has a node for (README: op nodes)"


def op_expression(class_name: str, settings: dict, args: list, kwargs: dict,
                  tensor: Callable[[Any], Optional[Any]]) -> tuple[str, list[str], list]:
    """(expression text, its tensor names, the tensors they name) for one call of an operation.

    `tensor(value)` is the importer's reading of a serialised tensor (None if `value` is
    not one); the tensors become names made from their layers' names (`dense`, `x_in`).
    """
    if kwargs:
        raise OpRefused(f"called with keyword arguments {', '.join(sorted(map(str, kwargs)))}")
    namer = _Namer(tensor)
    settings = {k: v for k, v in settings.items() if k != "name"}
    for key, neutral in _NEUTRAL_SETTINGS.items():
        if key in settings and settings.pop(key) != neutral:
            raise OpRefused(f"its setting {key} is not expressible")
    if class_name in OPERATOR_CLASSES:
        tree: Expr = BinOp(OPERATOR_CLASSES[class_name], *namer.values(args, 2))
    elif class_name == "Negative":
        tree = Neg(*namer.values(args, 1))
    elif class_name == "GetItem":
        if len(args) != 2:
            raise OpRefused("an index with other than one tensor and one key")
        tree = Subscript(namer.value(args[0]), _index(args[1]))
    else:
        tree = _call(FUNCTION_CLASSES[class_name], class_name, settings, args, namer)
        settings = {}
    if settings:
        raise OpRefused(f"its settings {', '.join(sorted(settings))} are not expressible")
    if class_name == "Power" and isinstance(tree, Call) and isinstance(tree.args[1], Num) \
            and abs(tree.args[1].value) <= expr.MAX_EXPONENT:
        tree = BinOp("**", *tree.args)  # x ** 2 as people write it
    if not namer.tensors:
        raise OpRefused("applied to no tensor")
    try:
        text = expr.normalise(tree)
        expr.parse(text, namer.names)  # what the language accepts, and nothing else
    except expr.ExprError as err:
        raise OpRefused(str(err)) from None
    return text, namer.names, namer.tensors


def _call(function: str, class_name: str, settings: dict, args: list, namer: "_Namer") -> Call:
    spec = expr.FUNCTIONS[function]
    values: list[Expr]
    if spec.arity == expr.LIST:
        if len(args) != 1 or not isinstance(args[0], list):
            raise OpRefused("expects one list of tensors")
        values = [TensorList(tuple(namer.value(item) for item in args[0]))]
    else:
        extra = [settings.pop(key) for key in _ARGUMENT_SETTINGS.get(class_name, ()) if key in settings]
        values = namer.values(list(args) + extra, spec.arity)
    constants = []
    for key in spec.constants:
        if key in settings:
            value = settings.pop(key)
            constants.append((key, tuple(value) if isinstance(value, list) else value))
    unknown = sorted(settings)
    if unknown:
        raise OpRefused(f"its settings {', '.join(unknown)} are not expressible")
    missing = [key for key in spec.constants[:spec.required] if key not in dict(constants)]
    if missing:
        raise OpRefused(f"its config has no {missing[0]}")
    return Call(function, tuple(values), tuple(constants))


def _index(key: Any) -> tuple:
    items = key if isinstance(key, list) else [key]
    out = []
    for item in items:
        if isinstance(item, dict) and item.get("class_name") == "__ellipsis__":
            out.append(...)
        elif isinstance(item, dict) and item.get("class_name") == "__slice__":
            bounds = item.get("config") or {}
            parts = [bounds.get(k) for k in ("start", "stop", "step")]
            if not all(p is None or isinstance(p, int) and not isinstance(p, bool) for p in parts):
                raise OpRefused("a slice whose bounds are not integers")
            out.append(Slice(*parts))
        elif isinstance(item, int) and not isinstance(item, bool):
            out.append(item)
        else:
            raise OpRefused("an index that is not integers, slices or ...")
    if not out:
        raise OpRefused("an empty index")
    return tuple(out)


class _Namer:
    """Names for the tensors an operation takes, from their layers' names; numbers stay numbers."""

    def __init__(self, tensor: Callable[[Any], Optional[Any]]):
        self.tensor = tensor
        self.tensors: list = []
        self.names: list[str] = []

    def value(self, value: Any) -> Expr:
        found = self.tensor(value)
        if found is not None:
            if found in self.tensors:
                return Name(self.names[self.tensors.index(found)])
            self.tensors.append(found)
            self.names.append(names.unique(names.identifier(str(found[0])), set(self.names) | names.KEYWORDS))
            return Name(self.names[-1])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value) or abs(value) > expr.MAX_NUMBER:
                raise OpRefused(f"the number {value} is out of range")
            return Num(value) if value >= 0 else Neg(Num(-value))
        raise OpRefused("applied to a value that is neither a tensor nor a number")

    def values(self, args: list, count: int) -> list[Expr]:
        if len(args) != count:
            raise OpRefused(f"applied to {len(args)} values where it takes {count}")
        return [self.value(a) for a in args]
