"""The palette's "ops" group: keras.ops a person puts between layers, as starting
expressions in the language of editor.model.expr (one language for op and loss nodes).

`x` is the tensor the op is added after; `y` a second tensor, named when it is wired
in (editor.model.edits gives a new input the first name the expression uses and no input
has). Numbers and axes are starting values, edited in the inspector.
"""

from __future__ import annotations

# name (the node's name, and the palette's label) -> starting expression
OPS: dict[str, str] = {
    "add": "x + y",
    "subtract": "x - y",
    "multiply": "x * y",
    "divide": "x / y",
    "scale": "x * 2.0",
    "shift": "x + 1.0",
    "negate": "-x",
    "power": "x ** 2",
    "matmul": "x @ y",
    "expand_dims": "expand_dims(x, 1)",
    "squeeze": "squeeze(x, axis=1)",
    "reshape": "reshape(x, (-1, 4))",
    "transpose": "transpose(x, axes=(0, 2, 1))",
    "concatenate": "concatenate([x, y], axis=-1)",
    "stack": "stack([x, y], axis=1)",
    "first_step": "x[:, 0]",
    "slice_last_axis": "x[..., :3]",
    "mean": "mean(x, axis=-1)",
    "sum": "sum(x, axis=-1)",
    "max": "max(x, axis=-1)",
    "min": "min(x, axis=-1)",
    "abs": "abs(x)",
    "exp": "exp(x)",
    "log": "log(x)",
    "sqrt": "sqrt(x)",
    "square": "square(x)",
    "clip": "clip(x, 0.0, 1.0)",
    "relu": "relu(x)",
    "gelu": "gelu(x)",
    "sigmoid": "sigmoid(x)",
    "tanh": "tanh(x)",
    "softmax": "softmax(x, axis=-1)",
    "cast": 'cast(x, "float16")',
    "where": "where(x > 0.0, x, y)",
}
