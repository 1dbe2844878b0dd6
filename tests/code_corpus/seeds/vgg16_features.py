# Document 004 (The Keras functional API), code blocks [0, 9], as written in the document.
# Changes: none (VGG16 is expanded into its layers with weights=None, which loads Keras for that line;
# the last line's data is left out).
import tensorflow as tf
import tensorflow.keras as keras
from tensorflow.keras import layers
from tensorflow.keras.applications import VGG16
vgg16=VGG16()

feature_list = [layer.output for layer in vgg16.layers]
feat_ext_model = keras.Model(inputs=vgg16.input, outputs=feature_list)

img = np.random.random((1, 224, 224, 3).astype('float32'))
ext_features = feat_ext_model(img)
