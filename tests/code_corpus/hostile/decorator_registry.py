# expect: decorated function build_model()
"""The model builder registers itself with a decorator."""
import keras
from keras import layers

BUILDERS = []


def register(function):
    BUILDERS.append(function)
    return function


@register
def build_model():  # hostile
    inputs = keras.Input(shape=(20,))
    x = layers.Dense(32, activation="relu")(inputs)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="registered")
