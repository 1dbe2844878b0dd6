# Document 002 (Keras functional API templates), code blocks [7], as written in the document.
# Changes: removed the model.summary() output pasted after the code.
from keras.models import Model
from keras.layers import Input,Dense
from keras.layers.recurrent import LSTM
from keras.layers.merge import concatenate
from keras.utils import plot_model

# 输入层
mnist_input = Input(shape=(784,1),name='input') # 把每一个像素想成是一序列有前后关系的time_steps

# 特征提取层
extract1 = LSTM(128,name='lstm1')(mnist_input)

# 第一个解释层(浅层单连通层)
interp1 = Dense(10,activation='relu',name='interp1')(extract1) # <- 看这里

# 第二个解释层(深层3层模型)
interp21 = Dense(64,activation='relu',name='interp21')(extract1) # <- 看这里
interp22 = Dense(32,activation='relu',name='interp22')(interp21)
interp23 = Dense(10,activation='relu',name='interp23')(interp22)

# 把两个特征提取层的结果拼起来
merge = concatenate([interp1,interp23],name='merge')

# 输出层
output = Dense(10,activation='softmax',name='output')(merge)

# 以Ｍodel来组合整个网络
model = Model(inputs=mnist_input,outputs=output)

# 打印网络结构
model.summary()

# 可视化
plot_model(model,to_file='shared_feature_extractor.png')

# 秀出网络拓补图
Image('shared_feature_extractor.png')
