# Lambda layers of small expressions, as posts use them for scaling, pooling over time
# and gating; one Lambda body calls a helper def of the file.
# style: Lambda, keras.ops on tensors
import keras
from keras import layers, ops


def l2_normalize(x):
    return x / ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True) + 1e-6)


frames = keras.Input(shape=(10, 8), name="frames")
x = layers.Lambda(lambda t: t * 0.5 + 1.0)(frames)
x = layers.Dense(12, activation="relu")(x)
pooled = layers.Lambda(lambda t: ops.mean(t, axis=1), name="time_mean")(x)
peak = layers.Lambda(lambda t: ops.max(t, axis=1), name="time_max")(x)
features = layers.concatenate([pooled, peak])
features = layers.Lambda(lambda t: l2_normalize(t))(features)
gated = layers.Lambda(lambda t: ops.concatenate([t, t * ops.sigmoid(t)], axis=-1))(features)  # beside the layer "concatenate"
outputs = layers.Dense(3, activation="softmax")(gated)

model = keras.Model(frames, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
