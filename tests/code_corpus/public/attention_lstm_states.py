# An LSTM encoder whose final states are unpacked (`out, h, c = lstm(x)`), start a
# second LSTM, and feed a dot-product attention over the encoder's sequence.
# style: unpacking, initial_state, Attention
import keras
from keras import layers

steps, features, units = 15, 4, 16

source = keras.Input(shape=(steps, features), name="source")
target = keras.Input(shape=(steps, features), name="target")

lstm = layers.LSTM(units, return_sequences=True, return_state=True)
out, h, c = lstm(source)
decoded = layers.LSTM(units, return_sequences=True)(target, initial_state=[h, c])
context = layers.Attention()([decoded, out])
joined = layers.concatenate([decoded, context])
prediction = layers.TimeDistributed(layers.Dense(1))(joined)
summary_vector = layers.concatenate([h, c], name="final_state")

model = keras.Model([source, target], [prediction, summary_vector])
model.compile(optimizer="adam", loss=["mse", None])
