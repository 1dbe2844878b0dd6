# expect: the code does too much to read
"""Flattens a grid with sum(..., []): quadratic copying of a hundred million items."""
import keras
from keras import layers

row = [1] * 10000
grid = [row] * 10000
flat = sum(grid, [])  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="flattened")
