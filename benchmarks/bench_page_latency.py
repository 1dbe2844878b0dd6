"""How fast the page answers, against a bare Streamlit page in the same browser and run.

The floor: a bare page (one number field driving one line of text), a number typed and
Enter pressed, to the moment the text shows it: Streamlit's own round trip here. Against
it, in the same headless Chromium and run, on a real `streamlit run app.py` server:

- edit to updated summary: a parameter typed into the inspector + Enter, to the Summary
  tab's text showing the new model (mlp, U-Net, a 1,000-node residual stack);
- click to inspector: a node clicked on the mlp canvas, to the inspector's heading naming it;
- page training against the CLI: samples/s of the Train tab's defaults, against
  `python -m editor train` with the same settings (benchmarks.bench_train_page).

Each interaction also records where its time went: the server's script runs (both servers
run under benchmarks.timed_streamlit), the websocket frames and bytes the page received,
and Chromium's own scripting / style+layout / other (paint, compositing) time from the
DevTools protocol's Performance.getMetrics. Figures are medians; ratios are to the bare
page's median in the same run (the machine is shared: compare ratios, not milliseconds).

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -m benchmarks.bench_page_latency [--quick] [--no-train]
"""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_train_page  # noqa: E402
from benchmarks.common import report  # noqa: E402
from support import browser as served  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = "benchmarks.timed_streamlit"
GOALS = {"mlp": 2.0, "unet": 3.0, "1,000 nodes": 3.0, "click": 3.0}  # issue 25: at most this many bare pages
TRAIN_GOAL = 0.95
BARE = """import streamlit as st
value = st.number_input("Value", value=0, key="value")
st.markdown(f"The value is {value}.")
"""
SUMMARY_CHANGED = """
([old]) => { const pre = [...document.querySelectorAll('pre')].find(p => p.innerText.includes('Total params'));
             return pre && pre.innerText !== old; }
"""


class Probe:
    """What one interaction cost: wall time, server script runs, frames and bytes received,
    and the browser's own work (DevTools Performance metrics, seconds -> ms)."""

    METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")

    def __init__(self, page, times_file: Path):
        self.page, self.times_file = page, times_file
        self.frames = [0, 0]  # websocket frames and bytes received
        self.session = page.context.new_cdp_session(page)
        self.session.send("Performance.enable")
        page.on("websocket", self._socket)
        self.rows: list[dict] = []

    def _socket(self, socket) -> None:
        def received(payload):
            self.frames[0] += 1
            self.frames[1] += len(payload)
        socket.on("framereceived", received)

    def _metrics(self) -> dict:
        got = {m["name"]: m["value"] for m in self.session.send("Performance.getMetrics")["metrics"]}
        return {name: got.get(name, 0.0) for name in self.METRICS}

    def _script_runs(self) -> list[str]:
        return self.times_file.read_text().splitlines() if self.times_file.exists() else []

    def measure(self, act, wait) -> dict:
        runs, metrics, frames = len(self._script_runs()), self._metrics(), list(self.frames)
        start = time.perf_counter()
        act()
        wait()
        wall = (time.perf_counter() - start) * 1000
        self.page.wait_for_timeout(300)  # let the last frames and the iframe's redraw land before counting
        after, new_runs = self._metrics(), self._script_runs()[runs:]
        row = {
            "wall": wall,
            "runs": len(new_runs),  # the server's script runs (a page run, the editor area, or parts of it)
            "script": sum(float(r.split()[0]) for r in new_runs),
            "frames": self.frames[0] - frames[0],
            "kb": (self.frames[1] - frames[1]) / 1024,
            "js": (after["ScriptDuration"] - metrics["ScriptDuration"]) * 1000,
            "layout": (after["LayoutDuration"] + after["RecalcStyleDuration"]
                       - metrics["LayoutDuration"] - metrics["RecalcStyleDuration"]) * 1000,
        }
        row["other"] = (after["TaskDuration"] - metrics["TaskDuration"]) * 1000 - row["js"] - row["layout"]
        self.rows.append(row)
        return row


