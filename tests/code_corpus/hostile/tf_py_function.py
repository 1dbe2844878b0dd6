# expect: tensorflow.py_function() reads files or the network
"""A preprocessing step that wraps arbitrary Python in the graph."""
import tensorflow as tf
from tensorflow.keras import layers


def clean(text):
    return text


inputs = tf.keras.Input(shape=(1,), dtype="string")
cleaned = tf.py_function(clean, [inputs], tf.string)  # hostile
x = layers.Dense(4)(cleaned)
model = tf.keras.Model(inputs, x, name="py_function")
