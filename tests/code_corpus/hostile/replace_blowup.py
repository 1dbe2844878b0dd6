# expect: a string of more than 10,000 characters
"""Builds a 'separator' by replacing the empty string: 10,000 x 10,000 characters."""
import keras
from keras import layers

row = "=" * 10000
separator = row.replace("", row)  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="separator")
