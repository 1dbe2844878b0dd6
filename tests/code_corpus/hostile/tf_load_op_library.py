# expect: tensorflow.load_op_library() reads files or the network
"""Custom CUDA kernels loaded as a shared library before the model is built."""
import tensorflow as tf
from tensorflow.keras import layers

custom_ops = tf.load_op_library("./fused_attention.so")  # hostile

inputs = tf.keras.Input(shape=(16, 32))
x = layers.MultiHeadAttention(num_heads=2, key_dim=16)(inputs, inputs)
outputs = layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs, name="fused")
