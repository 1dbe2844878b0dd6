# Document 002 (Keras functional API templates), code blocks [6], as written in the document.
# Changes: removed the model.summary() output pasted after the code.
# 共享输入层
from keras.models import Model
from keras.layers import Input,Dense,Flatten
from keras.layers.convolutional import Conv2D
from keras.layers.pooling import MaxPool2D
from keras.layers.merge import concatenate
from keras.utils import plot_model

# 输入层
mnist_input = Input(shape=(28,28,1),name='input')

# 第一个特征提取层
conv1 = Conv2D(32,kernel_size=4,activation='relu',name='conv1')(mnist_input) # <- 看这里
pool1 = MaxPool2D(pool_size=(2,2),name='pool1')(conv1)
flat1 = Flatten()(pool1)

# 第二个特征提取层
conv2 = Conv2D(16,kernel_size=8,activation='relu',name='conv2')(mnist_input) # <- 看这里
pool2 = MaxPool2D(pool_size=(2,2),name='pool2')(conv2)
flat2 = Flatten()(pool2)

# 把这两个特征提取层的结果拼接起来
merge = concatenate([flat1,flat2])

# 进行全连接层
hidden1 = Dense(64,activation='relu',name='hidden1')(merge)

# 输出层
output = Dense(10,activation='softmax',name='output')(hidden1)

# 以model来组合整个网络
model = Model(inputs=mnist_input,outputs=output)

# 打印网络结构
model.summary()

# 网络结构可视化
plot_model(model,to_file='shared_input_layer.png')

# 秀出网络拓补图
Image('shared_input_layer.png')
