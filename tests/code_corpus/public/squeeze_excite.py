# Squeeze-and-excitation blocks (as blog posts add them to a CNN): global pooling,
# a bottleneck of two Dense layers, and the channels rescaled with multiply().
# style: helper functions with defaults, loops
from tensorflow import keras
from tensorflow.keras import layers


def squeeze_excite_block(x, filters, ratio=4):
    se = layers.GlobalAveragePooling2D()(x)
    se = layers.Reshape((1, 1, filters))(se)
    se = layers.Dense(filters // ratio, activation="relu", kernel_initializer="he_normal", use_bias=False)(se)
    se = layers.Dense(filters, activation="sigmoid", kernel_initializer="he_normal", use_bias=False)(se)
    return layers.multiply([x, se])


def conv_se_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = squeeze_excite_block(x, filters)
    return layers.MaxPooling2D()(x)


inputs = keras.Input(shape=(24, 24, 3))
x = inputs
for filters in (8, 16):
    x = conv_se_block(x, filters)
x = layers.Flatten()(x)
outputs = layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="se_cnn")
model.compile(optimizer="sgd", loss="categorical_crossentropy")
