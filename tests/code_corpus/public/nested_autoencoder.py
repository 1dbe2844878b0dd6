# An encoder model and a decoder model composed into an autoencoder (the functional
# API guide: "all models are callable, just like layers").
# style: nested models
import keras
from keras import layers

encoder_input = keras.Input(shape=(28, 28, 1), name="img")
x = layers.Conv2D(8, 3, activation="relu")(encoder_input)
x = layers.Conv2D(16, 3, activation="relu")(x)
x = layers.MaxPooling2D(3)(x)
x = layers.Conv2D(16, 3, activation="relu")(x)
x = layers.Conv2D(8, 3, activation="relu")(x)
encoder_output = layers.GlobalMaxPooling2D()(x)

encoder = keras.Model(encoder_input, encoder_output, name="encoder")
encoder.summary()

decoder_input = keras.Input(shape=(8,), name="encoded_img")
x = layers.Reshape((2, 2, 2))(decoder_input)
x = layers.Conv2DTranspose(8, 3, activation="relu")(x)
x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
x = layers.UpSampling2D(3)(x)
x = layers.Conv2DTranspose(8, 3, activation="relu")(x)
decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

decoder = keras.Model(decoder_input, decoder_output, name="decoder")
decoder.summary()

autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
encoded_img = encoder(autoencoder_input)
decoded_img = decoder(encoded_img)
autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
autoencoder.summary()
autoencoder.compile(optimizer="adam", loss="mse")
