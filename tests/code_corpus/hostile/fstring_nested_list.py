# expect: a list in an f-string
"""An f-string of the same huge grid."""
import keras
from keras import layers

row = [0] * 10000
grid = [row] * 10000
label = f"grid={grid}"  # hostile

inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1, name="head")(inputs)
model = keras.Model(inputs, outputs, name="grid_label")
