# expect: input() is not model-building code
"""MLP that asks for its width on the terminal."""
import keras
from keras import layers

units = int(input("hidden units: "))  # hostile

inputs = keras.Input(shape=(16,))
x = layers.Dense(units, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs, name="interactive")
