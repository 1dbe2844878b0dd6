# expect: the code does too much to read
"""Reads past the end of an empty list ten thousand times, each with its own index."""
import keras
from keras import layers

history = []
for epoch in range(100):
    for step in range(100):
        loss = history[epoch * 100 + step]  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="history")