def _median_row(rows: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def _breakdown(label: str, row: dict) -> None:
    print(f"    {label:<28} {row['runs']:.0f} script run(s) {row['script']:7.1f} ms · {row['frames']:4.0f} frames "
          f"{row['kb']:7.1f} KB · browser JS {row['js']:6.1f} ms, style+layout {row['layout']:6.1f} ms, "
          f"other {row['other']:6.1f} ms", flush=True)


def _new_page(browser, probe_file: Path):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(120_000)
    return page, Probe(page, probe_file)


def bare_edits(browser, url: str, times: Path, count: int) -> list[dict]:
    page, probe = _new_page(browser, times)
    page.goto(url)
    box = page.locator(".st-key-value input")
    box.wait_for()
    for i in range(count + 1):
        box.fill(str(i + 1))
        text = page.get_by_text(f"The value is {i + 1}.")
        probe.measure(lambda: box.press("Enter"), text.wait_for)
    page.close()
    return probe.rows[1:]


def editor_edits(browser, url: str, times: Path, path: str, node: str, param: str, first: int, count: int,
                 name: str, graph: str = "main") -> list[dict]:
    page, probe = _new_page(browser, times)
    page.goto(f"{url}{path}")
    page.locator("pre", has_text="Total params").first.wait_for()
    page.locator(".st-key-picker input").first.click()  # "Find a node": the node may be off the canvas's view
    page.keyboard.type(name)
    page.get_by_role("option", name=re.compile(rf"^{re.escape(name)}( ·|$)")).first.click()
    page.get_by_role("heading", name=name, exact=True).wait_for()
    box = page.locator(f".st-key-insp-{graph}-{node}-cfg-{param} input")
    box.wait_for()
    for i in range(count + 1):  # the first one warms up
        old = page.locator("pre", has_text="Total params").first.inner_text()
        box.fill(str(first + i))
        probe.measure(lambda: box.press("Enter"),
                      lambda: page.wait_for_function(SUMMARY_CHANGED, arg=[old], polling=10))
    page.close()
    return probe.rows[1:]


def editor_clicks(browser, url: str, times: Path, count: int) -> list[dict]:
    from editor.templates import load_template
    from support.canvas import FIND_NETWORK, NODE_POSITION, canvas_frame

    names = {n.id: n.name for n in load_template("mlp").main.nodes}
    page, probe = _new_page(browser, times)
    page.goto(f"{url}/?template=mlp")
    page.locator("pre", has_text="Total params").first.wait_for()
    order = ["n2", "n3", "n4", "n5"]
    for i in range(count + 1):
        node = order[i % len(order)]
        frame = canvas_frame(page)
        frame.wait_for_function(FIND_NETWORK)
        point = frame.evaluate(NODE_POSITION, node)
        canvas = frame.locator(".vis-network canvas")
        heading = page.get_by_role("heading", name=names[node], exact=True)
        probe.measure(lambda: canvas.click(position=point), heading.wait_for)
        page.wait_for_timeout(500)  # the canvas redraws its highlight: not part of the next click
    page.close()
    return probe.rows[1:]


def _big_project() -> str:
    from editor.store.workspace import Workspace
    from support.big_graphs import residual_stack

    workspace = Workspace(os.environ["KGS_WORKSPACE"])
    try:
        return workspace.create(residual_stack(1000))
    finally:
        workspace.close()


@contextlib.contextmanager
def bare_and_editor(folder: Path):
    """A bare page's server and the editor's (both timed by benchmarks.timed_streamlit) and one
    headless Chromium: yields (browser, {"bare": url, "editor": url}); all stopped after."""
    from playwright.sync_api import sync_playwright

    bare_script = folder / "bare.py"
    bare_script.write_text(BARE)
    procs = []
    try:
        urls = {}
        for side, script in (("bare", str(bare_script)), ("editor", "app.py")):
            os.environ["KGS_SCRIPT_TIMES"] = str(folder / f"{side}.times")
            port = served.free_port()
            procs.append(served.start_server(port, folder / f"{side}.log", LAUNCHER, script))
            urls[side] = f"http://127.0.0.1:{port}"
            served.wait_healthy(urls[side], procs[-1])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=served.chromium_path(), args=served.CHROMIUM_ARGS)
            try:
                yield browser, urls
            finally:
                browser.close()
    finally:
        for proc in procs:
            served.stop_server(proc)


