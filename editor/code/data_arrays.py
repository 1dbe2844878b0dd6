"""The arrays a Keras image dataset loads, as shapes only: nothing is loaded or downloaded.

Keras 2's examples size their models from the data (`input_shape=x_train.shape[1:]`,
`image_size = x_train.shape[1]`). `keras.datasets.{mnist, fashion_mnist, cifar10,
cifar100}.load_data()` gives arrays whose shapes Keras documents in the function's own
docstring ("x_train: uint8 NumPy array ... with shapes (60000, 28, 28)"), read here from
Keras's installed source file with `ast` (TensorFlow is not loaded). The reader then follows
what NumPy does to the shape: `reshape` (-1 included), `astype`, arithmetic with numbers or
arrays (broadcasting), slices of the first axis, `len`, `np.reshape`, `np.expand_dims`,
`np.clip`, `np.mean(axis=)`, `keras.utils.to_categorical(y, n)`. Anything that needs the
values (`np.max(y_train)`, a comparison's truth) is a Skip, so a model that needs it is
refused, naming the line. Datasets of sequences (imdb, reuters) are left out as before.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import numpy as np

from editor.code.code_values import BoundMethod, Skip

DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100")
_SHAPE = re.compile(r"\((\d+(?:, \d+)*),?\)")
METHODS = ("reshape", "astype")
FUNCTIONS = {"numpy.reshape", "numpy.expand_dims", "numpy.clip", "numpy.mean", "numpy.sum", "numpy.squeeze",
             "numpy.asarray", "numpy.array", "numpy.float32", "keras.utils.to_categorical"}


@dataclass(frozen=True)
class DataArray:
    """A NumPy array of the data: its shape and dtype, never its values."""

    shape: tuple
    dtype: str

    def __len__(self) -> int:
        return self.shape[0]


def is_loader(path: str) -> bool:
    parts = path.split(".")
    return len(parts) == 4 and parts[:2] == ["keras", "datasets"] and parts[2] in DATASETS and parts[3] == "load_data"


@lru_cache(maxsize=None)
def documented_shapes(dataset: str) -> Optional[tuple]:
    """(x_train, y_train, x_test, y_test) shapes as Keras's docstring of load_data gives them."""
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(list(spec.submodule_search_locations)[0]) / "src" / "datasets" / f"{dataset}.py"
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None
    function = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "load_data"), None)
    doc = ast.get_docstring(function) if function is not None else None
    found = [tuple(int(d) for d in m.split(", ")) for m in _SHAPE.findall(doc or "")]
    return tuple(found[:4]) if len(found) >= 4 else None


def load(path: str, line: int) -> tuple:
    """`(x_train, y_train), (x_test, y_test)` of the dataset, as DataArrays."""
    dataset = path.split(".")[2]
    shapes = documented_shapes(dataset)
    if shapes is None:
        raise Skip(line, f"{path}() loads a dataset whose shapes Keras does not document: data, not the model")
    x_train, y_train, x_test, y_test = (DataArray(s, "uint8") for s in shapes)
    return (x_train, y_train), (x_test, y_test)


def attribute(value: DataArray, attr: str, line: int) -> Any:
    if attr == "shape":
        return value.shape
    if attr == "ndim":
        return len(value.shape)
    if attr == "size":
        return math.prod(value.shape)
    if attr == "dtype":
        return value.dtype
    if attr in METHODS:
        return BoundMethod(value, attr)
    raise Skip(line, f"the attribute .{attr} of the data is not read (its values are never loaded)")


def _reshaped(value: DataArray, shape: Any, line: int) -> DataArray:
    dims = list(shape[0]) if len(shape) == 1 and isinstance(shape[0], (list, tuple)) else list(shape)
    if not dims or not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        raise Skip(line, "reshape() of the data to something other than whole numbers")
    try:
        return DataArray(_shape_of_reshape(value.shape, dims), value.dtype)
    except ValueError as err:
        raise Skip(line, f"reshape() of the data: {err}") from None


