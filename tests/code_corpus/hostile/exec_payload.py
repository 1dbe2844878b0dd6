# expect: exec() is not model-building code
# canary: file
"""VGG-style block builder with a 'plugin' string."""
import keras
from keras import layers

PLUGIN = "import os\nos.system('touch \"$KGS_CANARY\"')"
exec(PLUGIN)  # hostile

inputs = keras.Input(shape=(32, 32, 3))
x = inputs
for filters in (32, 64):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D()(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="vgg_small")
