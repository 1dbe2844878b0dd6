"""The palette, read from Keras itself: layer classes, their parameters, groups, defaults.

Nothing here is written per layer class. Classes come from `dir(keras.layers)`, their
parameters from `inspect.signature(cls.__init__)`, a parameter's kind from its default,
its name and the first words of its entry in the class docstring's "Args:" section, and
a class's group from the package it lives in. So a new Keras release brings its new
layers with it, and tests/test_catalog.py says when one of these rules stops holding.

Left out of the palette (see `excluded()`): Layer, InputLayer, the code-wrapping or
file-loading classes (Lambda, TFSMLayer, TorchModuleWrapper, JaxLayer, FlaxLayer),
abstract bases, and classes whose required arguments are Python objects (RNN's cell).
Layers that learn state with adapt() (StringLookup, Normalization...) stay in, marked
`needs_adapt`: they work when the config gives their vocabulary / mean / bins.

Keras is imported inside the functions (importing TensorFlow takes seconds and the page
must draw first), and every reading is cached. The names compile takes (losses, metrics,
optimizers) are editor.building.compile_choices'.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import re
from dataclasses import dataclass
from typing import Any

from editor.building.keras_reading import cached_copies, named_functions
from editor.errors import UserError
from editor.model.graph import ARG_CALL_CLASSES, LIST_CALL_CLASSES

# Package under keras.src.layers -> palette group, in the order of the Keras docs.
_GROUPS = {
    "core": "core", "convolutional": "convolution", "pooling": "pooling", "rnn": "recurrent",
    "preprocessing": "preprocessing", "normalization": "normalization",
    "regularization": "regularization", "attention": "attention", "reshaping": "reshaping",
    "merging": "merging", "activations": "activation",
}
GROUP_ORDER = (*_GROUPS.values(), "other")

# Public layer classes left out on purpose. Besides these, a class is left out when it is
# an abstract base (its `call` is Layer's) or needs a Python object to be built (see
# `_exclusion`): RNN (cell), StackedRNNCells (cells), Pipeline (layers), Wrapper.
_EXCLUDED = {
    "Layer": "the abstract base class",
    "InputLayer": "graph inputs are 'input' nodes, not layers",
    "Lambda": "runs arbitrary Python code: unsafe to load, not editable as config",
    "TFSMLayer": "loads a SavedModel from a file path",
    "TorchModuleWrapper": "wraps torch code, not config (and another backend)",
    "JaxLayer": "wraps JAX functions, not config (and another backend)",
    "FlaxLayer": "wraps a Flax module, not config (and another backend)",
}
# Constructor arguments of the base Layer: the node holds them, not the parameter form.
_BASE_ARGS = {"name", "dtype", "trainable", "autocast"}
_DATA_FORMATS = ("channels_last", "channels_first", None)


@dataclass(frozen=True)
class Param:
    """One constructor argument. `default` is JSON-representable (tuples for lists)."""

    name: str
    default: Any
    required: bool
    kind: str  # int float bool str choice tuple initializer regularizer constraint activation layer any
    choices: tuple = ()
    doc: str = ""  # the argument's entry in the class docstring, for tooltips


@dataclass(frozen=True)
class LayerInfo:
    class_name: str
    group: str
    params: tuple[Param, ...]
    doc: str
    call_ports: tuple[str, ...]
    call_style: str = "single"  # as editor.model.graph.Node.call_style: single, list or args
    needs_adapt: bool = False  # has adapt(): give vocabulary/mean/bins in config instead


def _freeze(value):
    """`value` with lists as tuples; TypeError if it is not JSON-representable."""
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _freeze(v) for k, v in value.items()}
    json.dumps(value, allow_nan=False)  # raises TypeError / ValueError
    return value


def _plain(value):
    """`value` with tuples as lists, as JSON (and a project file) has them."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=None)
def _all_classes() -> tuple[dict[str, type], dict[str, str]]:
    """(canonical name -> class, any public name or __name__ -> canonical name).

    The canonical name is the one Keras writes into saved configs (its first export
    name), which `keras.layers.deserialize` reads back: "GroupQueryAttention", not the
    class's __name__ "GroupedQueryAttention", which deserialize rejects.
    """
    import keras
    from keras.src import api_export

    public = {n: getattr(keras.layers, n) for n in dir(keras.layers) if not n.startswith("_")}
    public = {n: c for n, c in public.items() if inspect.isclass(c) and issubclass(c, keras.layers.Layer)}
    classes, aliases = {}, {}
    for alias, cls in sorted(public.items()):
        name = (api_export.get_name_from_symbol(cls) or "").rpartition(".")[2]
        if public.get(name) is not cls:
            name = cls.__name__ if public.get(cls.__name__) is cls else alias
        classes[name] = cls
        aliases[alias] = aliases[cls.__name__] = name
    return classes, aliases


