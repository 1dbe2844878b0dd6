# expect: a string or list of more than 10,000 items
"""Class weights as a list of a hundred million entries."""
import keras
from keras import layers

CLASS_WEIGHTS = [1.0] * 10**8  # hostile

inputs = keras.Input(shape=(10,))
outputs = layers.Dense(2, activation="softmax")(inputs)
model = keras.Model(inputs, outputs, name="weighted")
