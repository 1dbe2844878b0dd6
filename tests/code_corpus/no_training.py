"""Keras 2 example scripts (the corpus's keras 2.2.4 examples/) load a dataset, train and save:
run for their model only, the published-corpus runner gives them this instead (our harness,
their files untouched): each keras.datasets load_data returns arrays of the shapes and types
the real one does (zeros and small random integers, nothing downloaded; cifar10 with fewer
images, as no model depends on their number; every class of a labelled dataset present, as
reuters_mlp.py sizes its output on the largest label), and fit, evaluate, predict and save do
no work (fit builds a model not built yet on its data's shape, as the real one does; predict
gives zeros of the model's output shape; Keras 2's predict_classes their argmax). Plotting is
left out too: a TensorBoard callback that writes nothing, keras.utils.plot_model, and, where
matplotlib is not installed, matplotlib.pyplot and pylab stand-ins whose every call does
nothing. The model every script builds is what the corpus test compares, and none of these
change it."""

from __future__ import annotations

import importlib.util
import sys
import types

import numpy as np


class _History:
    history = {key: [0.0] for key in ("loss", "acc", "accuracy", "val_loss", "val_acc", "val_accuracy")}


def _labels(rng, classes: int, shape: tuple, dtype: str) -> np.ndarray:
    """Random labels with every class present where there are enough (the first are 0, 1, ...)."""
    labels = rng.randint(0, classes, shape)
    first = labels.reshape(-1)[:classes]
    first[:] = np.arange(len(first))
    return labels.astype(dtype)


def _images(train: tuple, test: tuple, label_shape: tuple):
    def load_data(*args, **kwargs):
        rng = np.random.RandomState(0)
        return ((np.zeros(train, "uint8"), _labels(rng, 10, train[:1] + label_shape, "uint8")),
                (np.zeros(test, "uint8"), _labels(rng, 10, test[:1] + label_shape, "uint8")))
    return load_data


def _sequences(classes: int):
    def load_data(*args, num_words=None, **kwargs):
        rng = np.random.RandomState(0)
        top = min(num_words or 1000, 1000)
        made = lambda n: np.array([list(rng.randint(1, top, rng.randint(5, 40))) for _ in range(n)], dtype=object)  # noqa: E731
        return (made(64), _labels(rng, classes, (64,), "int64")), (made(16), _labels(rng, classes, (16,), "int64"))
    return load_data


class _Nothing(types.ModuleType):
    """A plotting module (or anything it returns) whose every attribute and call does nothing."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __setitem__(self, key, value):
        pass


def _no_plotting() -> None:
    import keras

    keras.utils.plot_model = lambda *args, **kwargs: None
    keras.callbacks.TensorBoard = lambda *args, **kwargs: keras.callbacks.Callback()
    if importlib.util.find_spec("matplotlib") is None:
        pyplot = _Nothing("matplotlib.pyplot")
        matplotlib = _Nothing("matplotlib")
        matplotlib.pyplot = pyplot
        sys.modules.update({"matplotlib": matplotlib, "matplotlib.pyplot": pyplot, "pylab": pyplot})


def _fit(self, x=None, *args, **kwargs):
    """No training; a model not built yet is built on the data's shape, as Keras's fit would
    (a Keras 2 Sequential whose first layer had `input_length` has no input shape in Keras 3)."""
    first = x[0] if isinstance(x, (list, tuple)) else x
    if not self.built and hasattr(first, "shape"):
        self.build((None,) + tuple(first.shape[1:]))
    return _History()


def _predict(self, x, *args, **kwargs):
    first = x[0] if isinstance(x, (list, tuple)) else x
    outputs = [tuple(d or 1 for d in t.shape[1:]) for t in self.outputs]
    zeros = [np.zeros((len(first),) + shape, "float32") for shape in outputs]
    return zeros[0] if len(zeros) == 1 else zeros


def _metrics_names(self) -> list[str]:
    """Keras 2's names of what evaluate gives: the loss, then one per output or the accuracy."""
    try:
        outputs = [t._keras_history[0].name for t in self.outputs]
    except (AttributeError, ValueError):  # a Sequential not built yet
        outputs = []
    return ["loss"] + ([f"{name}_loss" for name in outputs] if len(outputs) > 1 else ["acc"])


def _scores(self, *args, **kwargs):
    return [0.0] * len(_metrics_names(self))


def _predict_classes(self, x, *args, **kwargs):
    return self.predict(x).argmax(axis=-1)


def install() -> None:
    import keras.datasets.cifar10
    import keras.datasets.imdb
    import keras.datasets.mnist
    import keras.datasets.reuters
    from keras.src.models.model import Model

    keras.datasets.mnist.load_data = _images((60000, 28, 28), (10000, 28, 28), ())
    keras.datasets.cifar10.load_data = _images((5000, 32, 32, 3), (1000, 32, 32, 3), (1,))
    keras.datasets.imdb.load_data = _sequences(2)
    keras.datasets.reuters.load_data = _sequences(46)
    for name in ("fit", "fit_generator"):
        setattr(Model, name, _fit)
    for name in ("evaluate", "evaluate_generator", "train_on_batch", "test_on_batch"):
        setattr(Model, name, _scores)
    Model.predict = _predict
    Model.predict_classes = _predict_classes
    Model.metrics_names = property(_metrics_names)
    Model.save = lambda self, *args, **kwargs: None
    Model.save_weights = lambda self, *args, **kwargs: None
    _no_plotting()