class UnknownLayer(UserError, KeyError):
    """A class name keras.layers does not have, or one the palette leaves out. A KeyError
    too, so a lookup's caller can treat it as "not found"."""

    def __str__(self) -> str:  # a KeyError's str() would quote the message
        return str(self.args[0]) if self.args else ""


def canonical_name(name: str) -> str:
    """The palette name for a Keras layer class name or alias (MaxPool2D -> MaxPooling2D)."""
    try:
        return _all_classes()[1][name]
    except KeyError:
        raise UnknownLayer(f"{name!r} is not a layer class in keras.layers") from None


def is_layer_class(name: Any) -> bool:
    """Is `name` a keras.layers class name or alias (the rule for config entries)?"""
    return isinstance(name, str) and name in _all_classes()[1]


@functools.lru_cache(maxsize=None)
def call_keywords(class_name: str) -> tuple[str, ...]:
    """The tensor keywords (graph.TENSOR_KEYWORDS) that the layer's `call` accepts, as
    Keras's own signature says: LSTM -> initial_state, mask; MultiHeadAttention ->
    query_mask, value_mask, key_mask, attention_mask."""
    from editor.model.graph import TENSOR_KEYWORDS

    try:
        cls = _all_classes()[0][canonical_name(class_name)]
        accepted = inspect.signature(cls.call).parameters
    except (UnknownLayer, TypeError, ValueError):
        return ()
    return tuple(k for k in TENSOR_KEYWORDS if k in accepted)


def group(class_name: str) -> str:
    """The palette group, from the package the class is defined in."""
    parts = _all_classes()[0][canonical_name(class_name)].__module__.split(".")
    return _GROUPS.get(parts[3], "other") if parts[:3] == ["keras", "src", "layers"] else "other"


def _arg_docs(cls) -> dict[str, str]:
    """Argument name -> its text in the "Args:" section of the class docstring."""
    out, cur, indent = {}, None, None
    in_args = False
    for line in (inspect.getdoc(cls) or "").splitlines():
        text = line.strip()
        if text in ("Args:", "Arguments:"):
            in_args, cur, indent = True, None, None
            continue
        if not in_args or not text:
            continue
        depth = len(line) - len(line.lstrip())
        if depth == 0:
            in_args = False
            continue
        indent = depth if indent is None else indent
        match = re.match(r"(\w+):\s*(.*)", text)
        if depth == indent and match:
            cur = match.group(1)
            out[cur] = match.group(2)
        elif cur and depth > indent:
            out[cur] += " " + text
    return out


def _kind(name: str, default, doc: str) -> tuple[str, tuple]:
    """(kind, choices) from the argument's name, then its default, then its doc's words."""
    head = re.sub(r"`[^`]*`", "", doc[:100].lower())  # quoted values are not type words
    for suffix in ("initializer", "regularizer", "constraint", "activation", "layer"):
        if name == suffix or name.endswith("_" + suffix):
            return suffix, ()
    if name == "data_format":
        return "choice", _DATA_FORMATS
    if isinstance(default, bool):
        return "bool", ()
    if isinstance(default, str):
        quoted = tuple(dict.fromkeys(re.findall(r'"(\w+)"', doc)))  # e.g. `"valid"`, `"same"`
        return ("choice", quoted) if default in quoted and len(quoted) > 1 else ("str", ())
    if default is None and re.search(r"instance|callable|function|module|\bdict", head):
        return "any", ()
    listy = re.search(r"\b(tuple|list|array|matrix)\b", head)
    if isinstance(default, tuple) or name.endswith("shape") or listy:
        return "tuple", ()  # may also accept a single number where the doc says so
    if isinstance(default, (int, float)):
        return type(default).__name__, ()
    words = f"{name.replace('_', ' ')}: {head}"
    for kind, pattern in (("float", r"\bfloat"), ("int", r"\b(int|integer|number of|size of|seed)\b"),
                          ("bool", r"\bbool"), ("str", r"\b(string|str)\b")):
        if re.search(pattern, words):
            return kind, ()
    return "any", ()


