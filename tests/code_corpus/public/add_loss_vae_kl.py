# The KL term of a variational autoencoder's encoder, added with add_loss() as the old
# Keras VAE example writes it: -0.5 * mean(1 + log_var - mean^2 - exp(log_var)).
# (The sampling layer is a custom class there; this keeps the deterministic encoder.)
# style: add_loss, multi-output
import keras
from keras import layers
from keras import ops

original_dim = 32
intermediate_dim = 16
latent_dim = 2

x = keras.Input(shape=(original_dim,))
h = layers.Dense(intermediate_dim, activation="relu")(x)
z_mean = layers.Dense(latent_dim, name="z_mean")(h)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
encoder = keras.Model(x, [z_mean, z_log_var], name="encoder")

kl_loss = -0.5 * ops.mean(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
encoder.add_loss(ops.mean(kl_loss))
encoder.compile(optimizer="rmsprop", loss=[None, None])
