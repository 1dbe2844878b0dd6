# expect: keras.models.load_model() reads files or the network
"""Transfer learning: a saved backbone loaded with safe mode off."""
import keras
from keras import layers

backbone = keras.models.load_model("backbone.keras", safe_mode=False)  # hostile

inputs = keras.Input(shape=(224, 224, 3))
x = backbone(inputs)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="transfer")