def _example(param: Param):
    """A small value for a required argument: enough to construct a default instance
    (its get_config() gives the defaults in Keras's form), not meant as a UI suggestion."""
    head = param.doc[:100].lower()
    if param.kind == "tuple":
        number = r"\b(int|integer|float)\b"  # "int or tuple", "tuple ... or a single float"
        scalar = re.search(number + r"[^.]*\bor\b|\bor (a )?(single )?" + number, head)
        return (0.5 if "float" in head else 2) if scalar else [1]
    if param.kind == "layer":
        inner = "LSTM" if "rnn" in head else "Dense"
        return {"module": "keras.layers", "class_name": inner, "config": {"units": 2}}
    return {"int": 2, "float": 0.5, "bool": False, "activation": "relu",
            "choice": (param.choices or (None,))[0]}.get(param.kind, "")


def _params(cls) -> tuple[Param, ...]:
    docs, out = _arg_docs(cls), []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in _BASE_ARGS:
            continue
        required = p.default is p.empty
        try:
            default = None if required else _freeze(p.default)
        except (TypeError, ValueError):
            continue  # a Python-object default: leave it to Keras (none in Keras 3.15)
        doc = " ".join(docs.get(p.name, "").split())
        kind, choices = _kind(p.name, default, doc)
        out.append(Param(p.name, default, required, kind, choices, doc))
    return tuple(out)


def _exclusion(name: str, cls, params) -> str | None:
    """Why a public layer class is not in the palette, or None."""
    import keras

    if name in _EXCLUDED:
        return _EXCLUDED[name]
    if cls.call is keras.layers.Layer.call:
        return "abstract base class (no call)"
    objects = [p.name for p in params if p.required and p.kind == "any"]
    return f"needs Python objects, not config: {', '.join(objects)}" if objects else None


@functools.lru_cache(maxsize=None)
def _read() -> tuple[dict[str, LayerInfo], dict[str, str]]:
    infos, excluded = {}, {}
    for name, cls in _all_classes()[0].items():
        params = _params(cls)
        reason = _exclusion(name, cls, params)
        if reason:
            excluded[name] = reason
            continue
        style = "list" if name in LIST_CALL_CLASSES else "args" if name in ARG_CALL_CLASSES else "single"
        infos[name] = LayerInfo(
            class_name=name, group=group(name), params=params,
            doc=(inspect.getdoc(cls) or "").split("\n")[0].strip(),
            call_ports=tuple(ARG_CALL_CLASSES.get(name, ("inputs",))), call_style=style,
            needs_adapt=callable(getattr(cls, "adapt", None)),
        )
    return infos, excluded


def layers() -> dict[str, LayerInfo]:
    """Canonical class name -> LayerInfo, for every palette layer."""
    return dict(_read()[0])


def excluded() -> dict[str, str]:
    """Public keras.layers classes kept out of the palette -> why."""
    return dict(_read()[1])


def groups() -> dict[str, list[str]]:
    """Group -> sorted class names, groups in the Keras docs' order (empty ones left out)."""
    out = {g: sorted(n for n, i in _read()[0].items() if i.group == g) for g in GROUP_ORDER}
    return {g: names for g, names in out.items() if names}


def _info(class_name: str) -> LayerInfo:
    name = canonical_name(class_name)
    if name in _read()[1]:
        raise UnknownLayer(f"{name} is not in the palette: {_read()[1][name]}")
    return _read()[0][name]


def defaults(class_name: str) -> dict:
    """Constructor defaults of the optional arguments, JSON-ready (lists, not tuples)."""
    return {p.name: _plain(p.default) for p in _info(class_name).params if not p.required}


def example_config(class_name: str) -> dict:
    """`defaults()` plus a small valid value for each required argument."""
    return {**defaults(class_name), **{p.name: _example(p) for p in _info(class_name).params if p.required}}


def _build(class_name: str, config: dict):
    import keras

    name = canonical_name(class_name)
    # A deep copy: some from_config methods (TimeDistributed's) pop keys from the dict they get.
    return keras.layers.deserialize({"module": "keras.layers", "class_name": name, "config": copy.deepcopy(config)})


