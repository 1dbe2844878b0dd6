# Custom loss functions, as tutorials write them: a plain function of (y_true, y_pred),
# and a factory that closes over its parameter and returns the loss; one per output.
# style: custom loss function, multi-output with losses
import keras
from keras import layers, ops


def root_mean_squared_error(y_true, y_pred):
    return ops.sqrt(ops.mean(ops.square(y_pred - y_true), axis=-1))


def weighted_binary_crossentropy(pos_weight):
    def loss(y_true, y_pred):
        y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)
        return -ops.mean(pos_weight * y_true * ops.log(y_pred) + (1 - y_true) * ops.log(1 - y_pred), axis=-1)

    return loss


inputs = keras.Input(shape=(20,))
x = layers.Dense(32, activation="relu")(inputs)
x = layers.Dense(16, activation="relu")(x)
value = layers.Dense(1, name="value")(x)
flag = layers.Dense(1, activation="sigmoid", name="flag")(x)

model = keras.Model(inputs=inputs, outputs=[value, flag])
model.compile(
    optimizer="adam",
    loss=[root_mean_squared_error, weighted_binary_crossentropy(3.0)],
    loss_weights=[1.0, 0.5],
)
