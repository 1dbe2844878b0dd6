"""Train a small text classifier.

A script as repositories publish them: build_model() makes the model, main() compiles
it, and it all runs under `if __name__ == "__main__":`.
"""
# style: main guard, helper functions with defaults
import keras
from keras import layers

VOCAB_SIZE = 2000
MAX_LEN = 40


def build_model(vocab_size=VOCAB_SIZE, max_len=MAX_LEN, embed_dim=16, num_classes=4):
    inputs = keras.Input(shape=(max_len,), dtype="int32", name="tokens")
    x = layers.Embedding(vocab_size, embed_dim)(inputs)
    x = layers.Conv1D(32, 5, activation="relu")(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="label")(x)
    return keras.Model(inputs, outputs, name="text_cnn")


def main():
    model = build_model(embed_dim=8)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-4),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()


if __name__ == "__main__":
    main()
