"""Tabs and expanders whose closed panels are neither computed nor sent (issue 25: the
browser's cost of a rerun is per element drawn, hidden panels included; the Code, Problems,
Train and Add nodes panels cost ~135 ms of an mlp edit's ~190 ms; a Dense's "More
parameters" are 11 of the 31 elements its inspector sends when it is selected).

`st.tabs(..., key=, on_change=)` reports which tab is open (`.open`); opening another tab
reruns the editor fragment, which draws that panel. Safe against lost clicks only because
every such tab is inside the editor fragment: a widget's rerun there never preempts a run in
progress (Streamlit queues it), so a button clicked just before the tab switch is handled
first. (Branch h-latency tried this without the fragment: a tab switch preempted the
click's run and lost or replayed the click.)

The chosen tab is remembered by position, so a tab whose label changes ("Problems (2)")
stays open. The widget values of a closed panel would be dropped by Streamlit at the end of
the run: `kept[i]`, panel i's keys, are set again as session values while it is closed
(Streamlit's own way to keep a widget's value). AppTest cannot click a tab: the UI tests set
KGS_EAGER_TABS=1 and every panel is drawn (`.open` is then None); tests of the lazy
behaviour open a tab by setting its session value (the label), as Streamlit allows. Read on
each call, not at import: one pytest process runs the UI tests and starts the journeys'
servers, which must not inherit it."""

from __future__ import annotations

import os
from typing import Mapping, Sequence

import streamlit as st


def tabs(names: Sequence[str], key: str, kept: Mapping[int, Sequence[str]] = ()):
    """st.tabs of `names`; draw panel i only where `tabs[i].open is not False`."""
    if os.environ.get("KGS_EAGER_TABS") == "1":
        return st.tabs(list(names))
    ss, chosen_key, names_key = st.session_state, f"kgs.tab.{key}", f"kgs.tab_names.{key}"
    # A label change ("Problems (2)") makes Streamlit a new widget, which would open the first
    # tab: the open tab is set again by position then. Not on every run: a value set by the
    # script is sent to the browser, and a tab clicked while this run goes would flick back.
    label = ss.get(key)
    if label not in names or ss.get(names_key) != tuple(names):
        ss[key] = label if label in names else names[min(ss.get(chosen_key, 0), len(names) - 1)]
    ss[names_key] = tuple(names)
    made = st.tabs(list(names), key=key, on_change="rerun")
    ss[chosen_key] = next(i for i, tab in enumerate(made) if tab.open)
    for index, keys in dict(kept).items():
        if made[index].open is False:
            for name in keys:
                if name in ss:
                    ss[name] = ss[name]
    return made


def expander(label: str, key: str):
    """st.expander whose content is drawn only where `.open is not False` (opening it reruns
    the fragment it is in, which draws it)."""
    if os.environ.get("KGS_EAGER_TABS") == "1":
        return st.expander(label)
    return st.expander(label, key=key, on_change="rerun")
