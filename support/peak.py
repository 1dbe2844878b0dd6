"""A child process's own peak memory, for tests and benchmarks alike: `run_with_peak` runs
`python -m MODULE ...` or `python -c CODE ...` and reads the child's VmHWM when it exits
(never os.wait4's ru_maxrss, which carries a forked parent's high-water mark)."""

from __future__ import annotations

from typing import Any

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
