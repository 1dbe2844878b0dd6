# Inception-style towers (the functional API guide's "inception module"): three
# parallel towers over the same tensor, concatenated along the channels.
# style: helper functions, towers
from tensorflow import keras
from tensorflow.keras import layers


def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    tower_1 = layers.Conv2D(f1, (1, 1), padding="same", activation="relu")(x)

    tower_2 = layers.Conv2D(f3_reduce, (1, 1), padding="same", activation="relu")(x)
    tower_2 = layers.Conv2D(f3, (3, 3), padding="same", activation="relu")(tower_2)

    tower_3 = layers.Conv2D(f5_reduce, (1, 1), padding="same", activation="relu")(x)
    tower_3 = layers.Conv2D(f5, (5, 5), padding="same", activation="relu")(tower_3)

    tower_4 = layers.MaxPooling2D((3, 3), strides=(1, 1), padding="same")(x)
    tower_4 = layers.Conv2D(pool_proj, (1, 1), padding="same", activation="relu")(tower_4)

    return layers.concatenate([tower_1, tower_2, tower_3, tower_4], axis=-1)


input_img = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, (3, 3), strides=(2, 2), padding="same", activation="relu")(input_img)
x = inception_module(x, 8, 8, 16, 4, 8, 8)
x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same")(x)
x = inception_module(x, f1=16, f3_reduce=8, f3=16, f5_reduce=4, f5=8, pool_proj=8)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.4)(x)
output = layers.Dense(10, activation="softmax")(x)

model = keras.Model(inputs=input_img, outputs=output)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
