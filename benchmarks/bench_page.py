"""Edit to updated summary, as a person waits for it in the real page (figures a
person feels are measured through the page).

In headless Chromium against a real server, a parameter is typed into the inspector and
Enter pressed; timed is the moment of Enter to the moment the Summary tab's text shows
the new model (the whole round trip: the widget message, the rerun with validation,
build, summary, diagram and code, and the browser drawing it). Each edit sets a value
not seen before, so every rerun builds a new model. Baseline in the same run: the core's
own work for the same edits, `build_project(weights=False)` + `summary_text` in this
process (what any page must at least do). The ratio is the page's overhead.

Run: `python -m benchmarks.bench_page` (part of `python -m benchmarks`). Skipped without Chromium.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from benchmarks.common import report
from support.browser import page_server

ROOT = Path(__file__).resolve().parent.parent
EDITS = 9
CASES = (("mlp", "n2", "units", 300), ("unet", "n15", "filters", 900))  # template, node, parameter, first value

SUMMARY_CHANGED = """
([old]) => { const pre = [...document.querySelectorAll('pre')].find(p => p.innerText.includes('Total params'));
             return pre && pre.innerText !== old; }
"""


def _summary(page) -> str:
    return page.locator("pre", has_text="Total params").first.inner_text()


def _page_edits(browser, server: str, template: str, node: str, param: str, first: int) -> list[float]:
    from editor.canvas import placement
    from editor.templates import load_template
    from support.canvas import click_node

    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(180_000)
    page.goto(f"{server}/?template={template}")
    page.locator("pre", has_text="Total params").first.wait_for()
    click_node(page, node, placement.layout(load_template(template).main))
    box = page.locator(f".st-key-insp-main-{node}-cfg-{param} input")
    box.wait_for()
    times = []
    for i in range(EDITS + 1):  # the first one warms up
        old = _summary(page)
        box.fill(str(first + i))
        start = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(SUMMARY_CHANGED, arg=[old])
        if i:
            times.append((time.perf_counter() - start) * 1000)
    page.close()
    return times


def _core_edits(template: str, node: str, param: str, first: int) -> list[float]:
    from editor.model import edits
    from editor.building.build import build_project, summary_text
    from editor.templates import load_template

    project = load_template(template)
    times = []
    for i in range(EDITS + 1):
        changed = project.replace_graph(edits.set_param(project.main, node, param, first + 100 + i))
        start = time.perf_counter()
        summary_text(build_project(changed, weights=False).model)
        if i:
            times.append((time.perf_counter() - start) * 1000)
    return times


def run() -> list[dict]:
    os.environ.setdefault("KGS_WORKSPACE", str(Path(os.environ.get("TMPDIR", "/tmp")) / f"kgs-bench-{os.getpid()}.sqlite3"))
    rows = []
    with page_server() as served:
        if served is None:
            print("edit to updated summary in the page: skipped (no Chromium)")
            return []
        browser, server = served
        for template, node, param, first in CASES:
            page = statistics.median(_page_edits(browser, server, template, node, param, first))
            core = statistics.median(_core_edits(template, node, param, first))
            rows.append(report(f"edit to updated summary in the page, {template}", page, None, core,
                               "core build + summary"))
    return rows

if __name__ == "__main__":
    run()
