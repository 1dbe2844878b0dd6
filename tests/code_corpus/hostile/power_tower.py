# expect: a power too large to compute
"""A 'seed' computed as a tower of powers."""
import keras
from keras import layers

SEED = 10**10**10  # hostile

inputs = keras.Input(shape=(10,))
outputs = layers.Dense(1)(inputs)
model = keras.Model(inputs, outputs, name="tower")
