"""Widget helpers every panel shares: a field's refusal shown under it, a text field
bound to the project's value."""

from __future__ import annotations

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
    st.text_input(label, key=key, on_change=callback, args=(*args, key), **kwargs, **state.bind(key, value))
    field_error(key)
