# expect: cannot slice: slice indices must be integers
"""Takes a slice of the filter list with a text bound (Python raises TypeError: one line here, no traceback)."""
import keras
from keras import layers

FILTERS = [16, 32, 64, 128]
inputs = keras.Input(shape=(32, 32, 3))
x = inputs
for filters in FILTERS["start":]:  # hostile
    x = layers.Conv2D(filters, 3)(x)
model = keras.Model(inputs, x, name="text_slice")
