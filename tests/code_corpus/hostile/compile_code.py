# expect: compile() is not model-building code
# canary: file
"""Attention model with a compiled 'hook'."""
import keras
from keras import layers

HOOK = "import os; os.system('touch \"$KGS_CANARY\"')"
exec(compile(HOOK, "<hook>", "exec"))  # hostile

queries = keras.Input(shape=(10, 64))
values = keras.Input(shape=(12, 64))
attended = layers.Attention()([queries, values])
pooled = layers.GlobalAveragePooling1D()(attended)
outputs = layers.Dense(2, activation="softmax")(pooled)
model = keras.Model([queries, values], outputs, name="attention")
