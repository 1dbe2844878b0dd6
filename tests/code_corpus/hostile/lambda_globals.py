# expect: the attribute __globals__ is not model-building code
# canary: file
"""Model with a Lambda normalisation; a lambda also reaches the module globals."""
import os

import keras
from keras import layers

opener = (lambda: 0).__globals__["__builtins__"].open  # hostile
opener(os.environ["KGS_CANARY"], "w").close()

inputs = keras.Input(shape=(16,))
x = layers.Lambda(lambda t: t / 255.0)(inputs)
outputs = layers.Dense(4, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="lambda_norm")
