# expect: the code does too much to read
"""A 'grid search' over widths, computed in nested loops."""
import keras
from keras import layers

best = 0
for a in range(10000):
    for b in range(10000):
        best = max(best, (a * b) % 97)  # hostile

inputs = keras.Input(shape=(10,))
outputs = layers.Dense(best + 1)(inputs)
model = keras.Model(inputs, outputs, name="grid")
