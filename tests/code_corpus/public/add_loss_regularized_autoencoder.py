# A sparse autoencoder in the Keras 2 style of blog posts: the reconstruction error and
# an activity penalty on the code are added with model.add_loss(), and compile() gets
# no loss.
# style: add_loss, Keras 2 imports
from keras.layers import Input, Dense
from keras.models import Model
from keras import ops

input_dim = 64
encoding_dim = 8

inputs = Input(shape=(input_dim,))
encoded = Dense(32, activation="relu")(inputs)
encoded = Dense(encoding_dim, activation="relu")(encoded)
decoded = Dense(32, activation="relu")(encoded)
decoded = Dense(input_dim, activation="sigmoid")(decoded)

autoencoder = Model(inputs, decoded)

reconstruction_loss = ops.mean(ops.square(inputs - decoded))
sparsity_loss = 1e-3 * ops.mean(ops.abs(encoded))
autoencoder.add_loss(reconstruction_loss)
autoencoder.add_loss(sparsity_loss)
autoencoder.compile(optimizer="adam")
