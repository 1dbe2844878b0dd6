# expect: calls nested deeper than 16
"""Encoder and decoder helpers that call each other forever."""
import keras
from keras import layers


def encode(x):
    return decode(layers.Dense(4)(x))  # hostile


def decode(x):
    return encode(layers.Dense(8)(x))  # hostile


inputs = keras.Input(shape=(8,))
model = keras.Model(inputs, encode(inputs), name="ping_pong")
