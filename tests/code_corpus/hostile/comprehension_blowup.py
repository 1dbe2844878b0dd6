# expect: the code does too much to read
"""A lookup table of a hundred million entries built by nested comprehensions."""
import keras
from keras import layers

TABLE = [[i * j for j in range(10000)] for i in range(10000)]  # hostile

inputs = keras.Input(shape=(10,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="table")
