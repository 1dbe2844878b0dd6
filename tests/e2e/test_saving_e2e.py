"""Saving and the address bar in headless Chromium (issue 22 items 1, 4 and 9):

- the URL names the open project as soon as the run that opened it ends, after "Open a
  project file" (several times) and after "Save mine as a copy", and a reload opens it;
- a name the project file cannot hold is refused in the inspector in one line, and the
  work is still there after a reload;
- a link to a project that is not there says what it opened instead;
- Ctrl+Z in a focused number field is the field's own undo, not a revision.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from editor.files import project_files
from editor.templates import load_template
from support.canvas import canvas_frame
from tests.e2e.conftest import quiet_tab
from tests.e2e.test_editor_e2e import MLP_256_TOTAL, field, open_template, summary_block
from tests.e2e.test_library_e2e import open_title, rename, settled, workspace

pytestmark = pytest.mark.e2e

PROJECT_ID = re.compile(r"[?&]project=([0-9a-f]{16})")


def url_project(page) -> str:
    found = PROJECT_ID.search(page.url)
    assert found, page.url
    return found.group(1)


def loaded(page) -> None:
    canvas_frame(page)
    summary_block(page).wait_for()
    settled(page)


def id_of(title: str) -> str:
    """The id of the one library project with this title."""
    with workspace() as ws:
        found = [entry.id for entry in ws.list() if entry.title == title]
    assert len(found) == 1, (title, found)
    return found[0]


def upload(page, path) -> None:
    uploader = page.locator("[data-testid='stFileUploader']", has_text="Open a project file")
    uploader.locator("input[type='file']").set_input_files(str(path))


def test_the_address_bar_names_each_uploaded_project_at_once(page, server, tmp_path):
    open_template(page, server, "mlp")
    settled(page)
    for i in range(5):
        title = f"Uploaded file {i}"
        path = tmp_path / f"upload{i}.json"
        path.write_text(project_files.dumps(load_template("mlp").model_copy(update={"title": title})))
        upload(page, path)
        expect(open_title(page)).to_have_text(title)
        settled(page)
        assert url_project(page) == id_of(title), f"upload {i}: {page.url}"
        if i % 2:
            page.reload()
            loaded(page)
            expect(open_title(page)).to_have_text(title)
            assert url_project(page) == id_of(title)


def test_save_mine_as_a_copy_puts_the_copy_in_the_address_bar(chromium, server):
    with quiet_tab(chromium) as tab_a, quiet_tab(chromium) as tab_b:
        open_template(tab_a, server, "mlp")
        rename(tab_a, "Saved twice, by two tabs")
        tab_b.goto(tab_a.url)
        loaded(tab_b)
        rename(tab_a, "Kept by tab A")
        rename(tab_b, "Copy kept by tab B")  # B starts from the older revision: a conflict
        expect(tab_b.get_by_text("Another tab saved this project first")).to_be_visible()
        tab_b.get_by_role("button", name="Save mine as a copy").click()
        expect(open_title(tab_b)).to_have_text("Copy kept by tab B (copy)")
        settled(tab_b)
        copy_id = id_of("Copy kept by tab B (copy)")
        assert url_project(tab_b) == copy_id and "draft=" not in tab_b.url, tab_b.url
        tab_b.reload()
        loaded(tab_b)
        expect(open_title(tab_b)).to_have_text("Copy kept by tab B (copy)")
        assert url_project(tab_b) == copy_id


def pick(page, node: str) -> None:
    field(page, "picker").click()
    page.get_by_role("option", name=re.compile(rf"^{re.escape(node)} ·")).click()
    page.get_by_role("heading", name=node).wait_for()
    settled(page)


def rename_node(page, node_id: str, name: str) -> None:
    box = field(page, f"insp.main.{node_id}.name").locator("input")
    box.fill(name)
    box.press("Enter")


def test_a_name_the_file_cannot_hold_is_refused_and_the_work_survives_a_reload(page, server):
    open_template(page, server, "mlp")
    settled(page)
    pick(page, "hidden2")
    rename_node(page, "n3", "middle")
    page.get_by_role("heading", name="middle").wait_for()
    settled(page)
    rename_node(page, "n3", "a" * 200)
    refusal = page.locator("[data-testid='stAlert']", has_text="name is too long")
    expect(refusal).to_have_text("node 'middle': name is too long (200 characters; at most 128)")
    settled(page)
    body = page.locator("body").inner_text()
    assert "graphs." not in body and "not saved" not in body.lower()
    pick(page, "hidden3")
    rename_node(page, "n4", "last_hidden")  # the edits after the refusal are saved as before
    page.get_by_role("heading", name="last_hidden").wait_for()
    settled(page)
    page.reload()
    loaded(page)
    body = page.locator("body").inner_text()
    assert "middle" in body and "last_hidden" in body and "edits that were not saved" not in body
    with workspace() as ws:
        saved = ws.latest(url_project(page)).project.main
    assert [saved.node(i).name for i in ("n3", "n4")] == ["middle", "last_hidden"]


def test_a_link_to_a_missing_project_says_what_it_opened(page, server):
    open_template(page, server, "cnn")
    title = "Saved last before a broken link"
    rename(page, title)  # the project saved last, which a plain visit reopens
    latest = url_project(page)
    page.goto(f"{server}/?project=doesnotexist")
    loaded(page)
    expect(page.locator("[data-testid='stAlert']", has_text="doesnotexist")).to_have_text(
        f"cannot open project 'doesnotexist': no project 'doesnotexist' in this workspace; "
        f"opened '{title}' (the project saved last) instead")
    expect(open_title(page)).to_have_text(title)
    assert url_project(page) == latest


def test_ctrl_z_in_a_focused_number_field_is_an_undo_not_a_new_change(page, server):
    open_template(page, server, "mlp")
    settled(page)
    pick(page, "hidden1")
    units = field(page, "insp.main.n2.cfg.units").locator("input")
    units.fill("256")
    units.press("Enter")
    page.locator("pre", has_text=f"Total params: {MLP_256_TOTAL}").wait_for()
    settled(page)
    units.press("Control+z")  # the browser's own undo of the field's text...
    expect(units).to_have_value("512")
    units.press("Enter")  # ...committed: the Undo it is, so Redo brings 256 back
    page.locator("pre", has_text="Total params: 541,794").wait_for()
    settled(page)
    redo = page.get_by_role("button", name="↷ Redo")
    expect(redo).to_be_enabled()
    expect(page.get_by_role("button", name="↶ Undo")).to_be_disabled()
    with workspace() as ws:
        labels = [r.label for r in ws.revisions(url_project(page))]
    assert labels[:2] == ["undo set units of hidden1", "set units of hidden1"]
    redo.click()
    page.locator("pre", has_text=f"Total params: {MLP_256_TOTAL}").wait_for()
