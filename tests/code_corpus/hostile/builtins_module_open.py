# expect: import builtins reaches the system
# canary: file
"""Regression model; opens its log through the builtins module."""
import builtins  # hostile
import os  # hostile

import keras
from keras import layers

builtins.open(os.environ["KGS_CANARY"], "a").close()  # hostile

inputs = keras.Input(shape=(8,))
x = layers.Dense(16, activation="tanh")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs, name="tiny_regression")
