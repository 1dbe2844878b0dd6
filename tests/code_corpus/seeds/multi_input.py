# Document 002 (Keras functional API templates), code blocks [8], as written in the document.
# Changes: removed the model.summary() output pasted after the code.
# 多输入模型
from keras.models import Model
from keras.layers import Input,Dense,Flatten
from keras.layers import Conv2D
from keras.layers import MaxPool2D
from keras.layers.merge import concatenate
from keras.utils import plot_model
from IPython.display import Image

import os
os.environ["PATH"] += os.pathsep + 'D:/Program Files (x86)/Graphviz2.38/bin/'  # 安装graphviz的路径

# 第一个输入层
img_gray_bigsize = Input(shape=(64,64,1),name='img_gray_bigsize')
conv11 = Conv2D(32,kernel_size=4,activation='relu',name='conv11')(img_gray_bigsize)
pool11 = MaxPool2D(pool_size=(2,2),name='pool11')(conv11)
conv12 = Conv2D(16,kernel_size=4,activation='relu',name='conv12')(pool11)
pool12 = MaxPool2D(pool_size=(2,2),name='pool12')(conv12)
flat1 = Flatten()(pool12)

# 第二个输入层
img_rgb_smallsize = Input(shape=(32,32,3),name='img_rgb_bigsize')
conv21 = Conv2D(32,kernel_size=4,activation='relu',name='conv21')(img_rgb_smallsize)
pool21 = MaxPool2D(pool_size=(2,2),name='pool21')(conv21)
conv22 = Conv2D(16,kernel_size=4,activation='relu',name='conv22')(pool21)
pool22 = MaxPool2D(pool_size=(2,2),name='pool22')(conv22)
flat2 = Flatten()(pool22)

# 把两个特征提取层的结果拼起来
merge = concatenate([flat1,flat2])

# 用隐藏的全连接层来解释特征
hidden1 = Dense(128,activation='relu',name='hidden1')(merge)
hidden2 = Dense(64,activation='relu',name='hidden2')(hidden1)

# 输出层
output = Dense(10,activation='softmax',name='output')(hidden2)
# 以Model来组合整个网络
model = Model(inputs=[img_gray_bigsize,img_rgb_smallsize],outputs=output)

# 打印网络结构
model.summary()
# 可视化
plot_model(model,to_file='multiple_inputs.png')

# 秀出网络拓补图
Image('multiple_inputs.png')
