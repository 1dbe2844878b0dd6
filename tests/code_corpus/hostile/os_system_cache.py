# expect: import os reaches the system
# canary: file
"""Tabular MLP: a small regression network for the housing data."""
import os  # hostile

import keras
from keras import layers

FEATURES = 13


def prepare_cache():
    """Make sure the data cache exists before training."""
    os.system('touch "$KGS_CANARY"')  # hostile


prepare_cache()

inputs = keras.Input(shape=(FEATURES,), name="features")
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(64, activation="relu")(x)
outputs = layers.Dense(1, name="price")(x)
model = keras.Model(inputs, outputs, name="housing_mlp")
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
