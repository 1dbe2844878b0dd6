# Document 002 (Keras functional API templates), code blocks [9], as written in the document.
# Changes: removed the model.summary() output pasted after the code.
# 多输出模型
from keras.models import Model
from keras.layers import Input,Dense
from keras.layers.recurrent import LSTM
from keras.layers.wrappers import TimeDistributed
from keras.utils import plot_model

# 输入层
mnist_input = Input(shape=(784,1),name='input') # 吧每一个像素想成是一序列有前后关系的time_steps

# 特征提取层
extract = LSTM(64,return_sequences=True,name='extract')(mnist_input)

# 分类输出
class11 = LSTM(32,name='class11')(extract)
class12 = Dense(32,activation='relu',name='class12')(class11)
output1 = Dense(10,activation='softmax',name='output1')(class12)

# 序列输出
output2 = TimeDistributed(Dense(10,activation='softmax'),name='output2')(extract)

# 以Model来组合整个网络
model = Model(inputs=mnist_input,outputs=[output1,output2])

# 打印网络结构
model.summary()

# plot_model可视化
plot_model(model,to_file='multiple_outputs.png')
# 秀出拓补图
Image('multiple_outputs.png')
