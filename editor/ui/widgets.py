"""Widget helpers every panel shares: widgets bound to the project's values (`bind`), a
field's refusal shown under it, a bound text field."""

from __future__ import annotations

from typing import Any, Optional

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
    st.text_input(label, key=key, on_change=callback, args=(*args, key), **kwargs, **bind(key, value))
    field_error(key)


def bind(key: str, value: Any, options: Optional[list] = None, param: str = "value") -> dict:
    """Keyword arguments that make widget `key` show `value` (the project's).

    A widget seen for the first time gets `value` as its initial value (no flash of a
    default). A widget whose stored value differs (after undo, redo, another edit) is
    set through session state. A field whose last input was refused keeps what the
    person typed, next to the reason. `options`: a selectbox's options (it takes an
    index); `param`: the name of the initial-value argument (multiselect: "default").

    A selectbox is set on every run: the browser keeps the *label* of its choice, and
    after a rename that label ("hidden1 · Dense") is no option any more, so the next
    rerun would report it as a new choice (the inspector dropped the selection). Setting the value sends the current label along.
    """
    ss = st.session_state
    if key in ss:
        if state.field_notice(key) is not None:
            return {}
        if ss[key] != value or options is not None:
            ss[key] = value
            return {}
    if options is not None:
        return {"index": options.index(value) if value in options else 0}
    return {param: value}
