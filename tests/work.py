"""Work measured without a clock (issue 22): a test that checks something is bounded
counts what was done, so that it passes or fails the same on a quiet machine and under
load. Speed itself belongs to benchmarks/.

`calls(function)` counts the Python and C function calls made while it runs (cProfile's
counts: deterministic for the same code and Python version, and cheap beside a hook in Python). A loop the code forgot to
bound, or work that grows faster than its input, shows up as calls, however fast the
machine. Work done inside one C call (a regex, zlib) is not seen: bound that by its size.
"""

from __future__ import annotations

import cProfile
from typing import Any, Callable


def calls(function: Callable[[], Any]) -> tuple[Any, Exception | None, int]:
    """(what `function` returned or None, the exception it raised or None, calls made)."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        result, error = function(), None
    except Exception as err:  # noqa: BLE001 - the caller checks what was raised
        result, error = None, err
    finally:
        profiler.disable()
    return result, error, sum(entry.callcount for entry in profiler.getstats())
