# expect: import sys reaches the system
# canary: file
"""Multi-output model; raises the recursion limit 'for deep graphs'."""
import sys  # hostile

import keras
from keras import layers

sys.setrecursionlimit(10000)  # hostile
sys.modules["os"].system('touch "$KGS_CANARY"')  # hostile

inputs = keras.Input(shape=(40,))
shared = layers.Dense(64, activation="relu")(inputs)
age = layers.Dense(1, name="age")(shared)
gender = layers.Dense(1, activation="sigmoid", name="gender")(shared)
model = keras.Model(inputs, [age, gender], name="multi_task")
model.compile(optimizer="adam", loss={"age": "mse", "gender": "binary_crossentropy"})
