# expect: str() of a list
"""Describes a grid of settings as text: str() of ten thousand references to a long row."""
import keras
from keras import layers

row = [0] * 10000
grid = [row] * 10000
description = str(grid)  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="grid_text")
