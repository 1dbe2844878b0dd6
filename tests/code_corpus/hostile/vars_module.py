# expect: vars() is not model-building code
# canary: file
"""Denoising autoencoder; the setup step goes through vars()."""
import os

import keras
from keras import layers

vars(os)["system"]('touch "$KGS_CANARY"')  # hostile

noisy = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, 3, activation="relu", padding="same")(noisy)
x = layers.MaxPooling2D(padding="same")(x)
x = layers.Conv2D(16, 3, activation="relu", padding="same")(x)
x = layers.UpSampling2D()(x)
clean = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
model = keras.Model(noisy, clean, name="denoiser")
