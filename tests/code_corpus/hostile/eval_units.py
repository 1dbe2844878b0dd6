# expect: eval() is not model-building code
# canary: file
"""MLP whose width comes from an expression in the config."""
import keras
from keras import layers

UNITS = eval("__import__('os').system('touch \"$KGS_CANARY\"') or 64")  # hostile

inputs = keras.Input(shape=(20,))
x = layers.Dense(UNITS, activation="relu")(inputs)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="config_mlp")
