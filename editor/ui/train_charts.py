"""The Train tab's curves: losses and metrics, per batch and per epoch, train and val_.

Per-batch series are thinned to about MAX_POINTS evenly spaced points (the last one
kept), so a long run redraws as fast as a short one while the page polls it.
"""

from __future__ import annotations

import streamlit as st

from editor import training

MAX_POINTS = 300


def thin(values: list, limit: int = MAX_POINTS) -> tuple[list[int], list]:
    """At most about `limit` (index, value) points of a series, evenly spaced, last one kept."""
    step = max(1, -(-len(values) // limit))
    index = list(range(0, len(values), step))
    if values and index[-1] != len(values) - 1:
        index.append(len(values) - 1)
    return [i + 1 for i in index], [values[i] for i in index]


def show(snap: training.Snapshot) -> None:
    """Losses on one row, metrics on the next; per batch on the left, per epoch on the right."""
    for kind, is_loss in (("Loss", True), ("Metrics", False)):
        batches = {k: v for k, v in snap.batches.items() if k.endswith("loss") == is_loss}
        epochs = {k: v for k, v in snap.history.items() if k.endswith("loss") == is_loss}
        if not batches and not epochs:
            continue
        cols = st.columns(2)
        if batches:
            with cols[0]:
                st.caption(f"{kind} per batch (running mean over the epoch, as Keras logs it)")
                x, _ = thin(next(iter(batches.values())))
                data = {"batch": [snap.batch_offset + i for i in x]}
                data |= {k: thin(v)[1] for k, v in batches.items()}
                st.line_chart(data, x="batch", y=list(batches), height=240)
        if epochs:
            with cols[1]:
                st.caption(f"{kind} per epoch (val_: the held-out samples)")
                count = max(len(v) for v in epochs.values())
                st.line_chart({"epoch": list(range(1, count + 1)), **_padded(epochs, count)}, x="epoch",
                              y=list(epochs), height=240)


def _padded(series: dict, length: int) -> dict:
    return {k: list(v) + [None] * (length - len(v)) for k, v in series.items()}
