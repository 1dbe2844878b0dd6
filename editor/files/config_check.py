"""The allowlist walk over a model config, run before Keras deserialises any part of it.

Keras configs name the code that rebuilds them: `{"module", "class_name", "config",
"registered_name"}` at every level (layers, initializers, dtype policies, nested
models). Deserialising a config means importing what it names, so every such object
is checked here first, wherever it sits: a layer class must be in the editor's palette
(editor.building.catalog: no Lambda, TFSMLayer, TorchModuleWrapper, JaxLayer...), the model
classes are Functional / Model / Sequential, and the other objects must be public
classes of keras.initializers, keras.regularizers, keras.constraints or the dtype
policies. Anything else (a custom or registered class, a Python function, a module
such as os or builtins, keras.saving.load_model, keras.utils.get_file...) is refused
with one line naming the layer it sits in.

`compile_config` and `build_config` are not walked: the importer never reads them
(compile settings are not imported; shapes come from the graph).
"""

from __future__ import annotations

import functools
from typing import Any

from editor.files.safe_archive import ModelFileError

MODEL_CLASSES = frozenset({"Functional", "Model", "Sequential"})
MODEL_MODULES = frozenset({
    "keras", "keras.models", "keras.src.models.functional", "keras.src.models.sequential", "keras.src.models.model",
})
# Plain data Keras serialises with a class_name; none of them imports anything.
DATA_CLASSES = frozenset({"__keras_tensor__", "__tuple__", "__numpy__", "__bytes__", "__ellipsis__", "__slice__"})
SKIPPED_KEYS = frozenset({"compile_config", "build_config"})
_OBJECT_KEYS = ("class_name", "module", "registered_name")


@functools.lru_cache(maxsize=None)
def _modules() -> dict[str, frozenset[str]]:
    """Module (as Keras writes it) -> the class names allowed from it."""
    import inspect

    import keras

    def public(module, base_names=()):
        return frozenset(n for n in dir(module) if n[:1].isupper() and inspect.isclass(getattr(module, n))
                         and n not in base_names)

    policies = frozenset({"DTypePolicy", "FloatDTypePolicy"})
    return {
        "keras.initializers": public(keras.initializers, {"Initializer"}),
        "keras.regularizers": public(keras.regularizers, {"Regularizer"}),
        "keras.constraints": public(keras.constraints, {"Constraint"}),
        "keras.dtype_policies": policies,
        "keras": policies | MODEL_CLASSES,
        **{module: MODEL_CLASSES for module in MODEL_MODULES - {"keras"}},
    }


@functools.lru_cache(maxsize=None)
def _activations() -> frozenset[str]:
    import keras

    return frozenset(n for n in dir(keras.activations) if n[:1].islower() and callable(getattr(keras.activations, n)))


def _catalog():
    """editor.building.catalog, imported when first needed (it imports Keras)."""
    from editor.building import catalog

    return catalog


def layer_refusal(class_name: str) -> str | None:
    """Why a keras.layers class cannot be imported, or None (InputLayer and palette classes pass)."""
    catalog = _catalog()
    try:
        name = catalog.canonical_name(class_name)
    except KeyError:
        return f"'{class_name}' is not a keras.layers class (custom code is not imported)"
    if name == "InputLayer":
        return None
    reason = catalog.excluded().get(name)
    return f"{name} is refused: {reason}" if reason else None


