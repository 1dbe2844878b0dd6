"""What compile may be given by name: losses, metrics and optimizers, read from Keras.
Apart from the palette (editor.building.catalog), which is about layers."""

from __future__ import annotations

import inspect

from editor.building.keras_reading import cached_copies, named_functions


@cached_copies
def losses() -> dict[str, str]:
    """Names usable as `loss="name"` in compile -> first doc line ("mse" etc. work too)."""
    import keras

    return named_functions(keras.losses)


@cached_copies
def metrics() -> dict[str, str]:
    """Names usable in compile's `metrics=[...]` -> first doc line.

    The lowercase functions of keras.metrics, plus the lowercase names metrics.get()
    knows (its ALL_OBJECTS_DICT: "mae", "auc", "precision"...) of metrics that compile
    can feed (y_true, y_pred): not Mean/Sum(values), not the base class.
    """
    import keras
    from keras.src.metrics import ALL_OBJECTS_DICT

    names = [n for n, obj in ALL_OBJECTS_DICT.items() if n.islower()
             and "y_true" in inspect.signature(getattr(obj, "update_state", obj)).parameters]
    out = {**named_functions(keras.metrics), **named_functions(keras.metrics, names)}
    out["acc"] = out["accuracy"] = "Accuracy: compile picks binary, categorical or sparse from the shapes."
    return dict(sorted(out.items()))


@cached_copies
def optimizer_strings() -> dict[str, str | None]:
    """Optimizer class name -> the string compile accepts for it, or None (Lamb: class only).

    Classes that do not build with their defaults (LossScaleOptimizer, MultiOptimizer:
    they wrap other optimizers) are left out.
    """
    import keras

    out = {}
    for name in sorted(dir(keras.optimizers)):
        cls = getattr(keras.optimizers, name)
        if not (inspect.isclass(cls) and issubclass(cls, keras.optimizers.Optimizer)) or name == "Optimizer":
            continue
        try:
            cls()
        except Exception:  # noqa: BLE001
            continue
        try:
            out[name] = name.lower() if type(keras.optimizers.get(name.lower())) is cls else None
        except ValueError:
            out[name] = None
    return out


def optimizers() -> list[str]:
    """Optimizer class names in keras.optimizers (Adam, SGD, RMSprop...)."""
    return list(optimizer_strings())
