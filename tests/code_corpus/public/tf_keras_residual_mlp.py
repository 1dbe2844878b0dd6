# tf.keras spelled out, as TensorFlow 2 tutorials write it: residual Dense blocks named
# with "%" formatting, LeakyReLU(alpha=...), `y += x` shortcuts, a Lambda of tf
# functions with the backend's epsilon, and per-head losses from dict comprehensions.
# style: tf.keras, loops, dict comprehensions, multi-output with losses
import tensorflow as tf

NUM_BLOCKS = 3
WIDTH = 16
TARGETS = ["price", "demand"]

inputs = tf.keras.layers.Input(shape=(10,), name="features")
x = tf.keras.layers.Dense(WIDTH, name="stem")(inputs)
for i in range(NUM_BLOCKS):
    y = tf.keras.layers.Dense(WIDTH, name="block_%d_dense" % (i + 1))(x)
    y = tf.keras.layers.LeakyReLU(alpha=0.2)(y)
    y += x
    x = tf.keras.layers.LayerNormalization(name="block_%d_norm" % (i + 1))(y)

eps = tf.keras.backend.epsilon()
x = tf.keras.layers.Lambda(lambda t: tf.sqrt(tf.maximum(t, eps)), name="soft_sqrt")(x)
outputs = [tf.keras.layers.Dense(1, name=target)(x) for target in TARGETS]

model = tf.keras.Model(inputs=inputs, outputs=outputs, name="residual_mlp")
model.compile(
    optimizer=tf.keras.optimizers.Adam(1e-3),
    loss={target: "mse" for target in TARGETS},
    loss_weights={target: 1.0 if target == "price" else 0.3 for target in TARGETS},
)
