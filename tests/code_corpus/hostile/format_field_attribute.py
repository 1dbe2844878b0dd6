# expect: a format field with attributes or indexes is not model-building code
"""A name template that reaches into Python objects' attributes."""
import keras
from keras import layers

TEMPLATE = "{0.__class__.__init__.__globals__}"
leak = TEMPLATE.format("model")  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="template")
