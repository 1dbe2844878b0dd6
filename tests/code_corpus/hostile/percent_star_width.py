# expect: a format width from an argument is not model-building code
"""printf-style padding whose width is an argument."""
import keras
from keras import layers

RUN_ID = "%*d" % (999999999, 7)  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="star_width")
