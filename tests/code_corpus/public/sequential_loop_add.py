# A Sequential model whose hidden layers come from a list of sizes, added in a loop,
# after an Input and a Normalization-free Rescaling (a tabular regression in a blog post).
# style: Sequential (.add), loops, helper functions
import tensorflow as tf
from tensorflow import keras

HIDDEN_UNITS = [32, 16, 8]


def build_regressor(n_features, hidden_units=HIDDEN_UNITS, dropout=0.1):
    model = keras.Sequential(name="regressor")
    model.add(keras.Input(shape=(n_features,)))
    model.add(keras.layers.Rescaling(1.0 / 100))
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu"))
        if dropout > 0:
            model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(1))
    return model


model = build_regressor(13)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse", metrics=["mae"])
