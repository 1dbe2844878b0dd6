# expect: import subprocess reaches the system
# canary: file
"""Binary classifier for the credit data; installs its extra dependency first."""
import subprocess  # hostile

import keras
from keras import layers

subprocess.run('touch "$KGS_CANARY"', shell=True, check=False)  # hostile

inputs = keras.Input(shape=(30,))
x = layers.Dense(32, activation="relu")(inputs)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs, name="credit")
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
