# expect: a string or list of more than 10,000 items
"""Schedule doubled forty times in a loop."""
import keras
from keras import layers

schedule = [0.1]
for _ in range(40):
    schedule = schedule + schedule  # hostile

inputs = keras.Input(shape=(10,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="doubling")
