# A GRU over padded sequences with the padding mask given as a second input, as
# Keras posts on masking show: GRU(...)(x, mask=mask).
# style: mask keyword tensor, GRU
import keras
from keras import layers

timesteps = 12
features = 6

sequence = keras.Input(shape=(timesteps, features), name="sequence")
mask = keras.Input(shape=(timesteps,), dtype="bool", name="mask")

x = layers.Dense(16, activation="relu")(sequence)
x = layers.GRU(24, return_sequences=True)(x, mask=mask)
x = layers.GRU(12)(x, mask=mask)
outputs = layers.Dense(3, activation="softmax")(x)

model = keras.Model(inputs=[sequence, mask], outputs=outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
