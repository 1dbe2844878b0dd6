# Document 001 (Keras multi-input, multi-output, multi-loss models; code not fenced), practical case 多输入,单输出, as written in the document.
# Changes: none.
if __name__ == '__main__':

    a = Input(shape=(368, 368, 3))
    a2 = Input(shape=(368, 368, 4))

    conv1 = layers.Conv2D(64, 3)(a)
    conv2 = layers.Conv2D(64, 3)(conv1)
    maxpool = layers.MaxPooling2D(pool_size=8, strides=8, padding='same')(conv2)
    conv3 = layers.Conv2D(5, 1)(maxpool)

    model = keras.Model(inputs=[a,a2], outputs=[conv3])

    model.compile(optimizer=keras.optimizers.SGD(lr=0.05),
                  loss=keras.losses.mean_squared_error)

    import numpy as np

    data = np.random.rand(10, 368, 368, 3)
    data2 = np.random.rand(10, 368, 368, 4)
    label = np.random.rand(10, 46, 46, 5)

    dataset = tf.data.Dataset.from_tensor_slices((data,data2, label)).batch(5).repeat()

    iterator = dataset.make_one_shot_iterator()
    # print(next(iterator))
    # print(K.get_session().run(iterator.get_next())[1][0])

    def mannual_iter(iter_):
        next_batch = iter_.get_next()

        while True:
            img, img2, label = K.get_session().run(next_batch)
            yield [img, img2], label
            # yield [data,data2],label

    with K.get_session() as sess:
        model.fit_generator(mannual_iter(iterator), epochs=3, steps_per_epoch=5,
                            workers=1,  # This is important
                            verbose=1
                            )
