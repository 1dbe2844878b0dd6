# expect: the code does too much to read
"""Width from a doubly recursive helper: 2**15 calls."""
import keras
from keras import layers


def width(n):
    return 1 if n == 0 else width(n - 1) + width(n - 1)  # hostile


inputs = keras.Input(shape=(10,))
outputs = layers.Dense(width(15))(inputs)
model = keras.Model(inputs, outputs, name="exponential")
