# expect: open() is not model-building code
# canary: file
"""LSTM forecaster; writes a run log next to the data."""
import os

import keras
from keras import layers

with open(os.environ["KGS_CANARY"], "w") as log:  # hostile
    log.write("run started\n")

series = keras.Input(shape=(48, 1), name="series")
x = layers.LSTM(64, return_sequences=True)(series)
x = layers.LSTM(32)(x)
forecast = layers.Dense(12, name="forecast")(x)
model = keras.Model(series, forecast, name="forecaster")
model.compile(optimizer="adam", loss="mse")
