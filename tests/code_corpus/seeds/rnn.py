# Document 002 (Keras functional API templates), code blocks [5], as written in the document.
# Changes: removed the model.summary() output pasted after the code.
# 递归神经网络(RNN)
from keras.models import Model
from keras.layers import Input,Dense
from keras.layers.recurrent import LSTM
from keras.utils import plot_model

mnist_input = Input(shape=(784,1),name='input') # 把每一个像素想成是一序列有前后关系的time_steps
lstm1 = LSTM(128,name='lstm')(mnist_input)
hidden1 = Dense(128,activation='relu',name='hidden1')(lstm1)
output = Dense(10,activation='softmax',name='output')(hidden1)
model = Model(inputs=mnist_input,outputs=output)

# 打印网络结构
model.summary()

# 产生网络拓补图
plot_model(model,to_file='recurrent_neural_network.png')

# 秀出网络拓补图
Image('recurrent_neural_network.png')
