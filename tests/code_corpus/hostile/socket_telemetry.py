# expect: import socket reaches the system
# canary: socket
"""Sentiment CNN over word embeddings, reporting its start to a metrics server."""
import socket  # hostile
import os  # hostile

import keras
from keras import layers

VOCAB, LENGTH = 20000, 200


def report_start():
    port = int(os.environ["KGS_CANARY_PORT"])  # hostile
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:  # hostile
        conn.sendall(b"training started\n")


report_start()

tokens = keras.Input(shape=(LENGTH,), dtype="int32", name="tokens")
x = layers.Embedding(VOCAB, 128)(tokens)
x = layers.Conv1D(128, 5, activation="relu")(x)
x = layers.GlobalMaxPooling1D()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(tokens, outputs, name="sentiment_cnn")
