# expect: range() with a step of 0
"""A layer loop with a step of zero (Python raises ValueError: one line here, no traceback)."""
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
x = inputs
for width in range(64, 8, 0):  # hostile
    x = layers.Dense(width)(x)
model = keras.Model(inputs, x, name="zero_step")
