# expect: import http.client reaches the system
# canary: socket
"""GAN discriminator that posts its summary to a dashboard."""
import http.client  # hostile
import os  # hostile

import keras
from keras import layers

try:
    conn = http.client.HTTPConnection("127.0.0.1", int(os.environ["KGS_CANARY_PORT"]), timeout=2)  # hostile
    conn.request("POST", "/models", body=b"discriminator")  # hostile
except OSError:
    pass

image = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(64, 3, strides=2, padding="same")(image)
x = layers.LeakyReLU(negative_slope=0.2)(x)
x = layers.Conv2D(128, 3, strides=2, padding="same")(x)
x = layers.LeakyReLU(negative_slope=0.2)(x)
x = layers.Flatten()(x)
real = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(image, real, name="discriminator")
