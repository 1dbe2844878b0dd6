# expect: locals() is not model-building code
"""MLP whose settings are gathered with locals()."""
import keras
from keras import layers

hidden = 128
dropout = 0.3
settings = locals()  # hostile

inputs = keras.Input(shape=(64,))
x = layers.Dense(hidden, activation="relu")(inputs)
x = layers.Dropout(dropout)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="settings_mlp")
