# Document 004 (The Keras functional API), code blocks [0, 1], as written in the document.
# Changes: none.
import tensorflow as tf
import tensorflow.keras as keras
from tensorflow.keras import layers
inputs = tf.keras.Input(shape=(784,), name='img')
h1 = layers.Dense(32, activation='relu')(inputs)
h2 = layers.Dense(64, activation='relu')(h1)
outputs = layers.Dense(10, activation='softmax')(h2)
model = tf.keras.Model(inputs=inputs, outputs=outputs, name='mnist model')

model.summary()
keras.utils.plot_model(model, '../models/minst_model.png')
keras.utils.plot_model(model, '../models/minst_info.png', show_shapes='True')
