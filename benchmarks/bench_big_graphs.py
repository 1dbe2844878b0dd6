"""Big graphs in the real page: a person opens a project of 1,000 or 5,000
nodes and keeps working. Measured in headless Chromium against a real server:

- canvas visible: from the address typed to vis-network holding its nodes (budget 2 s);
- summary shown: from the address typed to the Summary tab's text;
- select by click: a node clicked on the canvas to its name heading the inspector (300 ms);
- edit to updated summary: a Dense's units typed + Enter to the new summary (300 ms at 1,000);
- the tab's JavaScript heap afterwards (budget 1 GB).

Baseline in the same run: the same steps on the mlp template (5 nodes), after one page
has loaded TensorFlow and the page's scripts, so a ratio says what the size costs. The projects are support.big_graphs.residual_stack.

Run: `python -m benchmarks.bench_big_graphs [SIZES...]` (part of `python -m benchmarks`).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks.common import report
from support.browser import page_server

SIZES = (1000, 5000)
EDITS = 3
SLOW_MS = 600_000  # the page may take minutes without the quick preview: never a hang

SUMMARY_CHANGED = """
([old]) => { const pre = [...document.querySelectorAll('pre')].find(p => p.innerText.includes('Total params'));
             return pre && pre.innerText !== old; }
"""
NETWORK_NODES = """() => window.__kgsNetwork ? Object.keys(window.__kgsNetwork.getPositions()).length : 0"""


def _summary(page) -> str:
    return page.locator("pre", has_text="Total params").first.inner_text()


def _canvas_nodes(page) -> int:
    from support.canvas import FIND_NETWORK, canvas_frame

    frame = canvas_frame(page)
    frame.wait_for_function(FIND_NETWORK, timeout=SLOW_MS)
    return frame.evaluate(NETWORK_NODES)


def _heap_mb(page) -> float:
    session = page.context.new_cdp_session(page)
    session.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapUsedSize"] / 2**20


def measure(browser, server: str, project_id: str, node_ids: tuple[str, ...], node_names: dict) -> dict:
    """One project's figures (ms, MB). `node_ids`: Dense nodes whose units can change."""
    from support.canvas import click_node

    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(SLOW_MS)
    start = time.perf_counter()
    page.goto(f"{server}/?project={project_id}")
    drawn = _canvas_nodes(page)
    canvas_ms = (time.perf_counter() - start) * 1000
    page.locator("pre", has_text="Total params").first.wait_for()
    summary_ms = (time.perf_counter() - start) * 1000

    clicks, edits = [], []
    for i, node_id in enumerate(node_ids[:EDITS + 1]):
        begin = time.perf_counter()
        click_node(page, node_id)
        page.get_by_role("heading", name=node_names[node_id], exact=True).wait_for()
        clicks.append((time.perf_counter() - begin) * 1000)
        box = page.locator(f".st-key-insp-main-{node_id}-cfg-units input")
        old = _summary(page)
        box.fill(str(17 + i))
        begin = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(SUMMARY_CHANGED, arg=[old], timeout=SLOW_MS)
        edits.append((time.perf_counter() - begin) * 1000)
    heap = _heap_mb(page)
    page.close()
    return {"canvas": canvas_ms, "summary": summary_ms, "click": statistics.median(clicks[1:] or clicks),
            "edit": statistics.median(edits[1:] or edits), "heap": heap, "drawn": drawn}


def run(sizes=SIZES) -> list[dict]:
    from support.big_graphs import residual_stack
    from editor.templates import load_template
    from editor.store.workspace import Workspace

    os.environ["KGS_WORKSPACE"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / f"kgs-bench-big-{os.getpid()}.sqlite3")
    workspace = Workspace(os.environ["KGS_WORKSPACE"])
    # (label, project, Dense nodes to click and edit, edit budget: 300 ms up to 1,000 nodes)
    cases = [("mlp (baseline)", load_template("mlp"), ("n2", "n3", "n4"), 300)]
    for size in sizes:
        cases.append((f"{size} nodes", residual_stack(size), tuple(f"n{k}" for k in (2, 5, 8, 11)),
                      300 if size <= 1000 else None))
    ids = {label: workspace.create(project) for label, project, _, _ in cases}
    workspace.close()
    rows = []
    with page_server() as served:
        if served is None:
            print("big graphs in the page: skipped (no Chromium)")
            return []
        browser, server = served
        warm = browser.new_page()  # the first page pays for TensorFlow and the page's scripts: not measured
        warm.set_default_timeout(SLOW_MS)
        warm.goto(f"{server}/?template=mlp")
        warm.locator("pre", has_text="Total params").first.wait_for()
        warm.close()
        base = None
        for label, project, nodes, edit_budget in cases:
            names = {n.id: n.name for n in project.main.nodes}
            got = measure(browser, server, ids[label], nodes, names)
            base = base or got
            print(f"{label}: {got['drawn']} nodes drawn on the canvas", flush=True)
            rows.append(report(f"canvas visible, {label}", got["canvas"], 2000, base["canvas"], "mlp"))
            rows.append(report(f"summary shown, {label}", got["summary"], None, base["summary"], "mlp"))
            rows.append(report(f"select by click, {label}", got["click"], 300, base["click"], "mlp"))
            rows.append(report(f"edit to updated summary, {label}", got["edit"], edit_budget, base["edit"], "mlp"))
            print(f"{label}: JS heap {got['heap']:.0f} MB (budget 1024 MB)", flush=True)
            rows.append({"benchmark": f"tab JS heap, {label}", "mb": round(got["heap"], 1), "budget_mb": 1024})
    return rows

if __name__ == "__main__":
    run(tuple(int(a) for a in sys.argv[1:]) or SIZES)
