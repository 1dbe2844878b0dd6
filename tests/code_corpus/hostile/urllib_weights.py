# expect: import urllib.request reaches the system
# canary: socket
"""Image classifier that fetches its pretrained head from the team server."""
import urllib.request  # hostile
import os  # hostile

import keras
from keras import layers

URL = "http://127.0.0.1:{port}/head_weights.h5"

try:
    urllib.request.urlopen(URL.format(port=os.environ["KGS_CANARY_PORT"]), timeout=0.5)  # hostile
except OSError:
    pass

inputs = keras.Input(shape=(64, 64, 3))
x = layers.Conv2D(32, 3, activation="relu")(inputs)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(64, 3, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="small_cnn")
