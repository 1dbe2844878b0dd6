# The DDPG critic (keras.io), alone: a state branch and an action branch concatenated.
# style: helper functions, multi-input
# model: critic_model
import keras
from keras import layers

num_states = 3
num_actions = 1


def get_critic():
    state_input = layers.Input(shape=(num_states,))
    state_out = layers.Dense(16, activation="relu")(state_input)
    state_out = layers.Dense(32, activation="relu")(state_out)

    action_input = layers.Input(shape=(num_actions,))
    action_out = layers.Dense(32, activation="relu")(action_input)

    concat = layers.Concatenate()([state_out, action_out])

    out = layers.Dense(64, activation="relu")(concat)
    out = layers.Dense(64, activation="relu")(out)
    outputs = layers.Dense(1)(out)

    return keras.Model([state_input, action_input], outputs)


critic_model = get_critic()
target_critic = get_critic()
