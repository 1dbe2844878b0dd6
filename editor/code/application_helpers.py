"""The helpers keras.applications' own sources call while they build (`imagenet_utils.
obtain_input_shape`, `validate_activation`, `correct_pad`): pure functions of numbers, text
and a tensor's static shape, answered by calling Keras's own function with the reader's
plain values (so the answer is Keras's, never a copy of its rules). Anything else of
imagenet_utils (preprocess_input, decode_predictions) is not model-building code."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from editor.code.code_values import Skip, Sym, kind_of
from editor.model.problems import one_line

HELPERS = ("obtain_input_shape", "validate_activation", "correct_pad")
PATHS = frozenset(f"keras.applications.imagenet_utils.{name}" for name in HELPERS)
_PLAIN = (int, float, str, bool, type(None))


def _plain(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def call_helper(reader: Any, path: str, args: list, kwargs: dict, line: int) -> Any:
    """What Keras's helper returns for these arguments; its ValueError refuses the line."""
    from editor.code.shape_queries import tensor_shape
    from keras.src.applications import imagenet_utils

    name = path.rpartition(".")[2]
    if name == "correct_pad" and args and isinstance(args[0], Sym):  # it reads only the tensor's shape
        args = [SimpleNamespace(shape=tuple(tensor_shape(reader, args[0], line))), *args[1:]]
    values = list(args) + list(kwargs.values())
    odd = next((v for v in values if not (_plain(v) or isinstance(v, SimpleNamespace))), None)
    if odd is not None:
        raise Skip(line, f"imagenet_utils.{name}() with a {kind_of(odd)}")
    try:
        result = getattr(imagenet_utils, name)(*args, **kwargs)
    except (ValueError, TypeError) as err:
        raise Skip(line, f"imagenet_utils.{name}(): {one_line(err)}") from None
    return list(result) if isinstance(result, list) else result
