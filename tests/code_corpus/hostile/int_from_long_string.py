# expect: a number too large
"""The number of epochs parsed from a thirty-digit string, then used as a loop bound."""
import keras
from keras import layers

EPOCHS = int("9" * 30)  # hostile
for epoch in range(EPOCHS):
    pass

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="epochs")
