# expect: keras.config.enable_unsafe_deserialization() is not model-building code
"""Lambda-heavy model that turns Keras's safe mode off 'to be able to load it later'."""
import keras
from keras import layers

keras.config.enable_unsafe_deserialization()  # hostile

inputs = keras.Input(shape=(8,))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs, name="unsafe_mode")
