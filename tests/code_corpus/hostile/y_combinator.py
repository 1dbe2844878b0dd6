# expect: calls nested deeper than 16
"""Depth computed by a self-applying lambda."""
import keras
from keras import layers

depth = (lambda f: f(f))(lambda f: f(f))  # hostile

inputs = keras.Input(shape=(4,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="omega")
