# A sequence tagger: masked embedding, a bidirectional LSTM and a per-timestep softmax
# through TimeDistributed (the wrappers carry the layer they wrap).
# style: wrapper layers, Sequential (list)
from tensorflow import keras
from tensorflow.keras import layers

vocab_size = 300
num_tags = 7
max_len = 25

model = keras.Sequential([
    keras.Input(shape=(max_len,), dtype="int32"),
    layers.Embedding(input_dim=vocab_size, output_dim=16, mask_zero=True),
    layers.Bidirectional(layers.LSTM(16, return_sequences=True)),
    layers.Dropout(0.2),
    layers.TimeDistributed(layers.Dense(num_tags, activation="softmax")),
], name="tagger")
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
