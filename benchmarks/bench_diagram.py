"""A big graph's diagram drawn by Graphviz's `dot` on the server, as the
Diagram tab draws it above editor.ui.previews.BROWSER_DIAGRAM_MAX nodes: the time of
`dot -Tsvg` (under its time and memory bounds) per size, against the smallest size in the
same run. The projects are
support.big_graphs.residual_stack; the DOT is Keras's model_to_dot of the weightless build.

Measured on the 2-core machine (graphviz 2.43; peak memory by `/usr/bin/time -f %M dot -Tsvg`):
331 nodes 0.1-0.2 s / 37 MB, 1,000 nodes 0.6-0.9 s / 191 MB, 2,002 nodes 2.6-2.8 s / 678 MB. The browser's renderer (st.graphviz_chart) drew 402
nodes in 2.4 s and gave up on 2,002 (`pageerror: undefined`, nothing drawn after 120 s).

Run: `python -m benchmarks.bench_diagram [SIZES...]`.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

SIZES = (331, 1000, 2002)


def run(sizes=SIZES) -> list[dict]:
    from support.big_graphs import residual_stack
    from benchmarks.common import report
    from editor.ui import preview_cache

    if shutil.which("dot") is None:
        print("bench_diagram: Graphviz's dot is not installed; skipped")
        return []
    rows, baseline = [], None
    for size in sizes:
        project = residual_stack(size)
        dot = preview_cache.screen_dot(preview_cache.full_dot(project, "main", f"bench-{size}"))
        start = time.perf_counter()
        preview_cache.render_dot(dot, "svg")
        ms = (time.perf_counter() - start) * 1000
        baseline = baseline or ms
        rows.append(report(f"dot -Tsvg, {len(project.main.nodes):,} nodes", ms,
                           baseline_ms=baseline, baseline=f"{sizes[0]} nodes"))
    return rows


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    run(tuple(int(a) for a in sys.argv[1:]) or SIZES)
