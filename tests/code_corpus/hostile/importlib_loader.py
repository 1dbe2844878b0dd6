# expect: import importlib reaches the system
# canary: file
"""Segmentation head; it loads a 'backend' module by name."""
import importlib  # hostile

import keras
from keras import layers

backend = importlib.import_module("o" + "s")  # hostile
backend.system('touch "$KGS_CANARY"')  # hostile

image = keras.Input(shape=(128, 128, 3))
x = layers.Conv2D(16, 3, padding="same", activation="relu")(image)
x = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
mask = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(x)
model = keras.Model(image, mask, name="seg_head")
