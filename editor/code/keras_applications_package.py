"""Keras 2's keras-applications package (`keras_applications`), as its model files use it.

Its files take Keras's modules as keyword arguments and unpack them with
`backend, layers, models, keras_utils = get_submodules_from_kwargs(kwargs)`; they import
their siblings relatively (`from . import get_submodules_from_kwargs`, `from .imagenet_utils
import _obtain_input_shape`). The reader reads `get_submodules_from_kwargs` as that package's
function (the values passed, Keras's own modules where none is) and its `imagenet_utils` as
Keras's, whose `obtain_input_shape` is the same rule under its public name.

A relative import is read this way only in a file that imports `get_submodules_from_kwargs`
relatively (the package's own convention): elsewhere `from . import x` is some other
package's module, whose code the reader has not got, and stays left out.
"""

from __future__ import annotations

import ast
from typing import Any, Optional

from editor.code.code_values import Namespace, Skip, kind_of

PACKAGE = "keras.applications"  # what `keras_applications` is read as (editor.code.reader.statements.canonical)
SUBMODULES = "keras.applications.get_submodules_from_kwargs"
# keras_applications' module-level names -> Keras's.
_RENAMED = {"imagenet_utils._obtain_input_shape": "imagenet_utils.obtain_input_shape"}
_KEYS = (("backend", "keras.backend"), ("layers", "keras.layers"), ("models", "keras.models"), ("utils", "keras.utils"))
_SIBLINGS = frozenset({"get_submodules_from_kwargs", "imagenet_utils"})


def is_package_file(tree: Optional[ast.Module]) -> bool:
    """The file imports `get_submodules_from_kwargs` relatively, as keras_applications' files do."""
    return tree is not None and any(
        isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
        and any(alias.name == "get_submodules_from_kwargs" for alias in node.names) for node in tree.body)


def relative_module(node: ast.ImportFrom) -> Optional[str]:
    """The Keras module a relative import of the package's file names (`from . import
    imagenet_utils` -> keras.applications; `from .imagenet_utils import x` ->
    keras.applications.imagenet_utils), or None for a sibling the reader does not know."""
    if node.level != 1:
        return None
    if not node.module:
        return PACKAGE if all(alias.name in _SIBLINGS for alias in node.names) else None
    return f"{PACKAGE}.{node.module}" if node.module == "imagenet_utils" else None


def renamed(path: str) -> str:
    """keras_applications' private spelling of a helper -> Keras's public one."""
    for old, new in _RENAMED.items():
        if path == f"{PACKAGE}.{old}":
            return f"{PACKAGE}.{new}"
    return path


def get_submodules(args: list, kwargs: dict, line: int) -> Any:
    """`get_submodules_from_kwargs(kwargs)`: the modules passed as backend=, layers=, models=,
    utils= (Keras's own where one is not); any other key is the package's TypeError."""
    if len(args) != 1 or kwargs or not isinstance(args[0], dict):
        raise Skip(line, "get_submodules_from_kwargs() takes the dict of keyword arguments")
    given = args[0]
    unknown = sorted(str(k) for k in given if k not in dict(_KEYS))
    if unknown:
        raise Skip(line, f"get_submodules_from_kwargs(): invalid keyword argument {unknown[0]}")
    modules = tuple(given.get(key, Namespace(default)) for key, default in _KEYS)
    odd = next((m for m in modules if not isinstance(m, Namespace)), None)
    if odd is not None:
        raise Skip(line, f"get_submodules_from_kwargs() of a {kind_of(odd)}: pass Keras's modules")
    return modules
