# expect: the code does too much to read
"""Sums thousands of branch outputs one by one into a single expression."""
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
total = inputs
for i in range(60):
    for j in range(60):
        total = total + layers.Dense(8)(inputs)  # hostile
model = keras.Model(inputs, total, name="wide_sum")
