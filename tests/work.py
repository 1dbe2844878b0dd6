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


# A child's own peak resident memory. Not os.wait4's ru_maxrss: Linux carries the parent's
# high-water mark into a forked child, so under a pytest process grown to 3.6 GB every child
# "peaked" at 3.6 GB. VmHWM belongs to the address space, which exec makes anew.
_PEAK_PRELUDE = """
import atexit, os, runpy, sys
def _write_peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            with open(os.environ["KGS_TEST_PEAK_FILE"], "w") as f:
                f.write(line.split()[1])
atexit.register(_write_peak)
mode, target, *rest = sys.argv[1:]
sys.argv = [target, *rest]
if mode == "-m":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(compile(target, "<child>", "exec"), {"__name__": "__main__"})  # the test's own code
"""


def run_with_peak(args: list[str], env: dict, cwd) -> tuple[Any, int]:
    """Run `python -m MODULE ...` or `python -c CODE ...` (args without the interpreter):
    its CompletedProcess and its own peak resident memory in bytes (VmHWM)."""
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        peak_file = os.path.join(folder, "peak")
        result = subprocess.run([sys.executable, "-c", _PEAK_PRELUDE, *args], capture_output=True, text=True,
                                cwd=cwd, env={**env, "KGS_TEST_PEAK_FILE": peak_file})
        with open(peak_file) as f:
            return result, int(f.read()) * 1024
