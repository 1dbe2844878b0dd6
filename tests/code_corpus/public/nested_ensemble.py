# Ensembling: the same architecture built three times by a helper, each model called on
# one input, and their predictions averaged (the functional API guide's get_model()).
# style: nested models, helper functions
import keras
from keras import layers


def get_model():
    inputs = keras.Input(shape=(16,))
    x = layers.Dense(8, activation="relu")(inputs)
    outputs = layers.Dense(1)(x)
    return keras.Model(inputs, outputs)


model1 = get_model()
model2 = get_model()
model3 = get_model()

inputs = keras.Input(shape=(16,))
y1 = model1(inputs)
y2 = model2(inputs)
y3 = model3(inputs)
outputs = layers.average([y1, y2, y3])
ensemble_model = keras.Model(inputs=inputs, outputs=outputs)
ensemble_model.compile(optimizer="adam", loss="mse")
