# Document 002 (Keras functional API templates), code blocks [17, 18], as written in the document.
# Changes: the document never calls unet(), and its default input_size (572, 572, 1) does not build
# (padding='same' halves 572 to 71 and doubles back to 70: Keras refuses the concatenation), so
# the last line (added) calls unet(input_size=(256, 256, 1)), the template's input.
import numpy as np
import os
import skimage.io as io
import skimage.transform as trans
import numpy as np
from keras.models import *
from keras.layers import *
from keras.optimizers import *
from keras.callbacks import ModelCheckpoint, LearningRateScheduler
from keras import backend as keras

def unet(pretrained_weights = None,input_size = (572,572,1)):
################################################提取特征############################################################
    #左一
    inputs = Input(input_size)#572*572
    conv1 = Conv2D(64, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(inputs)#570*570*64
    conv1 = Conv2D(64, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv1)#568*568*64

    #左二
    pool1 = MaxPooling2D(pool_size=(2, 2))(conv1)#284*284*64
    conv2 = Conv2D(128, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(pool1)#282*282*128
    conv2 = Conv2D(128, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv2)#280*280*128

    #左三
    pool2 = MaxPooling2D(pool_size=(2, 2))(conv2)#140*140*128
    conv3 = Conv2D(256, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(pool2)#138*138*256
    conv3 = Conv2D(256, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv3)#136*136*256

    #左四
    pool3 = MaxPooling2D(pool_size=(2, 2))(conv3)#68*68*256
    conv4 = Conv2D(512, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(pool3)#66*66*512
    conv4 = Conv2D(512, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv4)#64*64*512
    drop4 = Dropout(0.5)(conv4)

    #左五
    pool4 = MaxPooling2D(pool_size=(2, 2))(drop4)#32*32*512
    conv5 = Conv2D(1024, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(pool4)#30*30*1024
    conv5 = Conv2D(1024, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv5)#28*28*1024
    drop5 = Dropout(0.5)(conv5)

################################################上采样部分##################################################################
    #右四
    up6 = Conv2D(512, 2, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(UpSampling2D(size = (2,2))(drop5))#56*56*512
    #上采样之后再进行卷积，相当于转置卷积操作！
    merge6 = concatenate([drop4,up6],axis = 3)#左四连右四56*56*1024
    conv6 = Conv2D(512, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(merge6)#54*54*512
    conv6 = Conv2D(512, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv6)#52*52*512

    #右三
    up7 = Conv2D(256, 2, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(UpSampling2D(size = (2,2))(conv6))#104*104*256
    merge7 = concatenate([conv3,up7],axis = 3)#左三连右三104*104*512
    conv7 = Conv2D(256, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(merge7)#102*102*256
    conv7 = Conv2D(256, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv7)#100*100*256

    #右二
    up8 = Conv2D(128, 2, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(UpSampling2D(size = (2,2))(conv7))#200*200*128
    merge8 = concatenate([conv2,up8],axis = 3)#左二连右二200*200*256
    conv8 = Conv2D(128, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(merge8)#198*198*128
    conv8 = Conv2D(128, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv8)#196*196*128

    #右一
    up9 = Conv2D(64, 2, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(UpSampling2D(size = (2,2))(conv8))#392*392*64
    merge9 = concatenate([conv1,up9],axis = 3)#左一连右一392*392*128
    conv9 = Conv2D(64, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(merge9)#390*390*64
    conv9 = Conv2D(64, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv9)#388*388*64
    conv9 = Conv2D(2, 3, activation = 'relu', padding = 'same', kernel_initializer = 'he_normal')(conv9)#388*388*2
    conv10 = Conv2D(1, 1, activation = 'sigmoid')(conv9)#我怀疑这个sigmoid激活函数是多余的，因为在后面的loss中用到的就是二进制交叉熵，包含了sigmoid

    model = Model(input = inputs, output = conv10)

    model.compile(optimizer = Adam(lr = 1e-4), loss = 'binary_crossentropy', metrics = ['accuracy'])#模型执行之前必须要编译https://keras-cn.readthedocs.io/en/latest/getting_started/sequential_model/
    #利用二进制交叉熵，也就是sigmoid交叉熵，metrics一般选用准确率，它会使准确率往高处发展
    #model.summary()

    if(pretrained_weights):
    	model.load_weights(pretrained_weights)

    return model

model = unet(input_size=(256, 256, 1))
