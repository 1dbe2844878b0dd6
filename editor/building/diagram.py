"""The plot_model diagram: DOT text from Keras's own `model_to_dot`, images via Graphviz."""

from __future__ import annotations

import os
import tempfile

import keras


def dot_source(model: keras.Model) -> str:
    """DOT text of the model (needs pydot, not the Graphviz binary).

    dpi is kept at Keras's default: `dpi=None` leaves a stray "dpi" node in the picture.
    """
    return keras.utils.model_to_dot(model, show_shapes=True, show_layer_names=True).to_string()


def render(model: keras.Model, fmt: str) -> bytes:
    """PNG or SVG bytes through keras.utils.plot_model (needs Graphviz's `dot`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"model.{fmt}")
        keras.utils.plot_model(model, to_file=path, show_shapes=True, show_layer_names=True)
        with open(path, "rb") as f:
            return f.read()
