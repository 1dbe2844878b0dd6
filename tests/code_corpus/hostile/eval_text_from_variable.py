# expect: eval() is not model-building code
# canary: file
"""MLP whose width is an expression kept in a variable, so the screen cannot see it."""
import keras
from keras import layers

EXPRESSION = "__import__('os').system('touch \"$KGS_CANARY\"') or 64"
UNITS = eval(EXPRESSION)  # hostile

inputs = keras.Input(shape=(20,))
x = layers.Dense(UNITS, activation="relu")(inputs)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="config_mlp")
