"""Widget helpers every panel shares: widgets bound to the project's values (`bind`), a
field's refusal shown under it, a bound text field."""

from __future__ import annotations

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
LABELS = "kgs.widgets.labels"  # widget key -> the label its choice was last shown with (bind's `label`)
ANY = ("kgs.widgets.any",)  # an echo of whatever the browser sends: it shows a label that is gone
SEEN = "kgs.widgets.seen"  # a hidden field: the number of the last run whose answer the browser has
_HIDE_SEEN = "<style>.st-key-kgs-seen { display: none; }</style>"


def begin_run() -> None:
    """Count this run (before any widget is bound); forget the echoes the browser has seen past."""
    ss = st.session_state
    ss[RUNS] = ss.get(RUNS, 0) + 1
    seen = _seen()
    ss[ECHO] = {k: found for k, found in ss.get(ECHO, {}).items() if seen is None or found[1] > seen}


def end_run() -> None:
    """Last thing a run draws: its number, in a hidden field that the browser sends back with
    every request. Deltas arrive in order, so a request that carries it was made with
    everything this run drew; one that carries an older number, before (see bind)."""
    ss = st.session_state
    ss[SEEN] = ss.get(RUNS, 0)
    with st.container(key="kgs-seen"):
        st.html(_HIDE_SEEN)
        st.number_input("The last answer this page has", key=SEEN, step=1, label_visibility="collapsed")


def _seen() -> Optional[int]:
    value = st.session_state.get(SEEN)
    return int(value) if isinstance(value, (int, float)) else None


def bind(key: str, value: Any, options: Optional[list] = None, param: str = "value",
         on_change: Optional[Callable] = None, args: tuple = (), label: Optional[str] = None) -> dict:
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
    value shown before each such set is kept, with the number of the run that set it; a
    request whose hidden run number (`end_run`) is older than that was made before the
    browser had that run's answer, and there the same old value is no change of the
    person's: `on_change` is not called and the widget is set again. A selectbox whose
    choice is shown under a new `label` (a node renamed in the node finder) cannot be read
    back from a browser that still shows the old one: any value such a request carries is
    taken for an echo.
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
            labels = ss.setdefault(LABELS, {})
            if label is not None and labels.get(key, label) != label:
                echoes[key] = (ANY, ss.get(RUNS, 0))
            if label is not None:
                labels[key] = label
            ss[key] = value
            return kwargs
    if options is not None:
        return {**kwargs, "index": options.index(value) if value in options else 0}
    return {**kwargs, param: value}


def _unless_echo(key: str, callback: Callable) -> Callable:
    def run(*args, **kwargs):
        ss = st.session_state
        found, seen = ss.get(ECHO, {}).get(key), _seen()
        if found is not None and seen is not None and seen < found[1] and found[0] in (ANY, ss.get(key)):
            return None  # the browser's old value, sent before it had the answer that changed it (see bind)
        return callback(*args, **kwargs)

    return run
