"""The keras.ops functions and operators the expression language may call, how each may be
called, and the names Keras gives the operations they record. Apart from the parser so
that the tables read as one list (the palette, the code reader and the help text use them)."""

from __future__ import annotations

import re
from typing import NamedTuple

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

# The keras.ops function of each operator (what `a + b` calls on Keras tensors).
OPERATORS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "power", "@": "matmul",
             ">": "greater", "<": "less", ">=": "greater_equal", "<=": "less_equal", "==": "equal", "!=": "not_equal"}


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
