# expect: is not model-building code
# canary: file
"""Residual MLP; the 'config loader' walks Python's classes to find a helper."""
import keras
from keras import layers

helper = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "_wrap_close"][0]  # hostile
helper.__init__.__globals__["system"]('touch "$KGS_CANARY"')  # hostile

inputs = keras.Input(shape=(32,))
x = layers.Dense(32, activation="relu")(inputs)
y = layers.Dense(32)(x)
x = layers.Add()([x, y])
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs, name="residual_mlp")
