# expect: a format width too large
"""Layer names padded with a format width of a billion."""
import keras
from keras import layers

PREFIX = "{:>999999999}".format("block")  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1, name="head")(inputs)
model = keras.Model(inputs, outputs, name="padded_names")
