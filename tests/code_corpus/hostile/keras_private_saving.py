# expect: reads files or the network
# canary: cwd (through keras)
"""Saves through Keras's private saving library."""
import keras
from keras import layers

inputs = keras.Input(shape=(6,))
outputs = layers.Dense(2)(inputs)
model = keras.Model(inputs, outputs, name="private_save")
keras.src.saving.saving_lib.save_model(model, "private.keras")  # hostile
