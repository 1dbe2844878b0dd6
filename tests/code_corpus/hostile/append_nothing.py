# expect: list.append() takes one argument
"""Appends nothing to the list of blocks (Python raises TypeError: one line here, no traceback)."""
import keras
from keras import layers

blocks = []
blocks.append()  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="append_nothing")
