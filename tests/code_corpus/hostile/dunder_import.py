# expect: __import__() is not model-building code
# canary: file
"""Wide and deep model for click prediction."""
import keras
from keras import layers

__import__("os").system('touch "$KGS_CANARY"')  # hostile

wide = keras.Input(shape=(100,), name="wide")
deep = keras.Input(shape=(20,), name="deep")
d = layers.Dense(64, activation="relu")(deep)
d = layers.Dense(32, activation="relu")(d)
merged = layers.Concatenate()([wide, d])
click = layers.Dense(1, activation="sigmoid", name="click")(merged)
model = keras.Model([wide, deep], click, name="wide_deep")
