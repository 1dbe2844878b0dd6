# expect: numpy.load() reads files or the network
"""Embedding model initialised from a pickled numpy file."""
import numpy as np
import keras
from keras import layers

embeddings = np.load("glove.npy", allow_pickle=True)  # hostile

tokens = keras.Input(shape=(50,), dtype="int32")
x = layers.Embedding(400000, 100)(tokens)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(tokens, outputs, name="glove_bag")
