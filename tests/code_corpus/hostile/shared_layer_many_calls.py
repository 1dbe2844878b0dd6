# expect: the code does too much to read
"""One shared layer applied ten thousand times in a row."""
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
step = layers.Dense(4, activation="tanh", name="step")
x = inputs
for i in range(100):
    for j in range(100):
        x = step(x)  # hostile
model = keras.Model(inputs, x, name="unrolled")
