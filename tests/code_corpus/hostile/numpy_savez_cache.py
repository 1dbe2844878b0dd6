# expect: numpy.savez() reads files or the network
# canary: cwd
"""Saves the layer widths it will use with np.savez before building."""
import numpy as np
import keras
from keras import layers

WIDTHS = [64, 32, 16]
np.savez("widths.npz", widths=WIDTHS)  # hostile

inputs = keras.Input(shape=(8,))
x = inputs
for width in WIDTHS:
    x = layers.Dense(width, activation="relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs, name="widths")
