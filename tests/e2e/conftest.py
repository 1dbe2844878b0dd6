"""Browser tests: `streamlit run app.py` in a subprocess, driven by headless Chromium.

Chromium is Debian's (/usr/bin/chromium; `playwright install` cannot download browsers
here). Without it the tests skip locally and FAIL in CI (CI=true), so a CI machine that
lost its browser cannot pass silently.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from support.browser import (CHROMIUM_ARGS, ROOT, chromium_path, free_port, start_server,
                             stop_server, wait_healthy)

SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory, chromium):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    proc = start_server(port, log)
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop_server(proc)


def watch_console(page) -> list[str]:
    """Collect every browser console error and uncaught page error of `page` (and its frames,
    the canvas component's included): a person's browser must stay quiet."""
    found: list[str] = []
    page.on("console", lambda m: found.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: found.append(f"page error: {e}"))
    return found


def assert_quiet(found: list[str]) -> None:
    assert not found, "the browser reported errors:\n" + "\n".join(found)


@contextlib.contextmanager
def quiet_tab(chromium, width: int = 1600, height: int = 1200):
    """A fresh browser tab of that size; fails on any browser console error once it is closed."""
    context = chromium.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors = watch_console(page)
    try:
        yield page
    finally:
        context.close()
    assert_quiet(errors)


FAILURES = ROOT / "artifacts" / "failures"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Records each phase's outcome on the test, so that `page` can keep what a failed journey
    showed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(chromium, request):
    """A fresh browser tab at 1600x1200; the test fails on any browser console error. When the
    journey fails, the tab's screenshot and text are kept in artifacts/failures/ (CI keeps
    nothing else of a page)."""
    with quiet_tab(chromium) as tab:
        yield tab
        failed = getattr(request.node, "report_call", None)
        if failed is not None and failed.failed:
            _keep_failure(tab, request.node.name)


def _keep_failure(tab, name: str) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(Exception):  # the tab may be gone: the test's own failure stands
        tab.screenshot(path=str(FAILURES / f"{name}.png"), full_page=True)
        (FAILURES / f"{name}.txt").write_text(tab.locator("body").inner_text(timeout=5_000), encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
