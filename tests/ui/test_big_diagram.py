"""Issue 22 #2 in the page (AppTest): a diagram too big for the browser is an image drawn
by Graphviz on the server, or one line saying why not, with the DOT to download. The
mlp template stands in for a big graph: the size limits are lowered for the test."""

from __future__ import annotations

import shutil

import pytest

from editor.building import quick_build
from editor.ui import preview_cache, previews
from tests.ui.helpers import open_app, run


@pytest.fixture
def small_is_big(monkeypatch):
    monkeypatch.setattr(quick_build, "QUICK_ABOVE", 3)
    monkeypatch.setattr(previews, "BROWSER_DIAGRAM_MAX", 4)
    preview_cache.clear_caches()
    yield
    preview_cache.clear_caches()


def draw(at):
    next(b for b in at.button if b.label == "Draw the diagram").click()
    return run(at)


def download_labels(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_a_big_diagram_is_an_image_drawn_on_the_server(small_is_big):
    at = open_app("mlp")
    assert any(c.value.startswith("5 nodes: the diagram is laid out when you ask for it") for c in at.caption)
    at = draw(at)
    images = at.get("image")
    assert len(images) == 1 and images[0].value[0].startswith("data:image/svg+xml;base64,")
    assert any(c.value == "5 nodes, drawn by Graphviz on the server (too many for the browser to lay out)."
               for c in at.caption)
    assert {"Download DOT", "Download SVG"} <= set(download_labels(at))
    assert not at.get("graphviz_chart")


def test_without_dot_it_says_why_and_offers_the_dot(small_is_big, monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot" else shutil_which(name))
    at = draw(open_app("mlp"))
    assert [w.value for w in at.warning] == [
        "The diagram was not drawn: Graphviz's dot program is not installed on the server. "
        "Download the DOT and open it with Graphviz or another DOT viewer."]
    diagram = [label for label in download_labels(at) if label in ("Download DOT", "Download SVG", "Download PNG")]
    assert diagram == ["Download DOT"]
    assert not at.get("image") and not at.get("graphviz_chart")


shutil_which = shutil.which
