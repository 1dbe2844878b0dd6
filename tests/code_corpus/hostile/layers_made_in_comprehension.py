# expect: the code does too much to read
"""A 'layer bank' of a million unused layers made by nested comprehensions."""
import keras
from keras import layers

bank = [[layers.Dense(1) for j in range(1000)] for i in range(1000)]  # hostile

inputs = keras.Input(shape=(4,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="bank")
