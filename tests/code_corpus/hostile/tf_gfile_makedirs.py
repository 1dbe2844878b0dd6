# expect: tensorflow.io.gfile.makedirs() reads files or the network
# canary: cwd (through tensorflow)
"""RNN whose checkpoint folder is made with tf.io.gfile."""
import tensorflow as tf

tf.io.gfile.makedirs("checkpoints/rnn")  # hostile

inputs = tf.keras.Input(shape=(20, 8))
x = tf.keras.layers.SimpleRNN(16)(inputs)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs, name="rnn")