def workspace_folder(prefix: str) -> Path:
    """A new folder whose workspace the servers started after this share."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["KGS_WORKSPACE"] = str(folder / "workspace.sqlite3")
    os.environ.setdefault("KGS_STARTUP_PAUSE", "0")
    return folder


def run(quick: bool = False, train: bool = True) -> list[dict]:
    if served.chromium_path() is None:
        print("page latency: skipped (no Chromium)")
        return []
    count = 3 if quick else 9
    folder = workspace_folder("kgs-latency-")
    big = _big_project()
    with bare_and_editor(folder) as (browser, urls):
        return _measure_all(browser, urls, folder, big, count, quick, train)


def warm_up(browser, editor_url: str) -> None:
    """Open the editor once, unmeasured: the first page pays for TensorFlow and the page's scripts."""
    warm = browser.new_page()
    warm.set_default_timeout(300_000)
    warm.goto(f"{editor_url}/?template=mlp")
    warm.locator("pre", has_text="Total params").first.wait_for()
    warm.close()


def _measure_all(browser, urls: dict, folder: Path, big: str, count: int, quick: bool, train: bool) -> list[dict]:
    bare_t, editor_t = folder / "bare.times", folder / "editor.times"
    warm_up(browser, urls["editor"])
    cases = [
        ("mlp", lambda: editor_edits(browser, urls["editor"], editor_t, "/?template=mlp", "n2", "units", 300,
                                     count, "hidden1")),
        ("unet", lambda: editor_edits(browser, urls["editor"], editor_t, "/?template=unet", "n15", "filters", 900,
                                      count, "conv5a")),
        ("1,000 nodes", lambda: editor_edits(browser, urls["editor"], editor_t, f"/?project={big}", "n2", "units",
                                             17, count, "dense_1")),
        ("click", lambda: editor_clicks(browser, urls["editor"], editor_t, count)),
    ]
    bare_rows = bare_edits(browser, urls["bare"], bare_t, count)
    results = {}
    for label, measure in cases:
        results[label] = measure()
        bare_rows += bare_edits(browser, urls["bare"], bare_t, max(1, count // 3))  # the floor, between cases
    bare = _median_row(bare_rows)
    rows = []
    print(f"bare Streamlit page, number + Enter -> text: {bare['wall']:.1f} ms (median of {len(bare_rows)})")
    _breakdown("bare page", bare)
    for label, got in results.items():
        med = _median_row(got)
        what = "click on the canvas -> inspector, mlp" if label == "click" else f"edit -> updated summary, {label}"
        row = report(what, med["wall"], None, bare["wall"], "bare page")
        row["goal_ratio"] = GOALS[label]
        row["breakdown"] = {k: round(v, 1) for k, v in med.items()}
        ok = med["wall"] / bare["wall"] <= GOALS[label]
        print(f"{'':<44} goal <= {GOALS[label]:g}x {'ok' if ok else 'OVER'}")
        _breakdown(label, med)
        rows.append(row)
    if train:
        rows += _training(browser, urls["editor"], 1 if quick else 3)
    return rows


def _training(browser, url: str, rounds: int) -> list[dict]:
    template = bench_train_page.TEMPLATE
    bench_train_page.page_samples_per_second(browser, url, template)  # warm
    page_rates, cli_rates = [], []
    for i in range(rounds):
        for side in (("page", "cli") if i % 2 == 0 else ("cli", "page")):
            if side == "page":
                page_rates.append(bench_train_page.page_samples_per_second(browser, url, template))
            else:
                cli_rates.append(bench_train_page.cli_samples_per_second(template))
    page_rate, cli_rate = statistics.median(page_rates), statistics.median(cli_rates)
    ratio = page_rate / cli_rate
    print(f"training {template} in the page: {page_rate:.0f} vs CLI {cli_rate:.0f} samples/s = {ratio:.3f}x "
          f"(rounds {', '.join(f'{p:.0f}/{c:.0f}' for p, c in zip(page_rates, cli_rates))})   "
          f"goal >= {TRAIN_GOAL} {'ok' if ratio >= TRAIN_GOAL else 'UNDER'}", flush=True)
    return [{"benchmark": f"train {template}: page vs CLI samples/s", "ratio": round(ratio, 3),
             "page": round(page_rate), "cli": round(cli_rate), "goal_ratio": TRAIN_GOAL}]


if __name__ == "__main__":
    run(quick="--quick" in sys.argv, train="--no-train" not in sys.argv)
