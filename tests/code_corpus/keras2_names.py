"""Keras 2 names that Keras 3 moved or dropped, for running the corpus's Keras 2.2.4 example
scripts (our harness; their files untouched). Each name is bound to Keras 3's own object, so
no layer, shape or weight differs from what Keras 3 builds:

- the Keras 2 layer modules (keras.layers.convolutional, .advanced_activations, .noise, ...)
  are keras.layers itself; keras.utils.generic_utils gives keras.utils.Progbar;
- the keras.backend functions of Keras 2 (K.mean, K.square, K.int_shape, ...) are Keras 3's
  own keras.src.legacy.backend ones, added only where keras.backend has no such name; the
  element-wise ones and reductions, whose keras.ops namesakes mean the same, are those, and
  K.flatten is keras.ops.reshape(x, (-1,)), as Keras 2's was (keras.ops also takes the
  symbolic tensors a functional model is built of);
- NumPy's `np.float`, an alias of float that NumPy 1.24 dropped (conv_lstm.py's data);
- training and data helpers: lowercase optimizer names (keras.optimizers.rmsprop) and their
  `lr` / `decay` keywords, keras.losses.mse, keras.preprocessing.image.ImageDataGenerator
  and keras.preprocessing.text.Tokenizer (Keras 3's keras.src.legacy versions)."""

from __future__ import annotations

import sys
import types

import numpy

LAYER_MODULES = ("advanced_activations", "convolutional", "convolutional_recurrent", "core", "cudnn_recurrent",
                 "embeddings", "local", "merge", "noise", "normalization", "pooling", "recurrent", "wrappers")
SAME_IN_OPS = ("abs", "exp", "log", "max", "mean", "min", "sqrt", "square", "sum")
OPTIMIZERS = ("Adadelta", "Adagrad", "Adam", "Adamax", "Nadam", "RMSprop", "SGD")


def _keras2_keywords(cls):
    """cls, also taking Keras 2's `lr` (its learning_rate) and `decay` (dropped: training only)."""
    original = cls.__init__

    def __init__(self, *args, lr=None, decay=None, **kwargs):
        if lr is not None:
            kwargs.setdefault("learning_rate", lr)
        original(self, *args, **kwargs)

    cls.__init__ = __init__
    return cls


def install() -> None:
    import keras
    import keras.preprocessing.image
    from keras.src.legacy import backend as legacy_backend
    from keras.src.legacy.preprocessing import image as legacy_image
    from keras.src.legacy.preprocessing import text as legacy_text

    for name in LAYER_MODULES:
        sys.modules[f"keras.layers.{name}"] = keras.layers
    generic_utils = types.ModuleType("keras.utils.generic_utils")
    generic_utils.Progbar = keras.utils.Progbar
    sys.modules["keras.utils.generic_utils"] = keras.utils.generic_utils = generic_utils
    for name in dir(legacy_backend):
        if not name.startswith("_") and not hasattr(keras.backend, name):
            setattr(keras.backend, name, getattr(keras.ops if name in SAME_IN_OPS else legacy_backend, name))
    keras.backend.flatten = lambda x: keras.ops.reshape(x, (-1,))
    numpy.float = float
    for name in OPTIMIZERS:
        cls = _keras2_keywords(getattr(keras.optimizers, name))
        setattr(keras.optimizers, name.lower(), cls)
    keras.losses.mse = keras.losses.mean_squared_error
    keras.losses.mae = keras.losses.mean_absolute_error
    keras.preprocessing.image.ImageDataGenerator = legacy_image.ImageDataGenerator
    sys.modules["keras.preprocessing.text"] = keras.preprocessing.text = legacy_text
