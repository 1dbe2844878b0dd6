"""Axis domains of the live training charts that stay put from one poll to the next.

A Vega-Lite spec that changes makes the browser build the chart's view again (Vega-Lite
compiles it, Vega parses it: on a 2-core machine about 300 ms of the page's CPU a poll,
taken from the training thread); a spec that stays the same only gets its data replaced.
The exact domains of the finished charts changed on every poll, so while a run is live:

- x runs from 1 to the next power of two at or above the last point, at most the run's
  planned end (a 5-epoch run of 16 batches: 2, 4, ..., 64, then 80 for good);
- y keeps the domain drawn last while it still holds every point and the points span at
  least a quarter of it; else it is widened by a quarter of the span on each side and
  rounded out to a round step, not below 0 for points that are not (a falling loss moves
  it a few times a run, not every poll).
"""

from __future__ import annotations

import math
from typing import Optional


def x_end(last: int, planned: int) -> int:
    """The right end of a live chart's x axis: a power of two >= last, at most `planned`."""
    end = 1 << max(1, math.ceil(math.log2(max(last, 2))))
    return max(last, min(end, planned))


def y_domain(low: float, high: float, previous: Optional[list[float]] = None) -> Optional[list[float]]:
    """A domain for points between low and high that keeps `previous` while it fits them;
    None when low == high (a flat line: the caller pads it as before)."""
    if not low < high:
        return None
    span = high - low
    if previous is not None and previous[0] <= low and high <= previous[1] and span * 4 >= previous[1] - previous[0]:
        return previous
    step = 10.0 ** math.floor(math.log10(span))
    bottom = math.floor((low - span / 4) / step) * step
    if low >= 0:
        bottom = max(0.0, bottom)  # a loss is never negative: nor is its axis
    return [_round(bottom), _round(math.ceil((high + span / 4) / step) * step)]


def _round(value: float) -> float:
    return float(f"{value:.12g}")  # 0.30000000000000004 -> 0.3: the same number drawn twice is the same text
