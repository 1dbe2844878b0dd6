# expect: calling layer 'dense\n\x1b[2J' with foo=
"""A layer name with a line break and a terminal escape, in a call the editor leaves out."""
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
head = layers.Dense(1, name="dense\n\x1b[2J")
outputs = head(inputs, foo=1)  # hostile
model = keras.Model(inputs, layers.Dense(1)(inputs), name="line_break")
