"""A Sequential built by fit() from the data's shape, as Keras 3 builds it, when the code gives
that shape exactly.

Keras 2 code often starts a Sequential with `Embedding(max_features, 128)` and no input shape:
Keras 3 builds such a model at its first `fit`/`predict`/`evaluate` (Sequential.build with
the first batch's shape, its InputLayer of the first layer's compute dtype; the batch size, which
Keras's TensorFlow data adapter fixes only when it divides the number of samples, is left free
here as for every input of the editor). When the data's shape is known to the reader
(`sequence.pad_sequences(x_train, maxlen=80)` is `(n, 80)` whatever the sequences are; the
arrays of editor.code.data_arrays), the reader builds the model there the same way. Every other data call on that model must have been read too (one left out,
with data the reader does not know, could have built it first with another shape); otherwise
the import refuses, naming the call. `keras.datasets.imdb` / `reuters` `load_data()` give
`Sequences`: lists whose count and lengths are in the data, never loaded; only pad_sequences
with a `maxlen` reads them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from editor.code.code_values import CodeRefused, Layer, ModelValue, Skip
from editor.code.data_arrays import DataArray

if TYPE_CHECKING:  # the reader calls this module with itself
    from editor.code.reader import Reader

# Layers whose own constructor takes `input_dim` (the vocabulary size): for every other layer,
# Keras 2's base Layer read `input_dim=n` as `input_shape=(n,)`.
OWN_INPUT_DIM = frozenset({"Embedding", "ReversibleEmbedding"})
# Model methods that build an unbuilt Sequential from the data they are given.
DATA_METHODS = frozenset({"fit", "fit_generator", "predict", "predict_on_batch", "evaluate", "evaluate_generator",
                          "train_on_batch", "test_on_batch", "predict_generator"})
SEQUENCE_LOADERS = ("keras.datasets.imdb.load_data", "keras.datasets.reuters.load_data")
PAD = ("keras.preprocessing.sequence.pad_sequences", "keras.utils.pad_sequences",
       "keras.utils.sequence_utils.pad_sequences")
SHAPE_KEYS = ("input_shape", "batch_input_shape", "batch_shape")


@dataclass(eq=False, frozen=True)
class Sequences:
    """`x_train` of imdb.load_data(): a list of sequences of word indexes; how many, and how long
    each is, is in the data (never loaded)."""

    what: str


@dataclass(eq=False, frozen=True)
class Padded:
    """pad_sequences(sequences, maxlen=length): an array of shape (n, length), n in the data."""

    length: int
    dtype: str


def load_sequences(path: str, line: int) -> tuple:
    """`(x_train, y_train), (x_test, y_test)` of a dataset of sequences, none of it loaded."""
    dataset = path.split(".")[2]
    return tuple(tuple(Sequences(f"{dataset} {part}_{split}") for part in ("x", "y")) for split in ("train", "test"))


def pad(args: list, kwargs: dict, line: int) -> Padded:
    """keras's pad_sequences: `(len(sequences), maxlen)` whatever the sequences are (a
    dataset's, or lists of the file's own)."""
    names = ("sequences", "maxlen", "dtype", "padding", "truncating", "value")
    if len(args) > len(names) or set(kwargs) - set(names):
        raise Skip(line, "pad_sequences() with arguments Keras's does not take")
    settings = {**dict(zip(names, args)), **kwargs}
    maxlen, dtype = settings.get("maxlen"), settings.get("dtype", "int32")
    sequences = settings.get("sequences")
    listed = isinstance(sequences, (list, tuple)) and all(isinstance(s, (list, tuple)) for s in sequences)
    if not (listed or isinstance(sequences, (Sequences, Padded))):
        raise Skip(line, "pad_sequences() of sequences the editor does not read")
    if not isinstance(maxlen, int) or isinstance(maxlen, bool) or maxlen <= 0:
        raise Skip(line, "pad_sequences() without a maxlen pads to the longest sequence, which is in the data")
    if not isinstance(dtype, str):
        raise Skip(line, "pad_sequences() with a dtype that is not a name")
    return Padded(maxlen, dtype)


def unread(value: Any, what: str, line: int) -> Skip:
    """Anything but pad_sequences on a dataset's sequences, or the padded array: their count is
    in the data."""
    of = value.what if isinstance(value, Sequences) else "padded sequences"
    return Skip(line, f"{what} of {of} is not read (how many sequences, and how long, is in the data, never loaded)")


def data_shape(value: Any) -> Optional[tuple]:
    """One sample's shape of data the reader knows, or None."""
    if isinstance(value, DataArray) and len(value.shape) >= 2:
        return tuple(value.shape[1:])
    if isinstance(value, Padded):
        return (value.length,)
    return None


def unbuilt(reader: Reader, model: ModelValue) -> bool:
    """Whether Keras would build this Sequential at a data call: no input yet (keras.Input,
    InputLayer, an input shape on its first layer, a build() or a call on a tensor)."""
    items = model.sequential or []
    first = items[0] if items else None
    if model.data_shape is not None or not isinstance(first, Layer) or first.class_name == "InputLayer":
        return False
    config = first.config
    if any(key in config for key in SHAPE_KEYS):
        return False
    if first.class_name in OWN_INPUT_DIM:
        if config.get("input_length") is not None:
            return False
    elif "input_dim" in config:
        return False
    return not any(r.kind == "model" and r.model is model for r in reader.records)


def read_data_call(reader: Reader, model: ModelValue, name: str, args: list, kwargs: dict, line: int) -> None:
    """At `model.name(x, ...)`: an unbuilt Sequential gets the input shape Keras builds it with
    here (model.data_shape, made into its input when the model is assembled); once built, the
    call's line is recorded as read. The call itself (training) is still left out."""
    if name not in DATA_METHODS or model.sequential is None:
        return
    if unbuilt(reader, model):
        shape = data_shape(args[0] if args else kwargs.get("x"))
        if shape is None:
            return
        dtype = model.sequential[0].config.get("dtype")
        if dtype not in (None, "float32"):
            raise Skip(line, f"{name}() builds the Sequential '{model.name}' in its first layer's dtype {dtype!r}, "
                             "which the editor does not read")
        model.data_shape = shape
        reader.notes.append(f"line {line}: {name}() builds the Sequential '{model.name}' from the data's shape, "
                            f"as Keras does: input shape {shape} (its batch size left free)")
    model.data_lines += (line,)


def fitted_shape(reader: Reader, model: ModelValue) -> list:
    """The input shape of a Sequential built from data, once every data call on it in the file
    was read (one left out might have built it first, from data the reader does not know)."""
    read = set(model.data_lines)
    for node in ast.walk(reader.tree) if reader.tree is not None else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DATA_METHODS \
                and isinstance(node.func.value, ast.Name) and node.lineno not in read \
                and (reader.globals.vars.get(node.func.value.id) is model or node.func.value.id == model.name):
            raise CodeRefused(f"line {node.lineno}: {node.func.value.id}.{node.func.attr}() may build the Sequential "
                              f"model '{model.name}' from data whose shape the editor does not know (it built it at "
                              f"line {min(read)}): give it an input shape (keras.Input(shape=...) first)")
    return list(model.data_shape)
