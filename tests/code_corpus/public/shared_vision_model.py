# The functional API guide's shared vision model: one small convnet, made a model, is
# called on two digit images; its outputs are concatenated to classify the pair.
# style: nested models, shared towers, Keras 2 imports
from keras.layers import Conv2D, MaxPooling2D, Input, Dense, Flatten
from keras.layers import concatenate
from keras.models import Model

# First, define the vision modules
digit_input = Input(shape=(27, 27, 1))
x = Conv2D(8, (3, 3))(digit_input)
x = Conv2D(8, (3, 3))(x)
x = MaxPooling2D((2, 2))(x)
out = Flatten()(x)

vision_model = Model(digit_input, out)

# Then define the tell-digits-apart model
digit_a = Input(shape=(27, 27, 1))
digit_b = Input(shape=(27, 27, 1))

# The vision model will be shared, weights and all
out_a = vision_model(digit_a)
out_b = vision_model(digit_b)

concatenated = concatenate([out_a, out_b])
out = Dense(1, activation='sigmoid')(concatenated)

classification_model = Model([digit_a, digit_b], out)
classification_model.compile(optimizer='adam', loss='binary_crossentropy')
