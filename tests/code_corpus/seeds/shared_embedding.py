# Document 004 (The Keras functional API), code blocks [0, 8], as written in the document.
# Changes: the document stops at the two tensors feat1 and feat2; the last line (added)
# makes them the outputs of a model, as the template does.
import tensorflow as tf
import tensorflow.keras as keras
from tensorflow.keras import layers
share_embedding = layers.Embedding(100, 64)

input1 = keras.Input(shape=(None, ), dtype='int32')
input2 = keras.Input(shape=(None, ), dtype='int32')

feat1 = share_embedding(input1)
feat2 = share_embedding(input2)

model = keras.Model(inputs=[input1, input2], outputs=[feat1, feat2])
