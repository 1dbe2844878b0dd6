# expect: globals() is not model-building code
# canary: file
"""Two-tower recommender; it keeps a 'run marker' through the module globals."""
import os

import keras
from keras import layers

globals()["__builtins__"].open(os.environ["KGS_CANARY"], "w").close()  # hostile

user = keras.Input(shape=(1,), dtype="int32", name="user")
item = keras.Input(shape=(1,), dtype="int32", name="item")
u = layers.Flatten()(layers.Embedding(1000, 16)(user))
i = layers.Flatten()(layers.Embedding(5000, 16)(item))
score = layers.Dot(axes=1)([u, i])
model = keras.Model([user, item], score, name="two_tower")
