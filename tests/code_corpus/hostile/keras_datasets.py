# expect: keras.datasets.mnist.load_data() reads files or the network
# canary: cwd (through keras)
"""The classic MNIST MLP, loading its data set at the top."""
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()  # hostile

inputs = keras.Input(shape=(784,))
x = layers.Dense(512, activation="relu")(inputs)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="mnist_mlp")
