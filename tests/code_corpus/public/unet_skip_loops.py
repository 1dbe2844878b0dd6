# A small U-Net: the contracting path keeps its skip tensors in a list, the expanding
# path walks them back in reverse and concatenates.
# style: loops, helper functions, skip connections
import keras
from keras import layers

IMG_SIZE = 32
FILTERS = [8, 16, 32]


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", kernel_initializer="he_normal")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", kernel_initializer="he_normal")(x)
    return x


def build_unet(img_size=IMG_SIZE, num_classes=3):
    inputs = keras.Input(shape=(img_size, img_size, 3))
    x = inputs
    skips = []
    for filters in FILTERS:
        x = conv_block(x, filters)
        skips.append(x)
        x = layers.MaxPooling2D(2)(x)

    x = conv_block(x, FILTERS[-1] * 2)

    for filters, skip in zip(reversed(FILTERS), reversed(skips)):
        x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
        x = layers.concatenate([x, skip])
        x = conv_block(x, filters)

    outputs = layers.Conv2D(num_classes, 1, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="unet")


model = build_unet()
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
