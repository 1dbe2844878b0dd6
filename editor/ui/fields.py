"""Parameter fields of the inspector: value <-> widget text, parsing and checking. No Streamlit.

A layer parameter's kind (editor.building.catalog.Param.kind) picks its widget; this module holds
what those widgets need that is not drawing: the options of the choice-like kinds, the
text form of tuples and JSON values, parsing what a person typed (FieldError with a
one-line reason), "is this the default?" (only values that differ are stored), and a
check that Keras accepts the new config (a layer is constructed; no weights are made).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Optional, Sequence

from editor.errors import UserError
from editor.model.graph import Node
from editor.model.problems import one_line

COMMON_INITIALIZERS = (
    "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform",
    "zeros", "ones", "random_normal", "random_uniform", "truncated_normal", "orthogonal",
    "variance_scaling", "uniform", "normal", "identity",
)
COMMON_REGULARIZERS = (None, "l1", "l2", "l1l2", "orthogonal_regularizer")
COMMON_CONSTRAINTS = (None, "max_norm", "min_max_norm", "non_neg", "unit_norm")

# Friendlier first values than the catalog's minimal examples, for required arguments.
STARTING_VALUES = {
    "units": 64, "filters": 32, "kernel_size": 3, "rate": 0.5, "pool_size": 2, "size": 2,
    "input_dim": 1000, "output_dim": 64, "num_heads": 2, "key_dim": 32, "target_shape": [-1],
    "dims": [2, 1], "n": 2, "activation": "relu",
}


# What Streamlit's markdown (CommonMark + GFM + its own :emoji: and :colour[...] forms) can
# make of plain text: emphasis, code, links and images, HTML, math, strikethrough, tables,
# headings; a colon glued to the next character (bare URLs "http://", ":smile:"), "www."
# (autolinks) and "@" (e-mail autolinks); a list or quote marker at the start.
_MARKUP = re.compile(r"([\\`*_\[\]<>$~|#@]|:(?=\S)|(?<=www)\.)")
_LIST_START = re.compile(r"^([-+=>])")
_ORDERED_START = re.compile(r"^(\d+)([.)])")


def md(text: object) -> str:
    """Text a person (or a file) wrote, shown as itself wherever Streamlit reads markdown
    (messages, captions, headings, labels, tooltips): one line, and every character that
    could start markup backslash-escaped, so `__import__` stays as typed and no heading,
    emphasis, link, autolink, code span, math or emoji can come out of a node name or a
    project title. Plain prose punctuation (quotes, parentheses, ": ") is left alone."""
    line = " ".join(str(text).split())
    line = _LIST_START.sub(r"\\\1", _MARKUP.sub(r"\\\1", line))
    return _ORDERED_START.sub(r"\1\\\2", line)


class FieldError(UserError):
    """What a person typed into a field does not fit it; one line."""


def short_name(name: str, limit: int = 60) -> str:
    """An uploaded file's name fit for a one-line message or a title: its last path part, at
    most `limit` characters; a longer stem is cut with '…', its extension kept."""
    name = re.split(r"[\\/]", name)[-1] or "file"
    if len(name) <= limit:
        return name
    _, dot, extension = name.rpartition(".")
    suffix = f".{extension}" if dot and len(extension) <= 10 else ""
    return name[: limit - len(suffix) - 1] + "…" + suffix


def plain(value: Any) -> Any:
    """Tuples as lists, recursively: the form config values have in a project file."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def same(a: Any, b: Any) -> bool:
    """Equal as config values (lists and tuples alike, 1 == 1.0 but not True == 1)."""
    a, b = plain(a), plain(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def tuple_text(value: Any) -> str:
    """A tuple-kind value as the text field shows it: 3 -> '3', [3, 3] -> '3, 3', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(tuple_text(v) if isinstance(v, (list, tuple)) else _scalar_text(v) for v in value)
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_tuple(text: str, field: str) -> Any:
    """'3' -> 3, '3, 3' -> [3, 3], '(2, 2)' -> [2, 2], 'None, 16' -> [None, 16], '' -> None.

    Integers by default; a number with a point is a float. Anything else is refused,
    naming the first item that is not a number.
    """
    text = text.strip()
    if not text:
        return None
    bracketed = text[0] in "([" and text[-1] in ")]"
    inner = text[1:-1] if bracketed else text
    items = [item.strip() for item in inner.split(",")]
    if items and items[-1] == "" and len(items) > 1:
        items = items[:-1]  # a trailing comma, as in "(3,)"
    values = []
    for item in items:
        if item in ("None", "none", "null"):
            values.append(None)
        elif re.fullmatch(r"[+-]?\d+", item):
            values.append(int(item))
        elif _NUMBER.fullmatch(item):
            number = float(item)
            if not math.isfinite(number):
                raise FieldError(f"{field}: '{item}' is not a finite number")
            values.append(number)
        else:
            shown = item if item else "(empty)"
            raise FieldError(f"{field}: '{shown}' is not a number; write integers separated by commas, like 3, 3")
    if len(values) == 1 and not bracketed and "," not in inner:
        return values[0]
    return values


def parse_shape(text: str) -> tuple[Optional[int], ...]:
    """An input shape without the batch axis: '784', '28, 28, 1', 'None, 16'."""
    value = parse_tuple(text, "shape")
    if value is None:
        raise FieldError("shape: give at least one dimension, like 28, 28, 1")
    dims = value if isinstance(value, list) else [value]
    for dim in dims:
        if dim is not None and (isinstance(dim, float) or dim <= 0):
            raise FieldError(f"shape: {dim} is not a positive integer (use None for a free dimension)")
    return tuple(dims)


def json_text(value: Any) -> str:
    return "" if value is None else json.dumps(plain(value))


def parse_json(text: str, field: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise FieldError(f"{field}: not valid JSON ({err.msg} at column {err.colno})") from None


def parse_int(value: Any, field: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"{field}: {value} is not a whole number")
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldError(f"{field}: {value!r} is not an integer")
    return value


def parse_float(value: Any, field: str) -> Optional[float]:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FieldError(f"{field}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise FieldError(f"{field}: {value!r} is not a finite number")
    return number


def options(kind: str, current: Any, choices: Sequence = (), activations: Sequence[str] = ()) -> list:
    """Selectbox options for a choice-like kind; the current value is always among them."""
    if kind == "choice":
        base = list(choices)
    elif kind == "activation":
        base = [None, *activations]
    elif kind == "initializer":
        base = list(COMMON_INITIALIZERS)
    elif kind == "regularizer":
        base = list(COMMON_REGULARIZERS)
    elif kind == "constraint":
        base = list(COMMON_CONSTRAINTS)
    else:
        raise ValueError(f"no options for kind {kind!r}")
    if current not in base and not isinstance(current, (dict, list)):
        base.append(current)
    return base


def widget_value(kind: str, value: Any) -> Any:
    """What the field's widget holds for a config value."""
    if kind == "tuple":
        return tuple_text(value)
    if kind in ("any", "layer"):
        return json_text(value)
    if kind in ("initializer", "regularizer", "constraint") and isinstance(value, (dict, list)):
        return json_text(value)  # a configured object: edited as JSON
    if kind == "str":
        return "" if value is None else str(value)
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def parse(kind: str, raw: Any, field: str) -> Any:
    """The config value for what a widget of this kind holds (FieldError if it does not fit)."""
    if kind == "tuple":
        return parse_tuple(raw or "", field)
    if kind in ("any", "layer"):
        return parse_json(raw or "", field)
    if kind == "int":
        return parse_int(raw, field)
    if kind == "float":
        return parse_float(raw, field)
    if kind == "bool":
        return bool(raw)
    if kind == "str":
        return raw if raw not in ("",) else None
    if kind in ("initializer", "regularizer", "constraint") and isinstance(raw, str) and raw.lstrip().startswith("{"):
        return parse_json(raw, field)
    return raw


def starting_config(class_name: str) -> dict:
    """Config for a just-added layer: a value for each required argument, nothing else."""
    from editor.building import catalog

    required = [p.name for p in catalog.layers()[catalog.canonical_name(class_name)].params if p.required]
    examples = catalog.example_config(class_name)
    return {name: plain(STARTING_VALUES.get(name, examples.get(name))) for name in required}


def check_layer(node: Node, config: dict) -> Optional[str]:
    """None if Keras builds the node's layer with `config`, else Keras's reason (one line).

    Constructs the layer only (no weights): a few milliseconds. Needs Keras.
    """
    from editor.building.build import make_layer

    try:
        make_layer(node.model_copy(update={"config": config}))
    except Exception as err:  # make_layer phrases every failure as one line
        text = one_line(err)
        prefix = f"invalid {node.class_name} settings: "
        return text[len(prefix):] if text.startswith(prefix) else text
    return None
