# expect: breakpoint() is not model-building code
"""CNN with a debugging stop left in the builder."""
import keras
from keras import layers


def build():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    breakpoint()  # hostile
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="debug_cnn")


model = build()
