# expect: the attribute .kernel of a layer (Dense) is not model-building code
"""Dense layer whose weights are overwritten right after it is made."""
import keras
from keras import layers

inputs = keras.Input(shape=(3,))
dense = layers.Dense(3, name="fixed")
outputs = dense(inputs)
dense.kernel.assign([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])  # hostile
model = keras.Model(inputs, outputs, name="fixed_weights")
