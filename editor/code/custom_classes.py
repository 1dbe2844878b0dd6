"""A `class` statement of model code, refused or left out in one line naming the class.

A custom keras.layers.Layer or keras.Model subclass is Python code Keras would run (its
`call`, its `build`): the editor never runs the file's code, and a file defines one to use
it in its model, so the file is refused, the line naming the class and what it subclasses
(a person then knows what to replace by palette layers). Other classes (a callback, a
config holder) are left out like any statement the model may not need."""

from __future__ import annotations

import ast
from typing import Any

from editor.code.code_values import Namespace, Refused, Skip

MODEL_BASES = frozenset({"keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"})


def refuse_class(reader: Any, node: ast.ClassDef, scope: Any) -> None:
    """Refused: `line 12: class AttentionBlock(keras.layers.Layer): custom layer classes are
    not read`; Skip for a class that is neither a layer nor a model."""
    bases = ", ".join(ast.unparse(base) for base in node.bases)
    head = f"class {node.name}({bases})" if bases else f"class {node.name}"
    kinds = set()
    for base in node.bases:
        try:
            value = reader.value(base, scope)
        except Skip:
            continue
        if isinstance(value, Namespace):
            if value.path in MODEL_BASES:
                kinds.add("model")
            elif value.path.startswith("keras.layers."):
                kinds.add("layer")
    line = node.lineno
    if "model" in kinds:
        raise Refused(f"line {line}: {head}: custom model classes are not read")
    if "layer" in kinds:
        raise Refused(f"line {line}: {head}: custom layer classes are not read")
    raise Skip(line, f"{head}: a class is Python code the editor does not run")
