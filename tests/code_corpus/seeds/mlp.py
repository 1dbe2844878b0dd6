# Document 002 (Keras functional API templates), code blocks [3], as written in the document.
# Changes: removed the model.summary() output pasted after the code.
# 多层感知器MLP模型

from keras.models import Model
from keras.layers import Input,Dense
from keras.utils import plot_model

import matplotlib.pyplot as plt
from IPython.display import Image

mnist_input = Input(shape=(784,),name='input')
hidden1 = Dense(512,activation='relu',name='hidden1')(mnist_input)
hidden2 = Dense(216,activation='relu',name='hidden2')(hidden1)
hidden3 = Dense(128,activation='relu',name='hidden3')(hidden2)
output = Dense(10,activation='softmax',name='output')(hidden3)

model = Model(inputs=mnist_input,outputs=output)

# 打印网络结构
model.summary()

# 产生网络拓补图
plot_model(model,to_file='multilayer_perceptron_graph.png')

