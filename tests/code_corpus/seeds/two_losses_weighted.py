# Document 001 (Keras multi-input, multi-output, multi-loss models), the first snippet, as written.
# Changes: the document does not show the network (img, tgt, out1, out2, lr, reg_param and the
# VoxelMorph losses come from elsewhere); the lines up to 'as written' define the template's
# small network so the snippet has tensors to connect. The snippet's compile() names the
# VoxelMorph losses, which the editor cannot read: that line is left out with a note.
from keras.layers import Input, Concatenate, Conv2D
from keras.optimizers import Adam

lr, reg_param = 1e-4, 0.01
img = Input(shape=(64, 64, 1), name="img")
tgt = Input(shape=(64, 64, 1), name="tgt")
x = Concatenate()([img, tgt])
x = Conv2D(16, 3, padding="same", activation="relu", name="conv1")(x)
x = Conv2D(16, 3, padding="same", activation="relu", name="conv2")(x)
out1 = Conv2D(1, 3, padding="same", name="out1")(x)
out2 = Conv2D(2, 3, padding="same", name="out2")(x)
# as written:
model = Model(inputs=[img, tgt], outputs=[out1, out2])   
#定义网络的时候会给出输入和输出
model.compile(optimizer=Adam(lr=lr), loss=[
                      losses.cc3D(), losses.gradientLoss('l2')], loss_weights=[1.0, reg_param]) 
