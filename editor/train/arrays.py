"""The numbers of the synthetic data: numpy only, seeded, and standalone on purpose.

editor.train.synthetic decides *what* each model input and output gets (shapes, integer ranges,
target kinds); this module draws the arrays. It imports nothing but math and numpy, so
editor.code.codegen copies its functions verbatim into exported code: a `train()` written
out for a project draws exactly the arrays the editor trains on, for the same seed
(tests/test_codegen_train.py checks it).

Task "learnable": targets and label inputs are a fixed random function of the other
inputs (a seeded random projection of the standardised inputs onto RANK features, then
a second projection per target, through argmax / sign / tanh), so a model can fit them
and the loss visibly falls. Task "noise": the same kinds of values, independent of the
inputs.
"""

import math

import numpy as np

RANK = 8  # features of the hidden random function behind "learnable" targets
CIRCLE_CLASSES = 4  # classes of the labels drawn for Keras's Circle loss


def numpy_dtype(dtype):
    """numpy lacks bfloat16: such inputs travel as float32 and the model casts them."""
    return np.dtype("float32" if dtype == "bfloat16" else dtype)


def target_shape(kind, output_shape):
    """Per-sample shape of the targets of an output of `output_shape` (no batch dim)."""
    shape = tuple(output_shape)
    if kind == "classes":
        return shape[:-1]
    if kind == "labels":
        return ()
    if kind == "ctc":
        steps = shape[0] if len(shape) >= 2 else 1
        return (max(1, steps // 2),)
    return shape


def random_input(rng, dtype, shape, high):
    """An input array: integers in [0, high) when `high` is set, else standard normal."""
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if high is not None:
        return rng.integers(0, high, size=shape).astype(numpy_dtype(dtype))
    return rng.standard_normal(shape, dtype=np.float32).astype(numpy_dtype(dtype), copy=False)


def features(rng, arrays, samples):
    """(samples, RANK) standard-normal-ish features: a random projection of the inputs."""
    z = np.zeros((samples, RANK), dtype=np.float32)
    for array in arrays:
        flat = array.reshape(samples, -1).astype(np.float32)
        std = float(flat.std()) or 1.0
        flat = (flat - float(flat.mean())) / std
        w = rng.standard_normal((flat.shape[1], RANK), dtype=np.float32)
        z += flat @ w / math.sqrt(flat.shape[1] * max(1, len(arrays)))
    std = z.std(axis=0, keepdims=True)
    return z / np.where(std > 0, std, 1.0)


def signal(rng, z, samples, shape):
    """Real values of `shape` per sample, roughly standard normal: z @ W (or noise)."""
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if z is None:
        values = rng.standard_normal((samples, size), dtype=np.float32)
    else:
        w = rng.standard_normal((RANK, size), dtype=np.float32) / math.sqrt(RANK)
        values = z @ w
    return values.reshape((samples, *shape))


def target(rng, kind, z, samples, output_shape):
    """Targets that fit a loss of `kind` (see editor.train.synthetic.target_kind) for one output."""
    shape = target_shape(kind, output_shape)
    if kind in ("classes", "onehot", "probabilities"):
        classes = output_shape[-1] if output_shape else 1
        logits = signal(rng, z, samples, (*shape, classes) if kind == "classes" else shape)
        if kind == "probabilities":
            e = np.exp(logits - logits.max(axis=-1, keepdims=True))
            return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
        index = logits.argmax(axis=-1)
        if kind == "classes":
            return index.astype(np.int32)
        return np.eye(classes, dtype=np.float32)[index]
    if kind == "labels":
        return signal(rng, z, samples, (CIRCLE_CLASSES,)).argmax(axis=-1).astype(np.int32)
    if kind == "ctc":
        classes = output_shape[-1] if output_shape else 2
        logits = signal(rng, z, samples, (*shape, max(1, classes - 1)))
        return (logits.argmax(axis=-1) + 1).astype(np.int32)  # 0 is the blank
    values = signal(rng, z, samples, shape)
    if kind == "binary":
        return (values > 0).astype(np.float32)
    return np.tanh(values).astype(np.float32, copy=False)


def label_input(rng, dtype, z, samples, shape, high):
    """A label input (read only by loss nodes): like a target, so it can be fit."""
    if dtype == "bool":
        return signal(rng, z, samples, shape) > 0
    values = np.tanh(signal(rng, z, samples, shape))
    if high is not None:
        return np.minimum((values + 1) / 2 * high, high - 1).astype(numpy_dtype(dtype))
    return values.astype(numpy_dtype(dtype))


def make_arrays(inputs, targets, samples, seed=0, task="learnable"):
    """(x, y) for model.fit, in model order.

    inputs: one (shape, dtype, high, is_label) per model input, shape per sample with
    no None; high: integer values stay below it (None: real values).
    targets: one (kind, output_shape) per model output, or None where no loss needs one
    (y holds None there).
    """
    rng = np.random.default_rng(seed)
    x = [None] * len(inputs)
    for i, (shape, dtype, high, is_label) in enumerate(inputs):
        if not is_label:
            x[i] = random_input(rng, dtype, (samples, *shape), high)
    hidden = np.random.default_rng([seed, 1])  # the hidden function: independent of the inputs' draws
    drawn = [a for a in x if a is not None]
    z = features(hidden, drawn, samples) if task == "learnable" and drawn else None
    for i, (shape, dtype, high, is_label) in enumerate(inputs):
        if is_label:
            x[i] = label_input(hidden, dtype, z, samples, tuple(shape), high)
    y = [None if t is None else target(hidden, t[0], z, samples, tuple(t[1])) for t in targets]
    return x, y