@functools.lru_cache(maxsize=None)
def _default_config(class_name: str) -> dict:
    try:
        return _plain(_build(class_name, example_config(class_name)).get_config())
    except Exception:  # noqa: BLE001 - any failure: fall back to the signature's defaults
        return defaults(class_name)


def _unnamed(value):
    """`value` as plain JSON, without the auto-generated names of layers nested in it."""
    value = _plain(value)
    if isinstance(value, list):
        return [_unnamed(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("module") == "keras.layers" and isinstance(value.get("config"), dict):
        value = {**value, "config": {k: v for k, v in value["config"].items() if k != "name"}}
    return {k: _unnamed(v) for k, v in value.items()}


def non_default_config(class_name: str, full_config: dict) -> dict:
    """`full_config` (a layer's get_config()) without the keys left at their defaults.

    The defaults are the get_config() of an instance built from `example_config`, so they
    come in Keras's own serialised form (initializer dicts, dtype policy). "name" is
    dropped (the node holds it); required arguments are kept, and a wrapped layer's config
    is reduced the same way. The result is checked by rebuilding the layer from it: a
    dropped key whose rebuilt value differs (a default derived from another argument,
    like MultiHeadAttention's value_dim) is put back. Values come back as plain JSON.
    """
    name = canonical_name(class_name)
    info, base = _info(name), _default_config(name)
    full = {k: _plain(v) for k, v in full_config.items() if k != "name"}
    for p in info.params:  # wrapped layers: {"module", "class_name", "config"}
        inner = full.get(p.name)
        if p.kind == "layer" and isinstance(inner, dict) and isinstance(inner.get("config"), dict):
            with_name = {"name": inner["config"].get("name")} if "name" in inner["config"] else {}
            try:
                reduced = non_default_config(inner["class_name"], inner["config"])
            except KeyError:  # not a keras.layers class: leave it whole
                continue
            full[p.name] = {**inner, "config": {**with_name, **reduced}}
    required = {p.name for p in info.params if p.required}
    kept = {k: v for k, v in full.items()
            if k in required or k not in base or _unnamed(v) != _unnamed(base[k])}
    target = _unnamed({k: v for k, v in full_config.items() if k != "name"})

    def rebuilds(config) -> bool:
        try:
            rebuilt = _build(name, config).get_config()
            return _unnamed({k: v for k, v in rebuilt.items() if k != "name"}) == target
        except Exception:  # noqa: BLE001 - an invalid config does not rebuild
            return False

    if not rebuilds(kept):  # a default derived from another argument: keep it after all
        kept = full
    for key in [k for k in kept if k not in required]:  # Bidirectional's backward_layer...
        trial = {k: v for k, v in kept.items() if k != key}
        if rebuilds(trial):
            kept = trial
    return kept


def search(query: str, limit: int = 50) -> list[str]:
    """Palette names matching `query`: exact, prefix, substring, alias, group, subsequence."""
    q = query.strip().lower()
    infos, aliases = _read()[0], _all_classes()[1]
    if not q:
        return sorted(infos)[:limit]

    def rank(text: str) -> int | None:
        t = text.lower()
        if t == q or t.startswith(q):
            return 0 if t == q else 1
        if q in t:
            return 2
        it = iter(t)
        return 5 if all(c in it for c in q) else None

    best: dict[str, int] = {}
    for alias, name in aliases.items():
        r = rank(alias)
        if name in infos and r is not None:
            best[name] = min(best.get(name, 9), r if alias == name or r == 5 else 3)
    for name, info in infos.items():
        if q in info.group:
            best[name] = min(best.get(name, 9), 4)
    return sorted(best, key=lambda n: (best[n], len(n), n))[:limit]


@cached_copies
def applications() -> dict[str, str]:
    """keras.applications builder (VGG16...) -> its public module (where preprocess_input is)."""
    import keras

    apps, out = keras.applications, {}
    for name in sorted(dir(apps)):
        fn = getattr(apps, name)
        if name[0].isupper() and callable(fn):
            home = fn.__module__.rpartition(".")[2]  # keras.src.applications.vgg16 -> vgg16
            public = inspect.ismodule(getattr(apps, home, None))
            out[name] = f"keras.applications.{home}" if public else "keras.applications"
    return out


@cached_copies
def activations() -> list[str]:
    """Activation names in keras.activations (usable as strings)."""
    import keras

    return list(named_functions(keras.activations))
