# Wide & Deep on structured data (keras.io structured data examples): one input per
# feature, collected in a dict by looping over the feature lists; scalar inputs get
# their axis with ops.expand_dims; categorical ones an Embedding (deep) and a one-hot
# CategoryEncoding (wide).
# style: dict config loops, expand_dims, multi-input
import keras
from keras import layers, ops

NUMERIC_FEATURES = ["age", "hours_per_week", "capital_gain"]
CATEGORICAL_FEATURES = {"workclass": 9, "education": 16, "occupation": 15}
EMBEDDING_DIM = 4


def create_model_inputs():
    inputs = {}
    for feature_name in NUMERIC_FEATURES:
        inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="float32")
    for feature_name, vocabulary_size in CATEGORICAL_FEATURES.items():
        inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="int32")
    return inputs


def create_wide_and_deep_model(hidden_units=(32, 16), dropout_rate=0.1):
    inputs = create_model_inputs()

    wide_features = []
    deep_features = []
    for feature_name in NUMERIC_FEATURES:
        value = ops.expand_dims(inputs[feature_name], -1)
        wide_features.append(value)
        deep_features.append(value)
    for feature_name, vocabulary_size in CATEGORICAL_FEATURES.items():
        index = inputs[feature_name]
        wide_features.append(layers.CategoryEncoding(num_tokens=vocabulary_size, output_mode="one_hot")(index))
        deep_features.append(layers.Embedding(input_dim=vocabulary_size, output_dim=EMBEDDING_DIM)(index))

    wide = layers.concatenate(wide_features)
    wide = layers.BatchNormalization()(wide)

    deep = layers.concatenate(deep_features)
    for units in hidden_units:
        deep = layers.Dense(units)(deep)
        deep = layers.BatchNormalization()(deep)
        deep = layers.ReLU()(deep)
        deep = layers.Dropout(dropout_rate)(deep)

    merged = layers.concatenate([wide, deep])
    outputs = layers.Dense(units=1, activation="sigmoid")(merged)
    return keras.Model(inputs=inputs, outputs=outputs)


model = create_wide_and_deep_model()
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
              loss=keras.losses.BinaryCrossentropy(),
              metrics=[keras.metrics.BinaryAccuracy()])
