"""Initializers, regularizers and constraints the code constructs, stored as Keras stores them.

`tf.keras.initializers.TruncatedNormal(stddev=0.02)`, `tf.random_normal_initializer(0., 0.02)`
(TensorFlow's own spelling, the pix2pix tutorial's), `keras.regularizers.l2(1e-4)`: the class
is looked up in Keras (an alias such as he_normal or l2 is the class Keras saves, HeNormal or
L2), the arguments are bound to its constructor as Python would bind them, and the object
Keras makes is serialized by Keras (`keras.initializers.serialize`), so the project holds
what a saved Keras model holds. Keras is imported when a file constructs one, never before.
"""

from __future__ import annotations

import inspect
from typing import Any

from editor.model.problems import one_line
from editor.code.code_values import Skip, kind_of

MODULES = ("keras.initializers", "keras.regularizers", "keras.constraints")
# TensorFlow's own names of the same initializers (TF 2's tf.*_initializer classes take the
# same arguments, in the same order, as the Keras class), and tf.initializers, which is keras's.
TF_NAMES = {"tensorflow.random_normal_initializer": "keras.initializers.RandomNormal",
            "tensorflow.random_uniform_initializer": "keras.initializers.RandomUniform",
            "tensorflow.zeros_initializer": "keras.initializers.Zeros",
            "tensorflow.ones_initializer": "keras.initializers.Ones",
            "tensorflow.constant_initializer": "keras.initializers.Constant"}
TF_MODULES = {"tensorflow.initializers": "keras.initializers"}


def keras_path(path: str) -> str:
    """The keras.* name of a TensorFlow spelling (others unchanged)."""
    module, _, last = path.rpartition(".")
    return TF_NAMES.get(path) or (f"{TF_MODULES[module]}.{last}" if module in TF_MODULES else path)


def is_config_object(path: str) -> bool:
    return keras_path(path).rpartition(".")[0] in MODULES


def config_object(path: str, args: list, kwargs: dict, line: int) -> dict:
    """{"module", "class_name", "config", "registered_name"} as Keras serializes the object."""
    import keras

    module_name, _, last = keras_path(path).rpartition(".")
    module = {"keras.initializers": keras.initializers, "keras.regularizers": keras.regularizers,
              "keras.constraints": keras.constraints}[module_name]
    base = {"keras.initializers": keras.initializers.Initializer, "keras.regularizers": keras.regularizers.Regularizer,
            "keras.constraints": keras.constraints.Constraint}[module_name]
    cls = getattr(module, last, None) if not last.startswith("_") else None
    if not (inspect.isclass(cls) and issubclass(cls, base)):
        raise Skip(line, f"{path}() is not a Keras {module_name.rpartition('.')[2][:-1]} class")
    odd = next((v for v in [*args, *kwargs.values()] if not _plain(v)), None)
    if odd is not None:
        raise Skip(line, f"{path}() of a {kind_of(odd)}: only numbers, text and lists")
    try:
        bound = inspect.signature(cls).bind(*args, **kwargs)
    except TypeError as err:
        raise Skip(line, f"{path}(): {err}") from None
    try:
        made = cls(*bound.args, **bound.kwargs)
        return module.serialize(made)
    except Exception as err:  # noqa: BLE001 - Keras's own refusal of the arguments, in one line
        raise Skip(line, f"{path}(): {one_line(err, 200)}") from None


def _plain(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))
