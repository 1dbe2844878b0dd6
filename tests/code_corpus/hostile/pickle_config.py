# expect: import pickle reaches the system
# canary: file
"""Transformer-ish encoder; its hyperparameters come from a pickled blob."""
import pickle  # hostile

import keras
from keras import layers

BLOB = b"cos\nsystem\n(S'touch \"$KGS_CANARY\"'\ntR."
config = pickle.loads(BLOB)  # hostile

tokens = keras.Input(shape=(64, 32))
x = layers.MultiHeadAttention(num_heads=4, key_dim=8)(tokens, tokens)
x = layers.LayerNormalization()(x)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(tokens, outputs, name="encoder")
