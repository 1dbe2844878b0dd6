# Keras 2 spellings as older tutorials write them: Convolution2D, the merge function
# concatenate, Model(inputs=..., outputs=...), backend imported as K and the session
# cleared first.
# style: Keras 2 imports, multi-input
from keras import backend as K
from keras.models import Model
from keras.layers import Input, Dense, Dropout, Flatten, concatenate
from keras.layers import Convolution2D, MaxPooling2D

K.clear_session()

img_rows, img_cols = 28, 28
nb_filters = 8
pool_size = (2, 2)
kernel_size = (3, 3)

image = Input(shape=(img_rows, img_cols, 1), name='image')
meta = Input(shape=(5,), name='meta')

x = Convolution2D(nb_filters, kernel_size, padding='valid', activation='relu')(image)
x = Convolution2D(nb_filters, kernel_size, activation='relu')(x)
x = MaxPooling2D(pool_size=pool_size)(x)
x = Dropout(0.25)(x)
x = Flatten()(x)

merged = concatenate([x, meta])
merged = Dense(32, activation='relu')(merged)
merged = Dropout(0.5)(merged)
out = Dense(10, activation='softmax')(merged)

model = Model(inputs=[image, meta], outputs=out)
model.compile(loss='categorical_crossentropy', optimizer='adadelta', metrics=['accuracy'])
