# expect: the code does too much to read
"""A 'very deep' MLP: ten thousand Dense layers in nested loops."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = inputs
for stage in range(100):
    for block in range(100):
        x = layers.Dense(4, activation="relu")(x)  # hostile
model = keras.Model(inputs, x, name="very_deep")
