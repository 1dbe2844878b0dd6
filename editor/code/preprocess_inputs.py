"""`keras.applications.<module>.preprocess_input(x)` on a tensor of the model, as transfer
learning writes it (`x = preprocess_input(inputs); x = base_model(x)`, the TensorFlow tutorial).

Keras's own function is asked what it does, on NumPy probes: an application whose
preprocessing is one scale and shift for every channel ("tf" mode: x / 127.5 - 1; the
pass-through of EfficientNet or ConvNeXt) becomes that arithmetic (an op node, or nothing for
the pass-through); per-channel constants or a channel flip ("caffe", "torch" modes) are not
an expression the editor has, and the line is left out, naming the mode's effect."""

from __future__ import annotations

import ast
import importlib
from typing import Any

import numpy as np

from editor.code.code_values import Skip, Sym, kind_of

_PROBE_SHAPE = (2, 3, 5, 3)


def is_preprocess(path: str) -> bool:
    module, _, last = path.rpartition(".")
    return last == "preprocess_input" and module.startswith("keras.applications.")


def _affine(function, kwargs: dict) -> tuple[float, float] | None:
    """(scale, shift) when `function` is x -> scale * x + shift, the same for every channel."""
    rng = np.random.default_rng(0)
    probe = rng.uniform(0, 255, _PROBE_SHAPE).astype("float32")
    zero = np.asarray(function(np.zeros(_PROBE_SHAPE, "float32"), **kwargs), dtype="float64")
    one = np.asarray(function(np.ones(_PROBE_SHAPE, "float32"), **kwargs), dtype="float64")
    given = np.asarray(function(probe.copy(), **kwargs), dtype="float64")
    shift, scale = float(zero.flat[0]), float(one.flat[0] - zero.flat[0])
    same = np.allclose(zero, shift) and np.allclose(one - zero, scale)
    return (scale, shift) if same and np.allclose(given, probe * scale + shift, rtol=1e-5, atol=1e-4) else None


def preprocess(reader: Any, path: str, args: list, kwargs: dict, line: int) -> Any:
    module = path.rpartition(".")[0]  # Keras's public module (keras.applications.resnet50)
    if len(args) != 1 or not isinstance(args[0], Sym):
        raise Skip(line, f"{path}() of a {kind_of(args[0]) if args else 'nothing'}: of a tensor only")
    if set(kwargs) - {"data_format", "mode"} or kwargs.get("data_format") not in (None, "channels_last"):
        raise Skip(line, f"{path}() with {', '.join(sorted(kwargs))}: of a tensor, channels last, only")
    try:
        function = importlib.import_module(module).preprocess_input
        found = _affine(function, kwargs)
    except (ImportError, AttributeError, ValueError, TypeError) as err:
        raise Skip(line, f"{path}(): {type(err).__name__}") from None
    if found is None:
        raise Skip(line, f"{path}() scales or flips each colour channel on its own, which the editor cannot express")
    scale, shift = found
    x = args[0]
    if abs(scale - 1.0) > 1e-6:  # (float32 probes: the constants to about 7 digits)
        divisor = round(1 / scale, 4)
        x = reader.binary(ast.Div(), x, divisor, line) if abs(1 / divisor - scale) <= 1e-6 * abs(scale) \
            else reader.binary(ast.Mult(), x, float(f"{scale:.7g}"), line)
    if abs(shift) > 1e-6:
        x = reader.binary(ast.Add() if shift > 0 else ast.Sub(), x, float(f"{abs(shift):.7g}"), line)
    return x
