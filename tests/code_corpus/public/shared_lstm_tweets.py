# Shared layers, as the functional API guide's tweet example: one LSTM encodes both
# tweets (its weights are shared), then a classifier says whether one author wrote both.
# style: shared layers
from keras.layers import Input, LSTM, Dense, concatenate
from keras.models import Model

tweet_a = Input(shape=(20, 32))
tweet_b = Input(shape=(20, 32))

shared_lstm = LSTM(16)

encoded_a = shared_lstm(tweet_a)
encoded_b = shared_lstm(tweet_b)

merged_vector = concatenate([encoded_a, encoded_b], axis=-1)
predictions = Dense(1, activation='sigmoid')(merged_vector)

model = Model(inputs=[tweet_a, tweet_b], outputs=predictions)
model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
