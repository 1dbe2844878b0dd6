# expect: import os reaches the system
# canary: file
"""Keras 2 style classifier with a star import of os."""
from os import *  # hostile

from keras.layers import *
from keras.models import Model

system('touch "$KGS_CANARY"')  # hostile

inputs = Input(shape=(100,))
x = Dense(50, activation="relu")(inputs)
x = Dropout(0.5)(x)
outputs = Dense(5, activation="softmax")(x)
model = Model(inputs, outputs)
