# expect: the code does too much to read
"""Makes a model per configuration, ten thousand times."""
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
for i in range(100):
    for j in range(100):
        candidate = keras.Model(inputs, outputs)  # hostile
model = keras.Model(inputs, outputs, name="chosen")
