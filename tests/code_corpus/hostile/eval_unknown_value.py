# expect: eval() is not model-building code
"""MLP whose activation layer is named by a value the reader does not compute."""
import keras
from keras import layers

inputs = keras.Input(shape=(20,))
x = layers.Dense(64)(inputs)
x = eval(inputs.name)(x)  # hostile
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="unknown_eval")
