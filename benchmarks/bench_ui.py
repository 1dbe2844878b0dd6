"""Editor speed: rerun after an edit, and time to canvas on a fresh server.

1. Rerun after an edit on the U-Net, TensorFlow loaded: budget 150 ms (median). Timed
   is Streamlit's own `ScriptRunner._run_script` (widget state, the edit's callback,
   the whole page script: validation, build of the new model, summary, diagram, code,
   every panel), driven by AppTest, which runs the same ScriptRunner as the server but
   adds its own bookkeeping around it (not counted). Each edit sets a new filter count
   on conv5a, so every rerun builds a model it has not seen. Baselines in the same run:
   a rerun with nothing changed (the page's floor), and what one rerun would cost with
   the core's `build_project` + `summary_text` alone (weights initialised, no cache).
2. Canvas visible after opening `/?template=mlp` on a freshly started server (Streamlit
   started as `make run` starts it): budget 3 s (median of fresh servers). Timed from
   `page.goto` to vis-network's <canvas> being visible in the component's frame, in
   headless Chromium. Baseline: a one-line Streamlit page on a fresh server, to the
   moment its text shows (the framework's floor on this machine). Skipped without
   Chromium.

Run: `python -m benchmarks` (all figures) or `python -m benchmarks.bench_ui`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import report
from support.browser import stop_server

ROOT = Path(__file__).resolve().parent.parent
EDITS = 15
FRESH_SERVERS = 3


# ----------------------------------------------------------------------------- rerun


class _ScriptTimer:
    """Records the duration of every ScriptRunner._run_script call while active."""

    def __init__(self):
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        self.cls = ScriptRunner
        self.original = ScriptRunner._run_script
        self.times: list[float] = []

    def __enter__(self):
        original, times = self.original, self.times

        def timed(runner, rerun_data):
            start = time.perf_counter()
            try:
                return original(runner, rerun_data)
            finally:
                times.append((time.perf_counter() - start) * 1000)

        self.cls._run_script = timed
        return self

    def __exit__(self, *exc):
        self.cls._run_script = self.original

    def take(self) -> float:
        total = sum(self.times)  # a run that reruns itself (st.rerun) counts whole
        self.times.clear()
        return total


def rerun_after_edit() -> list[dict]:
    os.environ.setdefault("KGS_STARTUP_PAUSE", "0")
    from streamlit.testing.v1 import AppTest

    from editor.building.build import build_project, summary_text
    from editor.templates import load_template
    from editor.ui import preview_cache

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["template"] = "unet"
    at.run()
    at.selectbox(key="picker").select("n15").run()  # conv5a: 1024 filters
    assert not at.exception, [e.value for e in at.exception]
    key = "insp.main.n15.cfg.filters"
    assert at.number_input(key=key).value == 1024
    edit_times, idle_times = [], []
    with _ScriptTimer() as timer:
        for i in range(3):  # warm up
            at.run()
        timer.take()
        for i in range(EDITS):
            at.number_input(key=key).set_value(900 + i)
            at.run()
            edit_times.append(timer.take())
            at.run()
            idle_times.append(timer.take())
    assert not at.exception and "Total params" in "".join(c.value for c in at.code)
    assert preview_cache.cached_preview(preview_cache.digest(at.session_state["kgs.history"].value), "main") is not None

    project = load_template("unet")
    from editor.model import edits

    naive = []
    for i in range(5):
        changed = project.replace_graph(edits.set_param(project.main, "n15", "filters", 800 + i))
        start = time.perf_counter()
        summary_text(build_project(changed).model)
        naive.append((time.perf_counter() - start) * 1000)
    edit, idle, core = (statistics.median(x) for x in (edit_times, idle_times, naive))
    return [
        report("rerun after an edit, U-Net (TF loaded)", edit, 150, idle, "rerun without edit"),
        report("  same, against build_project + summary", edit, None, core, "core build + summary"),
    ]


# ----------------------------------------------------------------------------- start-up


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(script: Path, port: int, extra=()) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("KGS_STARTUP_PAUSE", None)
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.headless", "true", *extra]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def _time_to(browser, script: Path, path: str, wait, extra=()) -> float:
    port = _free_port()
    proc = _serve(script, port, extra)
    try:
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        start = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}{path}")
        wait(page)
        elapsed = (time.perf_counter() - start) * 1000
        page.close()
        return elapsed
    finally:
        stop_server(proc)


def _canvas_visible(page) -> None:
    frame = page.wait_for_selector("iframe[title='streamlit_agraph.agraph']", timeout=60_000).content_frame()
    frame.wait_for_selector(".vis-network canvas", state="visible", timeout=60_000)


def time_to_canvas() -> list[dict]:
    from support.browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        print("time to canvas: skipped (no Chromium)")
        return []
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text("import streamlit as st\nst.write('ready')\n")
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            floor = [_time_to(browser, floor_script, "/", lambda p: p.get_by_text("ready").wait_for())
                     for _ in range(FRESH_SERVERS)]
            app = ROOT / "app.py"
            canvas = [_time_to(browser, app, "/?template=mlp", _canvas_visible) for _ in range(FRESH_SERVERS)]
            quiet = [_time_to(browser, app, "/?template=mlp", _canvas_visible, ("--server.fileWatcherType", "none"))
                     for _ in range(FRESH_SERVERS)]
        finally:
            browser.close()
    floor_ms = statistics.median(floor)
    return [
        report("canvas visible on a fresh server (make run)", statistics.median(canvas), 3000, floor_ms,
               "one-line Streamlit page"),
        report("  same, file watcher off", statistics.median(quiet), 3000, floor_ms, "one-line Streamlit page"),
    ]


def run() -> list[dict]:
    return rerun_after_edit() + time_to_canvas()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    run()
