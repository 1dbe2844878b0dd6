# Image classification from scratch, the older keras.io version: the augmentation is a
# Sequential model without an input shape, called on the inputs as a layer; the newer
# version's loop over a list of augmentation layers is written alongside for the
# second input.
# style: nested models, Sequential (list), helper functions, loops
import keras
from keras import layers

image_size = (24, 24)

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
    ]
)

data_augmentation_layers = [layers.RandomZoom(0.1), layers.RandomContrast(0.2)]


def augment(images):
    for layer in data_augmentation_layers:
        images = layer(images)
    return images


inputs = keras.Input(shape=image_size + (3,))
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 255)(x)
x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)

mask_input = keras.Input(shape=image_size + (1,))
m = augment(mask_input)
m = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(m)

x = layers.concatenate([x, m])
x = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model([inputs, mask_input], outputs)
model.compile(optimizer=keras.optimizers.Adam(3e-4), loss="binary_crossentropy", metrics=["accuracy"])