def object_refusal(obj: dict) -> str | None:
    """Why one serialised object (a dict with class_name / module) is refused, or None."""
    class_name, module, registered = (obj.get(k) for k in _OBJECT_KEYS)
    if not isinstance(class_name, str):
        return f"names the module '{module}' without a class" if module is not None else "has a class_name that is not text"
    if module is not None and not isinstance(module, str):
        return f"'{class_name}' has a module that is not text"
    if registered is not None and registered != class_name:
        return f"'{registered}' is a custom registered object"
    if class_name in DATA_CLASSES:
        return None if module is None else f"'{module}.{class_name}' is not Keras data"
    if class_name == "__lambda__":
        return "holds a serialised Python function (__lambda__)"
    if class_name.startswith("__"):
        return f"'{class_name}' is not allowed in an imported config"
    if class_name == "function":
        config = obj.get("config")
        if module in ("keras.activations", "keras.src.activations.activations") and config in _activations():
            return None
        return f"names the Python function '{f'{module}.{config}' if module else config}'"
    if module == "keras.layers" or (module is None and _catalog().is_layer_class(class_name)):
        return layer_refusal(class_name)
    if module is None:
        if any(class_name in allowed for allowed in _modules().values()):
            return None
        return f"'{class_name}' is not a Keras class the editor can import"
    allowed = _modules().get(module)
    if allowed is None and module.startswith("keras.src.ops."):
        from editor.files.op_import import op_refusal

        return op_refusal(module, class_name)
    if allowed is None:
        return f"'{module}.{class_name}' is outside keras.layers, keras.models and keras.initializers/regularizers/constraints"
    if class_name not in allowed:
        return f"'{module}.{class_name}' is not a class the editor can import"
    return None


def is_layer_entry(obj: dict) -> bool:
    """A layer, nested model or operation as a functional config lists it (it has a name to report)."""
    return isinstance(obj.get("class_name"), str) and isinstance(obj.get("config"), dict) and (
        obj["class_name"] in MODEL_CLASSES or _catalog().is_layer_class(obj["class_name"])
        or str(obj.get("module")).startswith("keras.src.ops."))


def _label(obj: dict) -> str:
    config = obj.get("config") if isinstance(obj.get("config"), dict) else {}
    name = obj.get("name") if isinstance(obj.get("name"), str) else config.get("name")
    kind = _kind(obj)
    return f"{kind} '{name}' ({obj.get('class_name')})" if isinstance(name, str) else f"a {obj.get('class_name')} {kind}"


def _kind(obj: dict) -> str:
    if obj.get("class_name") in MODEL_CLASSES:
        return "model"
    return "operation" if str(obj.get("module")).startswith("keras.src.ops.") else "layer"


def check_model_config(config: Any) -> None:
    """Raise ModelFileError (one line, naming the layer) unless every object in `config` is allowed."""
    if not isinstance(config, dict) or config.get("class_name") not in MODEL_CLASSES:
        found = config.get("class_name") if isinstance(config, dict) else None
        what = f"a '{found}' object" if isinstance(found, str) else "no model class"
        raise ModelFileError(f"not a Keras functional or Sequential model: the config holds {what}")
    stack: list[tuple[Any, tuple[str, ...], str]] = [(config, (), "")]
    while stack:
        value, path, key = stack.pop()
        if isinstance(value, list):
            stack.extend((item, path, key) for item in reversed(value))
            continue
        if not isinstance(value, dict):
            continue
        if any(k in value for k in _OBJECT_KEYS):
            reason = object_refusal(value)
            entry = is_layer_entry(value) or (isinstance(value.get("name"), str) and isinstance(value.get("config"), dict))
            if reason:
                raise ModelFileError(_message(path, _label(value) if entry else None, key, reason))
            if is_layer_entry(value):
                path = (*path, _label(value))
        children = [(v, path, k) for k, v in value.items() if k not in SKIPPED_KEYS]
        stack.extend(reversed(children))


def _message(path: tuple[str, ...], label: str | None, key: str, reason: str) -> str:
    """"layer 'x' (Dense) in model 'inner' (Functional): kernel_initializer: 'os.system' is ..."

    The object at fault, or the layer it sits in, first; then the nested models and
    wrappers around it (the top-level model is left out unless nothing else is there).
    """
    where = ([label] if label else []) + list(reversed(path[1:]))
    if not where:
        where = list(path[:1]) or ["the model"]
    text = " in ".join(where)
    return f"{text}: {reason}" if label or not key else f"{text}: {key}: {reason}"
