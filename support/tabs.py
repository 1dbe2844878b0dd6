"""Opening a tab in the page as a person does, for the browser journeys and benchmarks.

Only the open tab's panel is drawn (editor.ui.lazy_tabs): a click on a tab reruns the
editor, and the panel fills in when that run ends. A journey reads a panel after it is
drawn and the page has settled, so its next action is not lost to the run in progress."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from support.canvas import settled


def open_tab(page: Page, name: str, shown: Locator | None = None, tries: int = 3) -> None:
    """Open tab `name` (its whole label): wait until its panel shows something, or `shown`
    is visible, and the page settled. A tab click can be lost: taken while the first run
    after TensorFlow loaded replaces the page, or while a run changes the tabs' labels
    ("Problems (2)": Streamlit then makes the tabs anew). Clicking a tab again is harmless:
    it is clicked up to `tries` times."""
    tab = page.get_by_role("tab", name=name, exact=True)
    for attempt in range(tries):
        last = attempt == tries - 1
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
        try:
            expect(tab).to_have_attribute("aria-selected", "true", timeout=60_000 if last else 10_000)
            panel = page.locator(f"[role='tabpanel'][aria-labelledby='{tab.get_attribute('id')}']")
            target = shown if shown is not None else panel.locator("[data-testid='stElementContainer']").first
            expect(target).to_be_visible(timeout=60_000 if last else 15_000)
            break
        except AssertionError:
            if last:
                raise
            settled(page)
    settled(page)
