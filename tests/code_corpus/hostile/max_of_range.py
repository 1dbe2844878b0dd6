# expect: the code does too much to read
"""The widest layer is max() over a range of a quadrillion numbers."""
import keras
from keras import layers

WIDEST = max(range(10**15))  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="widest")
