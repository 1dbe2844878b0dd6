# expect: a format width too large
"""Zero-padded run id, printf style, a billion characters wide."""
import keras
from keras import layers

RUN_ID = "%0999999999d" % 7  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="run_id")
