# expect: sorted(): '<' not supported
"""Sorts widths mixed with names (Python raises TypeError: one line here, no traceback)."""
import keras
from keras import layers

WIDTHS = sorted([64, "wide", 32])  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="sorted_widths")
