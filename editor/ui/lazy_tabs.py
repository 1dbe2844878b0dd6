"""Tabs whose closed panels are neither computed nor sent (issue 25: redrawing every panel
on every run cost the browser most of an edit's time).

`st.tabs(..., on_change=...)` tells which tab is open (`.open`). The chosen tab is kept by
position, so a tab whose label changes ("Problems (2)") stays open. Widget values of a panel
that is not drawn would be dropped by Streamlit at the end of the run: the `kept` keys are set
again as session values every run, before their widgets are made (Streamlit's own way).
AppTest cannot switch tabs: its tests set KGS_EAGER_TABS=1, and every panel is drawn (`.open`
is then None)."""

from __future__ import annotations

import os
from typing import Iterable

import streamlit as st

EAGER = os.environ.get("KGS_EAGER_TABS") == "1"


def tabs(names: list[str], key: str, kept: Iterable[str] = ()):
    """st.tabs of `names`; draw a panel only where `tab.open is not False`."""
    if EAGER:
        return st.tabs(names)
    ss = st.session_state
    for name in kept:
        if name in ss:
            ss[name] = ss[name]
    chosen_key = f"kgs.tab.{key}"
    chosen = min(ss.get(chosen_key, 0), len(names) - 1)
    return st.tabs(names, default=names[chosen], key=key, on_change=_remember, args=(names, key, chosen_key))


def _remember(names: list[str], key: str, chosen_key: str) -> None:
    label = st.session_state.get(key)
    if label in names:
        st.session_state[chosen_key] = names.index(label)
