# expect: open() is not model-building code
"""Text classifier; the vocabulary loader is kept for later (never called here)."""
import keras
from keras import layers


def load_vocabulary(path):
    with open(path) as handle:  # hostile
        return handle.read().split()


tokens = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(10000, 64)(tokens)
x = layers.Bidirectional(layers.GRU(32))(x)
outputs = layers.Dense(4, activation="softmax")(x)
model = keras.Model(tokens, outputs, name="topics")
