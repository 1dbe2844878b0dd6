# expect: keras.utils.load_img() reads files or the network
"""Reads a sample image to size the input layer."""
import keras
from keras import layers

sample = keras.utils.load_img("sample.jpg", target_size=(96, 96))  # hostile

inputs = keras.Input(shape=(96, 96, 3))
x = layers.Conv2D(8, 3, activation="relu")(inputs)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="sample_sized")
