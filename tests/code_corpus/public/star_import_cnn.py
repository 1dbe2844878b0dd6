# `from tensorflow.keras.layers import *`, as many notebooks start: a small VGG-like
# convnet with batch normalization built in a loop over block settings.
# style: star import, loops, Keras 2 imports
from tensorflow.keras.layers import *
from tensorflow.keras.models import Model

BLOCKS = [(8, 2), (16, 2), (32, 1)]  # (filters, convolutions)

inp = Input(shape=(32, 32, 3))
x = inp
for filters, convs in BLOCKS:
    for _ in range(convs):
        x = Conv2D(filters, (3, 3), padding='same')(x)
        x = BatchNormalization()(x)
        x = Activation('relu')(x)
    x = MaxPooling2D((2, 2))(x)
x = GlobalAveragePooling2D()(x)
x = Dense(64, activation='relu')(x)
x = Dropout(0.3)(x)
out = Dense(10, activation='softmax')(x)

model = Model(inp, out)
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
