"""What the last run of this tab worked out, reused by the next run when it is made from
the very same things (issue 25: a 1,000-node graph's canvas data takes about 25 ms a run).

Project versions, graphs and previews are never changed in place (an edit makes new ones),
so "the same object" means "the same content"; plain values (a selection, a mode, a
frozenset of names) are compared by value. One entry per name and tab: a memory, not a cache.
"""

from __future__ import annotations

from typing import Callable, TypeVar

import streamlit as st

T = TypeVar("T")
PLAIN = (str, int, float, bool, type(None))
_PREFIX = "kgs.memo."


def reuse(name: str, inputs: tuple, make: Callable[[], T]) -> T:
    """make(), or what it gave last run if `inputs` are the same objects / plain values."""
    kept = st.session_state.get(_PREFIX + name)
    if kept is not None and _same(kept[0], inputs):
        return kept[1]
    value = make()
    st.session_state[_PREFIX + name] = (inputs, value)
    return value


def _same(old: tuple, new: tuple) -> bool:
    return len(old) == len(new) and all(a is b or (_plain(a) and type(a) is type(b) and a == b)
                                        for a, b in zip(old, new))


def _plain(value) -> bool:
    """A plain value, or a tuple or frozenset of them (a set of open blocks): compared by value."""
    if isinstance(value, (tuple, frozenset)):
        return all(isinstance(v, PLAIN) for v in value)
    return isinstance(value, PLAIN)
