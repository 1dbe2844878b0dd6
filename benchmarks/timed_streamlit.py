"""`python -m benchmarks.timed_streamlit run app.py ...`: Streamlit itself, with the duration
of every script run (a fragment's run marked) appended to the file named by
$KGS_SCRIPT_TIMES, so a page benchmark can tell the server's share of a round trip."""

from __future__ import annotations

import os
import sys
import time

from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

_ORIGINAL = ScriptRunner._run_script


def _timed(runner, rerun_data):
    start = time.perf_counter()
    try:
        return _ORIGINAL(runner, rerun_data)
    finally:
        ms = (time.perf_counter() - start) * 1000
        kind = "fragment" if getattr(rerun_data, "fragment_id_queue", None) else "full"
        with open(os.environ["KGS_SCRIPT_TIMES"], "a") as out:
            out.write(f"{ms:.2f} {kind}\n")


if __name__ == "__main__":
    ScriptRunner._run_script = _timed
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[1:]]
    main()
