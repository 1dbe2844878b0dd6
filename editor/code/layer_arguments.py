"""A layer call's positional arguments, named as Keras's own constructor signature names them.

`Dense(10, "relu")`, `LeakyReLU(0.2)`, `Conv2D(32, 3, 2, "same")`, `ZeroPadding2D(((0, 1), (0, 1)))`:
Python binds positional arguments to the leading parameters of the class's `__init__`, so
the reader does the same with `inspect.signature` of every public keras.layers class.

The code reader runs without Keras (importing TensorFlow takes seconds, a code import must
not), so the signatures are read once from Keras into layer_signatures.json beside this
module (`python -m editor.code.layer_arguments` writes it) and tests/test_code_import_keras_constructs.py
checks that file against the installed Keras's signatures, class by class.
"""

from __future__ import annotations

import functools
import inspect
import json
from pathlib import Path
from typing import Any

from editor.code.code_values import Skip

SIGNATURES = Path(__file__).with_name("layer_signatures.json")


def read_signatures() -> dict[str, dict[str, list[str]]]:
    """Class name -> {"positional": the parameters a positional argument binds to, in order,
    "required": those without a default}, for every public keras.layers class (aliases too)."""
    import keras

    found = {}
    for name in sorted(dir(keras.layers)):
        cls = getattr(keras.layers, name)
        if name.startswith("_") or not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
            continue
        positional, required = [], []
        for param in list(inspect.signature(cls.__init__).parameters.values())[1:]:
            if param.kind is not param.POSITIONAL_OR_KEYWORD:
                break  # *args, keyword-only or **kwargs: nothing after binds by position
            positional.append(param.name)
            if param.default is param.empty:
                required.append(param.name)
        found[name] = {"positional": positional, "required": required}
    return found


@functools.lru_cache(maxsize=1)
def signatures() -> dict[str, dict[str, list[str]]]:
    return json.loads(SIGNATURES.read_text(encoding="utf-8"))


def keyword_arguments(class_name: str, args: list, kwargs: dict, line: int) -> dict:
    """The call's arguments by name, as Python binds them to the class's constructor (a
    TypeError of Python, too many or a parameter given twice, is a statement left out)."""
    signature = signatures().get(class_name)
    if signature is None:
        if args:
            raise Skip(line, f"{class_name}() with positional arguments: not a keras.layers class")
        return dict(kwargs)
    names = signature["positional"]
    if len(args) > len(names):
        raise Skip(line, f"{class_name}() takes at most {len(names)} positional arguments ({len(args)} given)")
    bound: dict[str, Any] = dict(zip(names, args))
    twice = next((k for k in kwargs if k in bound), None)
    if twice is not None:
        raise Skip(line, f"{class_name}() got two values for '{twice}'")
    bound.update(kwargs)
    for name in signature["required"]:
        if name in bound and bound[name] is None:
            raise Skip(line, f"{class_name}(): '{name}' is None where a number is needed "
                             "(a tensor dimension that is None is known only when the model runs)")
    return bound


if __name__ == "__main__":
    lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(read_signatures().items())]
    SIGNATURES.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # a class a line
    print(f"wrote {SIGNATURES}")
