# expect: tensorflow.saved_model.save() reads files or the network
# canary: cwd (through tensorflow)
"""Builds and immediately exports a SavedModel."""
import tensorflow as tf

inputs = tf.keras.Input(shape=(4,))
outputs = tf.keras.layers.Dense(3, activation="softmax")(inputs)
model = tf.keras.Model(inputs, outputs, name="iris")
tf.saved_model.save(model, "export/iris")  # hostile
