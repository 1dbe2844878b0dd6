# expect: tensorflow.io.write_file() reads files or the network
# canary: cwd (through tensorflow)
"""TensorFlow-style CNN that writes its run notes with tf.io."""
import tensorflow as tf
from tensorflow.keras import layers

tf.io.write_file("run_notes.txt", "cnn run")  # hostile

inputs = tf.keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, activation="relu")(inputs)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = tf.keras.Model(inputs, outputs, name="tf_cnn")
