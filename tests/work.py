"""Work measured without a clock: a test that checks something is bounded
counts what was done, so that it passes or fails the same on a quiet machine and under
load. Speed itself belongs to benchmarks/.

`measure(function)` counts the Python and C function calls made while it runs (cProfile's
counts: deterministic for the same code and Python version, and cheap beside a hook in
Python) and, with `memory=True`, the most bytes allocated at once (tracemalloc: Python
objects, numpy arrays, buffers). A loop the code forgot to bound, or work that grows
faster than its input, shows up as calls; a bomb inflated or a file read whole, as
memory; however fast the machine.
"""

from __future__ import annotations

import cProfile
import tracemalloc
from dataclasses import dataclass
from typing import Any, Callable, Optional

from support.peak import run_with_peak  # noqa: F401  (tests import it from here; benchmarks from support)


@dataclass(frozen=True)
class Work:
    result: Any  # what the function returned (None when it raised)
    error: Optional[Exception]  # what it raised
    calls: int
    peak: int  # bytes allocated at once; 0 when memory was not measured


def measure(function: Callable[[], Any], memory: bool = False) -> Work:
    profiler = cProfile.Profile()
    if memory:
        tracemalloc.start()
    profiler.enable()
    try:
        result, error = function(), None
    except Exception as err:  # noqa: BLE001 - the caller checks what was raised
        result, error = None, err
    finally:
        profiler.disable()
        peak = tracemalloc.get_traced_memory()[1] if memory else 0
        if memory:
            tracemalloc.stop()
    return Work(result, error, sum(entry.callcount for entry in profiler.getstats()), peak)
