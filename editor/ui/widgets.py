"""Widget helpers every panel shares: widgets bound to the project's values (`bind`), a
field's refusal shown under it, a bound text field."""

from __future__ import annotations

import time
from typing import Any, Callable, Optional

import streamlit as st

from editor.ui import state
from editor.ui.fields import md


def field_error(key: str) -> None:
    """The refusal of widget `key`'s last input, in one line under it (nothing if none)."""
    message = state.field_notice(key)
    if message:
        st.error(md(message))


def text(key: str, label: str, value: str, callback, args, **kwargs) -> None:
    """A text input showing `value`; Enter calls `callback(*args, key)`; its refusal below."""
    st.text_input(label, key=key, **kwargs, **bind(key, value, on_change=callback, args=(*args, key)))
    field_error(key)


ECHO = "kgs.widgets.echo"  # widget key -> (the value the browser showed, the run that set the project's)
RUNS = "kgs.widgets.runs"  # script runs of this session so far, page and editor-area runs alike
ENDED = "kgs.widgets.ended"  # time.monotonic() when the last run ended (end_run)
# A request the browser sent while a run was going is taken up as soon as that run ends
# (Streamlit queues it): within milliseconds. One sent after the browser had the run's
# answer comes at least a person's reaction later.
ECHO_WINDOW_S = 0.1


def begin_run() -> None:
    """Count this run (before any widget is bound); forget echoes older than the last run."""
    ss = st.session_state
    ss[RUNS] = runs = ss.get(RUNS, 0) + 1
    ss[ECHO] = {k: found for k, found in ss.get(ECHO, {}).items() if found[1] == runs - 1}


def end_run() -> None:
    st.session_state[ENDED] = time.monotonic()


def bind(key: str, value: Any, options: Optional[list] = None, param: str = "value",
         on_change: Optional[Callable] = None, args: tuple = ()) -> dict:
    """Keyword arguments that make widget `key` show `value` (the project's), and call
    `on_change(*args)` when the person changes it.

    A widget seen for the first time gets `value` as its initial value (no flash of a
    default). A widget whose stored value differs (after undo, redo, another edit) is
    set through session state. A field whose last input was refused keeps what the
    person typed, next to the reason. `options`: a selectbox's options (it takes an
    index); `param`: the name of the initial-value argument (multiselect: "default").

    A selectbox is set on every run: the browser keeps the *label* of its choice, and
    after a rename that label ("hidden1 · Dense") is no option any more, so the next
    rerun would report it as a new choice (the inspector dropped the selection). Setting the value sends the current label along.

    Echoes: the browser sends every widget's value with each request. A request sent while
    a run was setting a widget to the project's value (an undo, a click that selects, a
    tab opened at once after) carries the value the browser still showed: Streamlit takes
    it for a change, and the edit would be made again or the selection moved back. So the
    value shown before each such set is kept for the next run; if that run starts within
    ECHO_WINDOW_S of the end of the one that set it (Streamlit queued its request), that
    same value is no change of the person's: `on_change` is not called and the widget is
    set again. (Measured: such a run starts 1-3 ms after; a person's next act, half a
    second or more.) A person who sets exactly the old value back that fast is ignored the
    same way and sees the project's value: never an edit made twice.
    """
    ss = st.session_state
    kwargs = {} if on_change is None else {"on_change": _unless_echo(key, on_change), "args": tuple(args)}
    if key in ss:
        if state.field_notice(key) is not None:
            return kwargs
        echoes = ss.setdefault(ECHO, {})
        echoes.pop(key, None)
        if ss[key] != value or options is not None:
            if ss[key] != value:
                echoes[key] = (ss[key], ss.get(RUNS, 0))
            ss[key] = value
            return kwargs
    if options is not None:
        return {**kwargs, "index": options.index(value) if value in options else 0}
    return {**kwargs, param: value}


def _unless_echo(key: str, callback: Callable) -> Callable:
    def run(*args, **kwargs):
        ss = st.session_state
        found = ss.get(ECHO, {}).get(key)
        if (found is not None and found[1] == ss.get(RUNS, 0) and ss.get(key) == found[0]
                and time.monotonic() - ss.get(ENDED, 0.0) < ECHO_WINDOW_S):
            return None  # the browser's old value, sent before the last run's answer reached it (see bind)
        return callback(*args, **kwargs)

    return run
