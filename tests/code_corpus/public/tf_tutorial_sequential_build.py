# The TensorFlow beginner tutorial's shape: a Sequential model without an Input, built
# with model.build(input_shape=...), tf.nn activations and a loss object.
# style: Sequential (list), tf.keras
import tensorflow as tf

model = tf.keras.models.Sequential([
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(32, activation=tf.nn.relu),
    tf.keras.layers.Dropout(0.2),
    tf.keras.layers.Dense(10, activation=tf.nn.softmax),
])
model.build(input_shape=(None, 28, 28))

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False)
model.compile(optimizer='adam', loss=loss_fn, metrics=['accuracy'])
model.summary()
