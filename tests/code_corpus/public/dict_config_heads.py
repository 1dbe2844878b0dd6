# Heads and layers described by configuration dicts and looped over: a shared trunk of
# Dense layers from a list of dicts, one softmax head per attribute from a dict of
# class counts, losses built per head.
# style: dict config loop, multi-output with losses
import keras
from keras import layers

TRUNK = [
    {"units": 32, "activation": "relu"},
    {"units": 16, "activation": "relu", "kernel_initializer": "he_normal"},
]
HEADS = {"color": 5, "size": 3, "style": 4}
HEAD_WEIGHTS = {"color": 1.0, "size": 0.5, "style": 0.25}

inputs = keras.Input(shape=(24,), name="features")
x = inputs
for config in TRUNK:
    x = layers.Dense(**config)(x)

outputs = []
losses = {}
for name, classes in HEADS.items():
    outputs.append(layers.Dense(classes, activation="softmax", name=name)(x))
    losses[name] = "sparse_categorical_crossentropy"

model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer="adam", loss=losses, loss_weights=HEAD_WEIGHTS, metrics={name: ["accuracy"] for name in HEADS})
