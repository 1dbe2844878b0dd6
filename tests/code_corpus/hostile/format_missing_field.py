# expect: str.format(): 'block'
"""A name template whose field is never given (Python raises KeyError: one line here, no traceback)."""
import keras
from keras import layers

NAME = "{block}_{index}".format(7)  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="template_error")
