"""The Train tab's curves: losses and metrics, per batch and per epoch, train and val_.

Per-batch series are thinned to about MAX_POINTS evenly spaced points (the last one
kept), so a long run redraws as fast as a short one while the page polls it.

Charts are plain Vega-Lite specs over Arrow tables (`st.vega_lite_chart`), not
`st.line_chart`: that builds an Altair chart, validates it against the Vega-Lite schema
and deep-copies it on every call, ~30 ms of the GIL per chart per poll, taken from the
training thread; this takes well under 1 ms. Non-finite values (a NaN
loss) are gaps. A chart is drawn only once it has a finite point, and its axes get explicit
domains: Vega computes a domain from the data otherwise, and logs "Infinite extent"
warnings in the browser's console for data that is empty or all gaps.
"""

from __future__ import annotations

import math
from typing import Optional

import streamlit as st

from editor.train import run_progress
from editor.ui import steady_axes

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


def line_chart(x_name: str, xs: list[int], series: dict[str, list], planned: Optional[int] = None,
               previous: Optional[list[float]] = None) -> Optional[tuple]:
    """(data, spec) of a Vega-Lite line chart of `series` (Keras log key -> values at `xs`),
    one colour per series, named in the legend by `legend_name`, or None while it has no
    finite point to draw. The data is an Arrow table in long form (x, series, value),
    which Streamlit sends as it is. A live chart passes the run's `planned` last x and the
    y domain it drew last (`previous`): its axes then stay put (editor.ui.steady_axes)."""
    import pyarrow as pa

    names = [legend_name(k) for k in series]
    values = [_finite(v) for values in series.values() for v in values[:len(xs)]]
    finite = [v for v in values if v is not None]
    if not xs or not finite:
        return None
    x_domain, y_domain = _domain(min(xs), max(xs), pad=1), _domain(min(finite), max(finite))
    if planned is not None:
        x_domain = [min(xs), steady_axes.x_end(max(xs), planned)]
        y_domain = steady_axes.y_domain(min(finite), max(finite), previous) or y_domain
    data = pa.table({
        x_name: [x for _ in names for x in xs],
        "series": [name for name in names for _ in xs],
        "value": values,
    })
    spec = {
        "mark": {"type": "line", "point": len(xs) == 1},
        "encoding": {
            "x": {"field": x_name, "type": "quantitative", "axis": {"tickMinStep": 1},
                  "scale": {"domain": x_domain}},
            "y": {"field": "value", "type": "quantitative", "title": None,
                  "scale": {"domain": y_domain, "zero": False}},
            "color": {"field": "series", "type": "nominal", "title": None, "sort": names},
        },
        "height": HEIGHT,
    }
    return data, spec


def _domain(low: float, high: float, pad: Optional[float] = None) -> list[float]:
    """[low, high], widened when they are equal (one point, a flat line) so the axis has a span."""
    if low < high:
        return [low, high]
    pad = pad if pad is not None else (abs(low) * 0.05 or 1.0)
    return [low - pad, high + pad]


def show(snap: run_progress.Snapshot, axes: Optional[dict] = None) -> None:
    """Losses on one row, metrics on the next; per batch on the left, per epoch on the right.
    `axes`: given while the run is live, chart name -> the y domain it drew last (kept
    across polls, so the chart's spec stays the same and the browser only swaps its data)."""
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
                planned = snap.steps_per_epoch * snap.epochs
                name = f"{kind} batch"
                _draw(line_chart("batch", [snap.batch_offset + i for i in x], thinned, **_steady(axes, name, planned)),
                      axes, name)
        if epochs:
            with cols[1]:
                st.caption(f"{kind} per epoch (val_: the held-out samples)")
                count = max(len(v) for v in epochs.values())
                _draw(line_chart("epoch", list(range(1, count + 1)), _padded(epochs, count),
                                 **_steady(axes, f"{kind} epoch", snap.epochs)), axes, f"{kind} epoch")


def _steady(axes: Optional[dict], name: str, planned: int) -> dict:
    return {} if axes is None else {"planned": planned, "previous": axes.get(name)}


def _draw(chart: Optional[tuple], axes: Optional[dict] = None, name: str = "") -> None:
    if chart is None:
        st.caption("Nothing to draw yet: no finite value.")
        return
    if axes is not None:
        axes[name] = chart[1]["encoding"]["y"]["scale"]["domain"]
    st.vega_lite_chart(*chart)


def _padded(series: dict, length: int) -> dict:
    return {k: list(v) + [None] * (length - len(v)) for k, v in series.items()}


def _finite(value):
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None
