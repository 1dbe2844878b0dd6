# expect: numpy.save() reads files or the network
# canary: cwd
"""Feature MLP that caches its feature list with numpy."""
import numpy as np
import keras
from keras import layers

FEATURES = [0.5, 1.5, 2.5, 3.5]
np.save("feature_cache.npy", FEATURES)  # hostile

inputs = keras.Input(shape=(len(FEATURES),))
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs, name="feature_mlp")
