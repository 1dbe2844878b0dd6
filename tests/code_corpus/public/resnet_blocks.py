# A small ResNet for CIFAR-10-like images, as keras.io examples write it: a residual
# block helper with a projection shortcut when the shape changes, stacked in a loop.
# style: helper functions, loops, if on constants
import keras
from keras import layers

num_classes = 10
input_shape = (16, 16, 3)


def residual_block(x, filters, stride=1, name=None):
    shortcut = x
    if stride != 1 or name == "stage1_block1":
        shortcut = layers.Conv2D(filters, 1, strides=stride, padding="same")(shortcut)
        shortcut = layers.BatchNormalization()(shortcut)
    x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.add([x, shortcut])
    return layers.Activation("relu")(x)


inputs = keras.Input(shape=input_shape)
x = layers.Conv2D(8, 3, padding="same")(inputs)
for stage, filters in enumerate([8, 16, 32]):
    for block in range(2):
        stride = 2 if block == 0 and stage > 0 else 1
        x = residual_block(x, filters, stride=stride, name=f"stage{stage + 1}_block{block + 1}")
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(num_classes, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="resnet_small")

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-3),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.summary()
