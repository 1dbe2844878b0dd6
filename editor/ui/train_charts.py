"""The Train tab's curves: losses and metrics, per batch and per epoch, train and val_.

Per-batch series are thinned to about MAX_POINTS evenly spaced points (the last one
kept), so a long run redraws as fast as a short one while the page polls it.

Charts are plain Vega-Lite specs with their values inline (`st.vega_lite_chart`), not
`st.line_chart`: that builds an Altair chart, validates it against the Vega-Lite schema
and deep-copies it on every call, tens of milliseconds of the GIL per chart per poll,
taken from the training thread (issue 11 #4). Non-finite values (a NaN loss) are gaps.
"""

from __future__ import annotations

import math

import streamlit as st

from editor import training

MAX_POINTS = 300
HEIGHT = 240


def thin(values: list, limit: int = MAX_POINTS) -> tuple[list[int], list]:
    """At most about `limit` (index, value) points of a series, evenly spaced, last one kept."""
    step = max(1, -(-len(values) // limit))
    index = list(range(0, len(values), step))
    if values and index[-1] != len(values) - 1:
        index.append(len(values) - 1)
    return [i + 1 for i in index], [values[i] for i in index]


TOTALS = {"loss": "loss (total)", "val_loss": "val_loss (total)"}  # Keras's sum of every loss


def legend_name(key: str) -> str:
    """The legend's name of a Keras log key: the total loss says it is the total, so no
    output or loss node of that name can pass for it; every other key as Keras logs it."""
    return TOTALS.get(key, key)


def line_spec(x_name: str, xs: list[int], series: dict[str, list]) -> dict:
    """A Vega-Lite line chart of `series` (Keras log key -> values at `xs`), one colour per
    series, named in the legend by `legend_name`."""
    series = {legend_name(k): v for k, v in series.items()}
    rows = [{x_name: x, "series": name, "value": _finite(v)}
            for name, values in series.items() for x, v in zip(xs, values)]
    return {
        "data": {"values": rows},
        "mark": {"type": "line", "point": len(xs) == 1},
        "encoding": {
            "x": {"field": x_name, "type": "quantitative", "axis": {"tickMinStep": 1}},
            "y": {"field": "value", "type": "quantitative", "title": None},
            "color": {"field": "series", "type": "nominal", "title": None, "sort": list(series)},
        },
        "height": HEIGHT,
    }


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
                thinned = {k: thin(v)[1] for k, v in batches.items()}
                st.vega_lite_chart(line_spec("batch", [snap.batch_offset + i for i in x], thinned))
        if epochs:
            with cols[1]:
                st.caption(f"{kind} per epoch (val_: the held-out samples)")
                count = max(len(v) for v in epochs.values())
                st.vega_lite_chart(line_spec("epoch", list(range(1, count + 1)), epochs))


def _finite(value):
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None
