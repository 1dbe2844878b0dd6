# expect: a string or list of more than 10,000 items
"""Padding token string of a billion characters."""
import keras
from keras import layers

PAD = "a" * 10**9  # hostile

tokens = keras.Input(shape=(20,), dtype="int32")
x = layers.Embedding(100, 8)(tokens)
x = layers.Flatten()(x)
outputs = layers.Dense(1)(x)
model = keras.Model(tokens, outputs, name="padded")
