"""Big real models opened collapsed, through the real page (issue 26), against the mlp template
in the same browser and run.

For ResNet50 (177 nodes) and DenseNet121 (429), imported from keras.applications with their
blocks found by name prefix, and for mlp (5 nodes, no block):

- open: the project's address loaded, to the canvas drawn and the summary shown;
- expand: a collapsed block's box clicked, then "Expand" pressed, to the canvas drawing the
  block's nodes in place of its box (none for mlp);
- edit: a layer inside that block changed in the inspector + Enter, to the summary showing
  the new model.

Figures are medians; ratios are to mlp's in the same run (the machine is shared: compare
ratios, not milliseconds), and the bare Streamlit page's round trip is printed as the floor.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -m benchmarks.bench_blocks_page [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_page_latency import (_new_page, bare_and_editor, bare_edits, editor_edits,  # noqa: E402
                                           warm_up, workspace_folder)
from benchmarks.common import report  # noqa: E402
from support import browser as served  # noqa: E402

# (application, a block to expand, a layer inside it: its id is looked up, its field, first value)
MODELS = {"ResNet50": ("conv2", "conv2_block1_1_conv", "filters", 60),
          "DenseNet121": ("conv2", "conv2_block1_1_conv", "filters", 120)}


def _projects() -> dict[str, tuple[str, str, str, str]]:
    """{label: (workspace project id, graph id, id of the block to expand, id of the layer to edit)}."""
    from editor.files.importer import import_application
    from editor.store.workspace import Workspace

    workspace = Workspace(os.environ["KGS_WORKSPACE"])
    made = {}
    try:
        for name, (block_name, layer_name, _, _) in MODELS.items():
            project = import_application(name).project
            graph = project.main
            block = next(b.id for b in graph.blocks if b.name == block_name)
            layer = next(n.id for n in graph.nodes if n.name == layer_name)
            made[name] = (workspace.create(project), graph.id, block, layer)
    finally:
        workspace.close()
    return made


def _drawn_ids(page) -> list[str]:
    from support.canvas import network_node_ids

    try:
        return network_node_ids(page)
    except Exception:  # noqa: BLE001 - the frame was being replaced: not drawn yet
        return []


def _wait_drawn(page, wanted, seconds: float = 120) -> None:
    from support.canvas import polled

    ok, ids = polled(page, lambda: _drawn_ids(page), wanted, seconds)
    if not ok:
        raise AssertionError(f"the canvas drew {ids}")


def opens(browser, url: str, times: Path, count: int) -> list[dict]:
    rows = []
    for _ in range(count + 1):  # the first one warms up
        page, probe = _new_page(browser, times)
        probe.measure(lambda: page.goto(url),
                      lambda: (page.locator("pre", has_text="Total params").first.wait_for(),
                               _wait_drawn(page, bool)))
        rows += probe.rows
        page.close()
    return rows[1:]


def expands(browser, url: str, times: Path, block: str, count: int) -> list[dict]:
    """Click the block's box until its inspector shows, then time Expand to its nodes drawn."""
    from support.canvas import click_node

    box = f"block:{block}"
    page, probe = _new_page(browser, times)
    page.goto(url)
    page.locator("pre", has_text="Total params").first.wait_for()
    for _ in range(count + 1):
        _wait_drawn(page, lambda ids: box in ids)
        expand = page.get_by_role("button", name="Expand", exact=True)
        for _ in range(5):  # a click that meets a rerun replacing the canvas is lost
            click_node(page, box)
            try:
                expand.wait_for(timeout=15_000)
                break
            except Exception:  # noqa: BLE001
                continue
        probe.measure(expand.click, lambda: _wait_drawn(page, lambda ids: ids and box not in ids))
        page.get_by_role("button", name="Collapse", exact=True).first.click()
    page.close()
    return probe.rows[1:]


def run(quick: bool = False) -> list[dict]:
    if served.chromium_path() is None:
        print("blocks page: skipped (no Chromium)")
        return []
    count = 2 if quick else 5
    folder = workspace_folder("kgs-blocks-")
    projects = _projects()
    with bare_and_editor(folder) as (browser, urls):
        return _measure(browser, urls, folder, projects, count)


def _median(rows: list[dict]) -> float:
    return statistics.median(r["wall"] for r in rows)


def _measure(browser, urls: dict, folder: Path, projects: dict, count: int) -> list[dict]:
    from editor.files.importer import import_application  # noqa: F401 - TensorFlow loaded before the clock

    times, editor = folder / "editor.times", urls["editor"]
    warm_up(browser, editor)
    bare = _median(bare_edits(browser, urls["bare"], folder / "bare.times", count))
    mlp = {"open": _median(opens(browser, f"{editor}/?template=mlp", times, count)),
           "edit": _median(editor_edits(browser, editor, times, "/?template=mlp", "n2", "units", 300, count,
                                        "hidden1"))}
    print(f"bare Streamlit page, number + Enter -> text: {bare:.1f} ms (the floor)")
    rows = [report("open mlp -> canvas and summary", mlp["open"], None, bare, "bare page"),
            report("edit -> summary, mlp", mlp["edit"], None, bare, "bare page")]
    for name, (project, graph, block, layer) in projects.items():
        _, _, field, first = MODELS[name]
        url = f"{editor}/?project={project}"
        layer_name = MODELS[name][1]
        opened = _median(opens(browser, url, times, count))
        expanded = _median(expands(browser, url, times, block, count))
        edited = _median(editor_edits(browser, editor, times, f"/?project={project}", layer, field, first, count,
                                      layer_name, graph))
        rows += [report(f"open {name} collapsed -> canvas and summary", opened, None, mlp["open"], "mlp open"),
                 report(f"expand {name} {MODELS[name][0]} -> its nodes drawn", expanded, None, bare, "bare page"),
                 report(f"edit {name} {layer_name} -> summary", edited, None, mlp["edit"], "mlp edit")]
    return rows


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
