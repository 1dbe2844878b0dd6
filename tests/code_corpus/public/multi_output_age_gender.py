# Age and gender from a face crop, as blog posts write multi-task models: a shared
# convolutional trunk, a regression head and a classification head, per-output losses,
# loss weights and metrics given as lists.
# style: multi-output with losses, helper functions
from tensorflow.keras.models import Model
from tensorflow.keras.layers import Input, Conv2D, MaxPooling2D, Flatten, Dense, Dropout, BatchNormalization
from tensorflow.keras.optimizers import Adam

IMG_SHAPE = (32, 32, 3)


def conv_bn(x, filters):
    x = Conv2D(filters, (3, 3), padding="same", activation="relu")(x)
    x = BatchNormalization()(x)
    return MaxPooling2D(pool_size=(2, 2))(x)


def head(x, units, activation, name):
    x = Dense(32, activation="relu")(x)
    x = Dropout(0.25)(x)
    return Dense(units, activation=activation, name=name)(x)


inputs = Input(shape=IMG_SHAPE)
x = inputs
for filters in (8, 16, 32):
    x = conv_bn(x, filters)
x = Flatten()(x)

age_output = head(x, 1, "linear", "age_output")
gender_output = head(x, 1, "sigmoid", "gender_output")

model = Model(inputs=inputs, outputs=[age_output, gender_output], name="face_net")
model.compile(
    optimizer=Adam(learning_rate=1e-3),
    loss=["mse", "binary_crossentropy"],
    loss_weights=[0.5, 1.0],
    metrics={"age_output": "mae", "gender_output": "accuracy"},
)
