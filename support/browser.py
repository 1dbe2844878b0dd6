"""A real server of the app and headless Chromium, as the browser tests (tests/e2e) and
the page benchmarks (benchmarks/) start them.

Chromium is Debian's (/usr/bin/chromium; `playwright install` cannot download browsers here).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator, Optional

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's Chromium, or the one named by $CHROMIUM (which then is the only candidate)."""
    if "CHROMIUM" in os.environ:
        candidates = [os.environ["CHROMIUM"]]
    else:
        candidates = ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((c for c in candidates if c and os.path.exists(c)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path, launcher: str = "streamlit", script: str = "app.py") -> subprocess.Popen:
    """`launcher`: the module run as `python -m` (benchmarks.timed_streamlit times each script run)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    command = [
        sys.executable, "-m", launcher, "run", script, "--server.port", str(port),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"streamlit did not answer on {url} within {timeout} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@contextlib.contextmanager
def page_server(log_path: str | Path = os.devnull, launcher: str = "streamlit") -> Iterator[Optional[tuple]]:
    """A real server of the app and headless Chromium, as the browser tests start them: yields
    (browser, server address), or None where Chromium is not installed."""
    path = chromium_path()
    if path is None:
        yield None
        return
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_server(port, Path(log_path), launcher)
    try:
        server = f"http://127.0.0.1:{port}"
        wait_healthy(server, proc)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            try:
                yield browser, server
            finally:
                browser.close()
    finally:
        stop_server(proc)
