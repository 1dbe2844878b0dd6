# Document 002 (Keras functional API templates), code blocks [4], as written in the document.
# Changes: removed the model.summary() output pasted after the code.
# 卷积神经网络(CNN)
from keras.models import Model
from keras.layers import Input,Dense
from keras.layers.convolutional import Conv2D
from keras.layers.pooling import MaxPool2D
from keras.utils import plot_model

mnist_input = Input(shape=(28,28,1), name='input')

conv1 = Conv2D(128,kernel_size=4,activation='relu',name='conv1')(mnist_input)
pool1 = MaxPool2D(pool_size=(2,2),name='pool1')(conv1)

conv2 = Conv2D(64,kernel_size=4,activation='relu',name='conv2')(pool1)
pool2 = MaxPool2D(pool_size=(2,2),name='pool2')(conv2)

hidden1 = Dense(64,activation='relu',name='hidden1')(pool2)
output = Dense(10,activation='softmax',name='output')(hidden1)
model = Model(inputs=mnist_input,outputs=output)

# 打印网络结构
model.summary()

# 产生网络拓补图
plot_model(model,to_file='convolutional_neural_network.png')

# 秀出网络拓补图
Image('convolutional_neural_network.png')
