"""Keras's settings as model code reads them: `K.image_data_format()`, `keras.config.floatx()`,
`K.epsilon()` are what keras.config says in this process (Keras is imported when a file
asks, never before), and a call that changes one (`K.set_image_data_format("channels_first")`,
`keras.mixed_precision.set_global_policy("mixed_float16")`) refuses the file: it changes the
defaults of every layer made after it, which the editor's project, built with Keras's own
defaults, could not keep. Setting the value Keras already has changes nothing: read past."""

from __future__ import annotations

from typing import Any

from editor.code.code_values import Refused, Skip

GETTERS = frozenset({"image_data_format", "floatx", "epsilon", "backend"})
SETTERS = frozenset({"set_image_data_format", "set_floatx", "set_epsilon", "set_dtype_policy", "set_global_policy"})
MODULES = ("keras.backend", "keras.config", "keras.mixed_precision")


def is_setting(path: str) -> bool:
    module, _, last = path.rpartition(".")
    return module in MODULES and (last in GETTERS or last in SETTERS)


def read_setting(path: str, args: list, kwargs: dict, line: int) -> Any:
    """The value of a getter, from keras.config; a setter to the value Keras already has
    changes nothing (`K.set_image_data_format("channels_last")`), any other refuses in one line."""
    import keras

    last = path.rpartition(".")[2]
    if last in SETTERS:
        given = [*args, *kwargs.values()]
        value = given[0] if len(given) == 1 else None
        current = keras.config.dtype_policy().name if last in ("set_dtype_policy", "set_global_policy") \
            else getattr(keras.config, last[len("set_"):])()
        if value is not None and value == current:
            return None
        raise Refused(f"line {line}: {path}() changes Keras's defaults for every layer after it: "
                      "the editor builds with Keras's own settings (remove the call)")
    if args or kwargs:
        raise Skip(line, f"{path}() takes no arguments")
    return getattr(keras.config, last)()
