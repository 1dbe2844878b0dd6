"""Streamlit's after-run Keras cleanup resets only the script thread's Keras state."""

import threading

import keras  # noqa: F401 - the cleanup acts only when Keras is imported
from keras.src.backend.common import global_state
from streamlit.runtime.scriptrunner import script_runner

from editor.ui import keras_reruns


def test_cleanup_after_a_run_leaves_other_threads_keras_state_alone():
    keras_reruns.install()
    assert script_runner._clean_problem_modules is keras_reruns._clean_problem_modules
    seen, cleaned, checked = [], threading.Event(), threading.Event()

    def training_thread():
        global_state.set_global_attribute("kgs_probe", "training")
        cleaned.wait(30)
        seen.append(global_state.get_global_attribute("kgs_probe"))
        checked.set()

    other = threading.Thread(target=training_thread)
    other.start()
    script_runner._clean_problem_modules()
    global_state.set_global_attribute("kgs_probe", "script")
    names = [keras.layers.Dense(1).name for _ in range(2)]
    script_runner._clean_problem_modules()  # what Streamlit calls after each script run
    cleaned.set()
    assert checked.wait(30)
    other.join()
    assert seen == ["training"]
    assert global_state.get_global_attribute("kgs_probe") is None
    assert keras.layers.Dense(1).name == names[0]  # the script thread's name counters start again
