# expect: the code does too much to read
"""A deep chain, then a loop that looks layers up by name many times."""
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
x = inputs
for i in range(1000):
    x = layers.Dense(8, name=f"dense_{i}")(x)
model = keras.Model(inputs, x, name="lookup")
for i in range(100):
    for j in range(100):
        found = model.get_layer("dense_0")  # hostile
