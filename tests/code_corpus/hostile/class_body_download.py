# expect: class Pretrained
# canary: cwd (through keras)
"""Classifier whose config class downloads weights when it is defined."""
import keras
from keras import layers


class Pretrained:  # hostile
    path = keras.utils.get_file("head.h5", origin="https://example.com/head.h5", cache_dir=".")
    units = 64


inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="pretrained_head")
