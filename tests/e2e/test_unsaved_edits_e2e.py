"""Two tabs on one project in headless Chromium: tab B's edits that another tab's save
made unsavable (a conflict) survive B's reload, offered back in one line (issue: "refresh
during a conflict loses this tab's edits without asking").
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from support.canvas import canvas_frame
from tests.e2e.conftest import quiet_tab
from tests.e2e.test_editor_e2e import open_template, summary_block
from tests.e2e.test_library_e2e import open_title, rename, settled, workspace

pytestmark = pytest.mark.e2e

OFFER = "edits that were not saved"


def loaded(page) -> None:
    canvas_frame(page)
    summary_block(page).wait_for()
    settled(page)


def test_a_reload_during_a_conflict_offers_the_unsaved_edits_back(chromium, server):
    with quiet_tab(chromium) as tab_a, quiet_tab(chromium) as tab_b:
        open_template(tab_a, server, "mlp")
        rename(tab_a, "Shared by two tabs")
        url = tab_a.url
        project_id = re.search(r"project=([0-9a-f]{16})", url).group(1)
        tab_b.goto(url)
        loaded(tab_b)
        expect(open_title(tab_b)).to_have_text("Shared by two tabs")

        rename(tab_a, "Saved in tab A")  # A saves first
        rename(tab_b, "B, first edit")  # B still starts from the older revision: a conflict
        expect(tab_b.get_by_text("Another tab saved this project first")).to_be_visible()
        rename(tab_b, "B, second edit")
        assert "draft=" in tab_b.url

        tab_b.reload()
        loaded(tab_b)
        expect(open_title(tab_b)).to_have_text("Saved in tab A")  # the saved version opens...
        expect(tab_b.get_by_text(OFFER)).to_be_visible()  # ...and B's edits are offered back
        tab_b.get_by_role("button", name="Restore my unsaved edits as a copy").click()
        expect(open_title(tab_b)).to_have_text("B, second edit (copy)")
        settled(tab_b)
        expect(tab_b.get_by_text(OFFER)).to_have_count(0)
        assert "draft=" not in tab_b.url and project_id not in tab_b.url

        with workspace() as ws:
            assert ws.latest(project_id).project.title == "Saved in tab A"  # A's work stands
            copy_id = re.search(r"project=([0-9a-f]{16})", tab_b.url).group(1)
            assert ws.latest(copy_id).project.title == "B, second edit (copy)"
