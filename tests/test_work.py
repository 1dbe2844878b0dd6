"""The test helpers that measure work measure the right thing."""

from __future__ import annotations

import os

import pytest

from tests.work import run_with_peak


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads VmHWM from /proc")
def test_a_childs_peak_is_its_own_not_its_parents():
    """os.wait4's ru_maxrss gave every child of a 3.6 GB pytest process a 3.6 GB peak (CI)."""
    ballast = bytearray(1_500_000_000)  # pages touched: the parent's resident memory grows by 1.5 GB
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    result, peak = run_with_peak(["-c", "import sys; sys.exit(3)"], dict(os.environ), os.getcwd())
    assert result.returncode == 3
    assert peak < 200_000_000, peak
    del ballast
    grown, grown_peak = run_with_peak(["-c", "b = bytearray(300_000_000); b[::4096] = b'x' * len(b[::4096])"],
                                      dict(os.environ), os.getcwd())
    assert grown.returncode == 0, grown.stderr
    assert 300_000_000 < grown_peak < 500_000_000, grown_peak


def test_a_module_runs_with_its_arguments():
    result, _ = run_with_peak(["-m", "platform", "--terse"], dict(os.environ), os.getcwd())
    assert result.returncode == 0 and result.stdout.strip(), result.stderr
