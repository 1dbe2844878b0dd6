# expect: while loops are not model-building code
"""The builder halves the width in a while loop."""
import keras
from keras import layers


def build(width):
    inputs = keras.Input(shape=(width,))
    x = inputs
    while width > 1:  # hostile
        width = width // 2
        x = layers.Dense(width, activation="relu")(x)
    return keras.Model(inputs, x, name="halving")


model = build(64)
