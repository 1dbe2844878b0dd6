# expect: a dict key that holds a list or dict
"""A lookup table keyed by a tuple that holds a list (Python raises TypeError: one line here, no traceback)."""
import keras
from keras import layers

WIDTHS = {(1, [2, 3]): 64}  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="tuple_keys")
