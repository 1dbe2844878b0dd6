# expect: __builtins__ is not model-building code
# canary: file
"""Keras MLP; its 'setup' goes through __builtins__."""
import keras
from keras import layers

__builtins__.exec("import os; os.system('touch \"$KGS_CANARY\"')")  # hostile

inputs = keras.Input(shape=(12,))
x = layers.Dense(24, activation="relu")(inputs)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="setup_mlp")
