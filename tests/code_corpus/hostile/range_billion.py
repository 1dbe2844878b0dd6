# expect: the code does too much to read
"""Counts its 'warm-up steps' before building the model."""
import keras
from keras import layers

warmup = 0
for i in range(10**9):  # hostile
    warmup += 1

inputs = keras.Input(shape=(10,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="warm")
