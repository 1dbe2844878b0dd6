# expect: the code does too much to read
"""Picks a 'median width' by sorting a long list again and again (each statement looks cheap)."""
import keras
from keras import layers

candidates = list(range(10000))
width = 0
for trial in range(100):
    for repeat in range(100):
        width = sorted(candidates)[trial]  # hostile

inputs = keras.Input(shape=(16,))
outputs = layers.Dense(width + 1)(inputs)
model = keras.Model(inputs, outputs, name="median_width")
