# Document 003 (Custom losses for a multi-output tf.keras model), code blocks [0], as written in the document.
# Changes: none.
import tensorflow.python as tf
from tensorflow.python import keras
import numpy as np
""" 这个方式比较优雅,但是loss函数必须对所有输出适用 """
keras.backend.clear_session()
x = keras.Input(shape=(10))
x_1 = keras.layers.Dense(10)(x)
x_2 = keras.layers.Dense(10)(x)
model = keras.Model(inputs=x, outputs=[x_1, x_2])
model.summary()

def l(y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
    return y_true - y_pred

train_x = tf.data.Dataset.from_tensor_slices(np.random.rand(100, 10)).repeat().batch(32)
train_y = tf.data.Dataset.from_tensor_slices((np.random.rand(100, 10), np.random.rand(100, 10))).repeat().batch(32)

train_set = tf.data.Dataset.zip((train_x, train_y))

model.compile('adam', l)

model.fit(train_set, steps_per_epoch=30)
