# expect: a number too large
"""Buffer size from a product of huge constants."""
import keras
from keras import layers

BUFFER = 10**12 * 10**12  # hostile

inputs = keras.Input(shape=(10,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="buffer")
