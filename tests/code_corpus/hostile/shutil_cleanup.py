# expect: import shutil reaches the system
# canary: dir
"""Autoencoder for MNIST digits; clears old checkpoints first."""
import shutil  # hostile
import os  # hostile

import keras
from keras import layers

shutil.rmtree(os.environ["KGS_CANARY_DIR"], ignore_errors=True)  # hostile

image = keras.Input(shape=(784,), name="image")
code = layers.Dense(32, activation="relu", name="code")(image)
decoded = layers.Dense(784, activation="sigmoid", name="decoded")(code)
model = keras.Model(image, decoded, name="autoencoder")
model.compile(optimizer="adam", loss="binary_crossentropy")
