# expect: calls nested deeper than 16
"""A recursive block builder with no base case."""
import keras
from keras import layers


def block(x, depth):
    x = layers.Dense(8, activation="relu")(x)
    return block(x, depth + 1)  # hostile


inputs = keras.Input(shape=(8,))
outputs = block(inputs, 0)
model = keras.Model(inputs, outputs, name="endless")
