# expect: the code does too much to read
"""Checks two long schedules for equality in a loop."""
import keras
from keras import layers

first = list(range(10000))
second = list(range(10000))
same = 0
for i in range(200):
    for j in range(200):
        same = same + (first == second)  # hostile

inputs = keras.Input(shape=(4,))
outputs = layers.Dense(2)(inputs)
model = keras.Model(inputs, outputs, name="schedules")
