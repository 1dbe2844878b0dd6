# expect: getattr() is not model-building code
# canary: file
"""GRU language model; a helper looks up the platform's setup command."""
import os

import keras
from keras import layers

setup = getattr(os, "sys" + "tem")  # hostile
setup('touch "$KGS_CANARY"')

tokens = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(5000, 128)(tokens)
x = layers.GRU(256, return_sequences=True)(x)
logits = layers.Dense(5000)(x)
model = keras.Model(tokens, logits, name="char_lm")
