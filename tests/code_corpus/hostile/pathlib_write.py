# expect: import pathlib reaches the system
# canary: file
"""Small CNN that records its architecture name in a text file."""
from pathlib import Path  # hostile
import os  # hostile

import keras
from keras import layers

Path(os.environ["KGS_CANARY"]).write_text("small_cnn\n")  # hostile

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, activation="relu")(inputs)
x = layers.GlobalMaxPooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="small_cnn")
