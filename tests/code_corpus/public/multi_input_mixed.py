# Mixed data (an image and tabular attributes), after the PyImageSearch-style posts:
# a CNN branch and an MLP branch built by functions, made models, then combined.
# style: helper functions with defaults, multi-input, a model over two models' tensors
# model: model
import keras
from keras import layers


def create_mlp(dim, regress=False):
    inputs = keras.Input(shape=(dim,))
    x = layers.Dense(8, activation="relu")(inputs)
    x = layers.Dense(4, activation="relu")(x)
    if regress:
        x = layers.Dense(1, activation="linear")(x)
    return keras.Model(inputs, x)


def create_cnn(width, height, depth, filters=(8, 16), regress=False):
    input_shape = (height, width, depth)
    chan_dim = -1
    inputs = keras.Input(shape=input_shape)
    for (i, f) in enumerate(filters):
        if i == 0:
            x = inputs
        x = layers.Conv2D(f, (3, 3), padding="same")(x)
        x = layers.Activation("relu")(x)
        x = layers.BatchNormalization(axis=chan_dim)(x)
        x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16)(x)
    x = layers.Activation("relu")(x)
    x = layers.BatchNormalization(axis=chan_dim)(x)
    x = layers.Dropout(0.5)(x)
    x = layers.Dense(4)(x)
    x = layers.Activation("relu")(x)
    if regress:
        x = layers.Dense(1, activation="linear")(x)
    return keras.Model(inputs, x)


mlp = create_mlp(6, regress=False)
cnn = create_cnn(16, 16, 3, regress=False)

combined_input = layers.concatenate([mlp.output, cnn.output])
x = layers.Dense(4, activation="relu")(combined_input)
x = layers.Dense(1, activation="linear")(x)

model = keras.Model(inputs=[mlp.input, cnn.input], outputs=x)
model.compile(loss="mean_absolute_percentage_error", optimizer=keras.optimizers.Adam(learning_rate=1e-3))
