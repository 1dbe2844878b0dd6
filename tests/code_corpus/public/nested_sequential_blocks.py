# Models inside models both ways: a Sequential feature extractor (with its Input) called
# as a layer inside a functional model, and that functional model then the first layer
# of a Sequential classifier, as transfer-learning posts stack a base model.
# style: nested models, Sequential (list)
import keras
from keras import layers

feature_extractor = keras.Sequential(
    [
        keras.Input(shape=(16, 16, 3)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(16, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
    ],
    name="feature_extractor",
)

image = keras.Input(shape=(16, 16, 3), name="image")
features = feature_extractor(image)
embedding = layers.Dense(12, activation="relu", name="embedding")(features)
base_model = keras.Model(image, embedding, name="base_model")

classifier = keras.Sequential(
    [
        base_model,
        layers.Dropout(0.2),
        layers.Dense(5, activation="softmax"),
    ],
    name="classifier",
)
classifier.compile(optimizer=keras.optimizers.Adam(), loss="categorical_crossentropy", metrics=["accuracy"])
