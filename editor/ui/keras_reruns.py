"""Streamlit's after-run Keras cleanup, made local to the script thread.

After every script run (a fragment's 0.5 s poll included) Streamlit calls
`keras.backend.clear_session()`. That swaps Keras's thread-local state for *every*
thread (the training thread's too), clears TensorFlow's eager kernel cache (the
training thread's compiled step is re-instantiated at its next batch) and runs a full
garbage collection, all while holding the GIL. Measured on headline_multi_io: a poll
that only did this halved the training thread's samples/s.

What the cleanup is for, keeping auto-generated layer names from growing (add, add_1,
add_2...) from one rerun to the next, only needs the script thread's own Keras state
reset. `install()` makes Streamlit do just that; the rest of its cleanup (matplotlib)
is kept. Where Streamlit has no such hook any more, nothing is changed.
"""

from __future__ import annotations

import sys

_installed = False


def reset_this_threads_keras_state() -> None:
    """Keras's global state (name counters, scopes, settings) for the calling thread only."""
    keras = sys.modules.get("keras")
    if keras is None:
        return
    from keras.src.backend.common import global_state

    global_state.GLOBAL_STATE_TRACKER.__dict__.clear()
    global_state.GLOBAL_SETTINGS_TRACKER.__dict__.clear()


def _clean_problem_modules() -> None:
    reset_this_threads_keras_state()
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def install() -> None:
    """Replace Streamlit's after-run cleanup (once per process)."""
    global _installed
    if _installed:
        return
    from streamlit.runtime.scriptrunner import script_runner

    if callable(getattr(script_runner, "_clean_problem_modules", None)):
        script_runner._clean_problem_modules = _clean_problem_modules
    _installed = True
