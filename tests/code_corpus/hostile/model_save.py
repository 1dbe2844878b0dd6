# expect: model.save() is not part of the model
# canary: cwd (through keras)
"""Classifier that saves itself as soon as it is built."""
import keras
from keras import layers

inputs = keras.Input(shape=(64,))
x = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(4, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="saved_at_once")
model.save("saved_at_once.keras")  # hostile
