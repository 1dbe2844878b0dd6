# expect: keras.utils.get_file() reads files or the network
# canary: cwd (through keras)
"""tf.keras style: the weights come from get_file under its TensorFlow name."""
import tensorflow as tf
from tensorflow.keras.utils import get_file

weights = get_file("mlp.weights.h5", origin="http://127.0.0.1:9/mlp.weights.h5", cache_dir=".")  # hostile

inputs = tf.keras.Input(shape=(10,))
x = tf.keras.layers.Dense(10, activation="relu")(inputs)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs, name="tf_mlp")
