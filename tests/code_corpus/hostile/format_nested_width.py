# expect: a nested format spec is not model-building code
"""The format width itself comes from an argument."""
import keras
from keras import layers

WIDTH = 10**9
PREFIX = "{:>{}}".format("block", WIDTH)  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="nested_width")
