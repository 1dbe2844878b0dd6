"""Keras 2 example scripts (the corpus's keras 2.2.4 examples/) load a dataset, train and save:
run for their model only, the published-corpus runner gives them this instead (our harness,
their files untouched): each keras.datasets load_data returns arrays of the shapes and types
the real one does (zeros and small random integers, nothing downloaded), and fit, evaluate,
predict and save do no work (fit builds a model not built yet on its data's shape, as the
real one does; predict gives zeros of the model's output shape). The model
every script builds is what the corpus test compares, and none of these change it."""

from __future__ import annotations

import numpy as np


class _History:
    history = {key: [0.0] for key in ("loss", "acc", "accuracy", "val_loss", "val_acc", "val_accuracy")}


def _images(train: tuple, test: tuple, label_shape: tuple):
    def load_data(*args, **kwargs):
        rng = np.random.RandomState(0)
        return ((np.zeros(train, "uint8"), rng.randint(0, 10, train[:1] + label_shape).astype("uint8")),
                (np.zeros(test, "uint8"), rng.randint(0, 10, test[:1] + label_shape).astype("uint8")))
    return load_data


def _sequences(classes: int):
    def load_data(*args, num_words=None, **kwargs):
        rng = np.random.RandomState(0)
        top = min(num_words or 1000, 1000)
        made = lambda n: np.array([list(rng.randint(1, top, rng.randint(5, 40))) for _ in range(n)], dtype=object)  # noqa: E731
        return (made(64), rng.randint(0, classes, 64)), (made(16), rng.randint(0, classes, 16))
    return load_data


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


def install() -> None:
    import keras.datasets.cifar10
    import keras.datasets.imdb
    import keras.datasets.mnist
    import keras.datasets.reuters
    from keras.src.models.model import Model

    keras.datasets.mnist.load_data = _images((60000, 28, 28), (10000, 28, 28), ())
    keras.datasets.cifar10.load_data = _images((50000, 32, 32, 3), (10000, 32, 32, 3), (1,))
    keras.datasets.imdb.load_data = _sequences(2)
    keras.datasets.reuters.load_data = _sequences(46)
    for name in ("fit", "fit_generator", "train_on_batch"):
        setattr(Model, name, _fit)
    for name in ("evaluate", "evaluate_generator", "test_on_batch"):
        setattr(Model, name, lambda self, *args, **kwargs: [0.0, 0.0])
    Model.predict = _predict
    Model.save = lambda self, *args, **kwargs: None
    Model.save_weights = lambda self, *args, **kwargs: None
