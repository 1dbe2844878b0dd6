# expect: keras.utils.get_file() reads files or the network
# canary: cwd (through keras)
"""Fine-tunes a head on the flowers data set, which it downloads first."""
import keras
from keras import layers

archive = keras.utils.get_file(  # hostile
    "flower_photos.tgz",
    origin="https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz",
    extract=True,
    cache_dir=".",
)

inputs = keras.Input(shape=(180, 180, 3))
x = layers.Rescaling(1.0 / 255)(inputs)
x = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling2D()(x)
x = layers.Flatten()(x)
outputs = layers.Dense(5)(x)
model = keras.Model(inputs, outputs, name="flowers")