def _shape_of_reshape(shape: tuple, dims: list) -> tuple:
    """NumPy's rule for reshape's new shape, -1 included, without making an array."""
    total, free = math.prod(shape), [i for i, d in enumerate(dims) if d == -1]
    known = math.prod(d for d in dims if d != -1)
    if len(free) > 1 or any(d < -1 for d in dims) or known == 0 or \
            (free and total % known) or (not free and known != total):
        raise ValueError(f"cannot reshape an array of size {total} into shape {tuple(dims)}")
    return tuple(total // known if d == -1 else d for d in dims)


def method(value: DataArray, name: str, args: list, kwargs: dict, line: int) -> DataArray:
    if name == "reshape" and not kwargs:
        return _reshaped(value, args, line)
    if name == "astype" and len(args) == 1 and isinstance(args[0], str):
        return DataArray(value.shape, args[0])
    raise Skip(line, f"{name}() of the data is not read (its values are never loaded)")


def _broadcast(left: Any, right: Any, line: int) -> tuple:
    shapes = [v.shape if isinstance(v, DataArray) else () for v in (left, right)]
    if not all(isinstance(v, (DataArray, int, float)) and not isinstance(v, bool) for v in (left, right)):
        raise Skip(line, "arithmetic of the data and something other than numbers or data")
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError as err:
        raise Skip(line, f"arithmetic of the data: {err}") from None


def binary(op: ast.AST, left: Any, right: Any, line: int) -> DataArray:
    if not isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow)):
        raise Skip(line, f"the operator {type(op).__name__} on the data needs its values, which are never loaded")
    shape = _broadcast(left, right, line)
    kinds = {v.dtype for v in (left, right) if isinstance(v, DataArray)}
    dtype = "float64" if isinstance(op, ast.Div) or any(isinstance(v, float) for v in (left, right)) else kinds.pop()
    return DataArray(shape, dtype)


def subscript(value: DataArray, index: Any, line: int) -> DataArray:
    if isinstance(index, slice) and all(p is None or (isinstance(p, int) and not isinstance(p, bool))
                                        for p in (index.start, index.stop, index.step)):
        return DataArray((len(range(value.shape[0])[index]), *value.shape[1:]), value.dtype)
    if isinstance(index, int) and not isinstance(index, bool) and -value.shape[0] <= index < value.shape[0]:
        return DataArray(value.shape[1:], value.dtype)
    raise Skip(line, "indexing the data other than by a slice or number of its first axis")


def function(path: str, args: list, kwargs: dict, line: int) -> Any:
    """The numpy and Keras functions of FUNCTIONS, on DataArrays."""
    if not args or not isinstance(args[0], DataArray):
        raise Skip(line, f"{path}() of the data and something else")
    value, rest = args[0], args[1:]
    if path == "numpy.reshape" and len(rest) == 1 and not kwargs:
        return _reshaped(value, rest, line)
    if path == "numpy.expand_dims":
        axis = rest[0] if rest else kwargs.get("axis")
        if isinstance(axis, int) and -len(value.shape) - 1 <= axis <= len(value.shape):
            shape = list(value.shape)
            shape.insert(axis if axis >= 0 else len(shape) + 1 + axis, 1)
            return DataArray(tuple(shape), value.dtype)
    if path == "numpy.clip" or (path in ("numpy.asarray", "numpy.array") and not rest):
        dtype = kwargs.get("dtype", value.dtype)
        return DataArray(value.shape, dtype if isinstance(dtype, str) else value.dtype)
    if path == "numpy.float32" and not rest:
        return DataArray(value.shape, "float32")
    if path in ("numpy.mean", "numpy.sum", "numpy.squeeze") and not rest and set(kwargs) <= {"axis", "keepdims"}:
        axis, keep = kwargs.get("axis"), kwargs.get("keepdims", False)
        try:
            shape = _reduced(value.shape, path, axis, keep)
        except (ValueError, TypeError) as err:
            raise Skip(line, f"{path}() of the data: {err}") from None
        return DataArray(shape, "float64" if path == "numpy.mean" else value.dtype)
    if path == "keras.utils.to_categorical":
        classes = rest[0] if rest else kwargs.get("num_classes")
        if isinstance(classes, int) and not isinstance(classes, bool) and classes > 0:
            labels = value.shape[:-1] if len(value.shape) > 1 and value.shape[-1] == 1 else value.shape
            return DataArray((*labels, classes), "float32")
        raise Skip(line, "to_categorical() without num_classes needs the labels' values, which are never loaded")
    raise Skip(line, f"{path}() of the data is not read (its values are never loaded)")


def _reduced(shape: tuple, path: str, axis: Any, keep: bool) -> tuple:
    if path == "numpy.squeeze":
        return tuple(d for d in shape if d != 1)
    axes = range(len(shape)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    axes = {a % len(shape) for a in axes}
    return tuple(1 if i in axes else d for i, d in enumerate(shape) if keep or i not in axes)
