"""Issue 22 #2: a big diagram is drawn by Graphviz's `dot` on the server, bounded in time
and memory, and every way it can fail is one line (no hang, no traceback)."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from editor.ui import preview_cache

SMALL = 'digraph G {\ndpi=200;\na -> b;\n}\n'


def fake_dot(tmp_path, monkeypatch, script: str) -> None:
    """Put a `dot` program running `script` (sh) first on the PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "dot"
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    preview_cache.clear_caches()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_the_page_image_is_svg_at_screen_size():
    preview_cache.clear_caches()
    svg, why = preview_cache.page_svg(SMALL, ("digest", "main"))
    assert why == "" and "<svg" in svg and 'width="' in svg
    print_size = preview_cache.render_dot(SMALL, "svg").decode()
    assert _width_pt(print_size) > 2 * _width_pt(svg)  # the page's is at 72 dpi, Keras's DOT asks for 200


def _width_pt(svg: str) -> float:
    import re

    return float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))


def test_a_dot_that_hangs_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, "exec sleep 60")
    with pytest.raises(preview_cache.DiagramNotDrawn, match=r"^Graphviz took longer than 1 s to lay it out$"):
        preview_cache.render_dot(SMALL, "svg", timeout=1)


def test_dot_runs_under_the_memory_limit(tmp_path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, 'cat >/dev/null; echo "<svg>$(ulimit -v)</svg>"')
    assert preview_cache.render_dot(SMALL, "svg", memory_bytes=300 * 1024**2) == f"<svg>{300 * 1024}</svg>\n".encode()


def test_dot_out_of_memory_says_so(tmp_path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, 'cat >/dev/null; echo "Error: out of memory" >&2; exit 1')
    with pytest.raises(preview_cache.DiagramNotDrawn, match=r"^Graphviz needed more than 2 GB of memory to lay it out$"):
        preview_cache.render_dot(SMALL, "svg")


def test_a_dot_failure_is_one_line_and_remembered(tmp_path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, 'cat >/dev/null; echo "syntax error in line 1\nnear x" >&2; '
                                    f'echo ran >> "{tmp_path}/runs"; exit 1')
    first = preview_cache.page_svg(SMALL, ("d", "main"))
    assert first == ("", "Graphviz failed: syntax error in line 1 near x")
    assert preview_cache.page_svg(SMALL, ("d", "main")) == first
    assert (tmp_path / "runs").read_text() == "ran\n"  # not run again on the next rerun


def test_no_dot_program_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    preview_cache.clear_caches()
    assert preview_cache.page_svg(SMALL, ("e", "main")) == ("", "Graphviz's dot program is not installed on the server")
