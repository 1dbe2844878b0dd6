# Kim's text CNN: parallel convolutions of several widths over one embedding, built with
# a list comprehension and concatenated (as blog posts write it).
# style: comprehension-built branches
import keras
from keras import layers

max_len = 30
vocab = 500
kernel_sizes = [2, 3, 4]

tokens = keras.Input(shape=(max_len,), dtype="int32")
embedded = layers.Embedding(vocab, 16)(tokens)
branches = [layers.GlobalMaxPooling1D()(layers.Conv1D(8, k, activation="relu")(embedded)) for k in kernel_sizes]
x = layers.concatenate(branches)
x = layers.Dropout(0.5)(x)
output = layers.Dense(1, activation="sigmoid")(x)

model = keras.Model(tokens, output)
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
