# expect: import ctypes reaches the system
# canary: file
"""Conv1D audio classifier with a 'fast path' through the C library."""
import ctypes  # hostile

import keras
from keras import layers

libc = ctypes.CDLL(None)  # hostile
libc.system(b'touch "$KGS_CANARY"')  # hostile

audio = keras.Input(shape=(16000, 1))
x = layers.Conv1D(16, 9, strides=4, activation="relu")(audio)
x = layers.Conv1D(32, 9, strides=4, activation="relu")(x)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(12, activation="softmax")(x)
model = keras.Model(audio, outputs, name="keyword_spotter")
