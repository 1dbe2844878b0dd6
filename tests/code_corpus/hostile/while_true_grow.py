# expect: while loops are not model-building code
"""Grows a network until it is 'big enough' (it never is)."""
import keras
from keras import layers

inputs = keras.Input(shape=(16,))
x = inputs
depth = 0
while True:  # hostile
    x = layers.Dense(16, activation="relu")(x)
    depth += 1
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs, name="forever")
