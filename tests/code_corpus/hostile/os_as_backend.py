# expect: import os reaches the system
# canary: file
"""Keras 2 style MLP where `K` is not the Keras backend at all."""
import os as K  # hostile

from keras.layers import Dense, Input
from keras.models import Model

K.system('touch "$KGS_CANARY"')  # hostile

inputs = Input(shape=(10,))
hidden = Dense(20, activation="relu")(inputs)
outputs = Dense(2, activation="softmax")(hidden)
model = Model(inputs=inputs, outputs=outputs)
