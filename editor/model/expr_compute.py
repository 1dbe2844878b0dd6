"""Computing an expression with keras.ops: `evaluate` on tensors, and `dry_run` on seeded
random data to check what it gives. Apart so that parsing and printing never import
Keras or numpy (they are imported here, lazily)."""

from __future__ import annotations

import math
from types import EllipsisType
from typing import Mapping

from editor.model.expr_functions import FUNCTIONS, OPERATORS
from editor.model.expr_tree import BinOp, Call, Expr, ExprError, Name, Neg, Num, TensorList
from editor.model.problems import one_line

BATCH = 4
MAX_TEST_VALUES = 10_000_000


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
        raise ExprError(f"cannot be computed for inputs shaped {given}: {one_line(error, limit=200)}") from error
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
