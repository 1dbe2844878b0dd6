# expect: eval() is not model-building code
"""MLP that reaches Python's builtins through a name built at run time."""
import keras
from keras import layers

NAME = "__" + "builtins" + "__"
builtins = eval(NAME)  # hostile

inputs = keras.Input(shape=(20,))
outputs = layers.Dense(3, activation="softmax")(inputs)
model = keras.Model(inputs, outputs, name="dunder_eval")
