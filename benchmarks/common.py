"""Timing helpers: medians of repeated runs (the machine is shared and noisy)."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def median_ms(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, value_ms: float, budget_ms: float | None = None, baseline_ms: float | None = None, baseline: str = "") -> dict:
    """One figure: the median, its budget, and the ratio to a baseline measured in the same run."""
    row = {"benchmark": name, "median_ms": round(value_ms, 2)}
    text = f"{name:<44} {value_ms:9.2f} ms"
    if budget_ms is not None:
        row["budget_ms"] = budget_ms
        text += f"   budget {budget_ms:g} ms {'ok' if value_ms <= budget_ms else 'OVER'}"
    if baseline_ms:
        row["ratio"] = round(value_ms / baseline_ms, 2)
        row["baseline"] = baseline
        text += f"   {value_ms / baseline_ms:5.2f}x {baseline} ({baseline_ms:.2f} ms)"
    print(text, flush=True)
    return row
