# Document 001 (Keras multi-input, multi-output, multi-loss models; code not fenced), practical case 单输入,多输出, as written in the document.
# Changes: none.
if __name__ == '__main__':

    a = Input(shape=(368, 368, 3))
    a2 = Input(shape=(368, 368, 4))

    conv1 = layers.Conv2D(64, 3)(a)
    conv2 = layers.Conv2D(64, 3)(conv1)
    maxpool = layers.MaxPooling2D(pool_size=8, strides=8, padding='same')(conv2)
    conv3 = layers.Conv2D(5, 1)(maxpool)

    model = keras.Model(inputs=[a], outputs=[maxpool, conv3])
    model.summary()

    model.compile(optimizer=keras.optimizers.SGD(lr=0.05),
                  loss=[keras.losses.mean_squared_error,
                        keras.losses.mean_squared_error,
                        ],
                  loss_weights=[0.1,1])

    import numpy as np

    data = np.random.rand(10, 368, 368, 3)
    data2 = np.random.rand(10, 368, 368, 4)
    label_maxpool = np.random.rand(10, 46, 46, 64)
    label = np.random.rand(10, 46, 46, 5)

    dataset = tf.data.Dataset.from_tensor_slices((data, label_maxpool, label)).batch(5).repeat()

    iterator = dataset.make_one_shot_iterator()
    # print(next(iterator))
    # print(K.get_session().run(iterator.get_next())[1][0])

    def mannual_iter(iter_):
        next_batch = iter_.get_next()

        while True:
            img, label_maxpool, label = K.get_session().run(next_batch)
            yield [img], [label_maxpool, label]
            # yield [data,data2],label

    with K.get_session() as sess:
        model.fit_generator(mannual_iter(iterator), epochs=3, steps_per_epoch=5,
                            workers=1,  # This is important
                            verbose=1
                            )