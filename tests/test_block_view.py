"""The canvas with blocks collapsed (editor.canvas.block_view through drawing.canvas_data):
one box per collapsed block, wires between what is shown, and what a box adds up."""

import pytest

from editor.canvas import block_view
from editor.canvas.drawing import canvas_data
from editor.canvas.looks import DIFF_BORDERS, ERROR_COLOURS, SELECTED_BORDER
from editor.model.block_finding import found_blocks
from editor.model.problems import Problem
from tests.test_blocks import residual_chain


def wires(data):
    return sorted((e["from"], e["to"]) for e in data.edges)


GRAPH = found_blocks(residual_chain([16, 32, 16]))  # x, stem, 3 residual blocks (b1..b3), out


def test_collapsed_blocks_are_one_box_each_with_the_wires_between_them():
    params = {"stem": 72, "h0": 144, "p0": 136, "s0": 0, "h1": 288, "p1": 264, "s1": 0}
    data = canvas_data(GRAPH, open_blocks=(), params=params, shapes={"stem": [(None, 8)], "s0": [(None, 8)]})
    assert [n["id"] for n in data.nodes] == ["x", "stem", "block:b1", "block:b2", "block:b3", "out"]
    assert wires(data) == [("block:b1", "block:b2"), ("block:b2", "block:b3"), ("block:b3", "out"),
                           ("stem", "block:b1"), ("x", "stem")]
    box = data.nodes[2]
    assert box["label"] == "sum0\nadd_block · 3 nodes\n(None, 8) → (None, 8)\n280 params"
    assert data.nodes[3]["label"].endswith("552 params")


def test_an_open_block_shows_its_nodes_and_the_wires_into_them():
    data = canvas_data(GRAPH, open_blocks=("b2",))
    ids = [n["id"] for n in data.nodes]
    assert ids == ["x", "stem", "block:b1", "h1", "p1", "s1", "block:b3", "out"]
    assert ("block:b1", "h1") in wires(data) and ("block:b1", "s1") in wires(data)
    assert canvas_data(GRAPH, open_blocks=None).nodes == canvas_data(GRAPH).nodes  # None: everything open


def test_a_box_adds_up_problems_marks_and_selection():
    problems = [Problem("units must be positive", node="p1"), Problem("a warning", node="h0", severity="warning")]
    data = canvas_data(GRAPH, problems, open_blocks=(), marks={"h1": "changed"}, selected="h0")
    boxes = {n["id"]: n for n in data.nodes}
    assert boxes["block:b2"]["color"]["background"] == ERROR_COLOURS[0]
    assert "project1: units must be positive" in boxes["block:b2"]["title"]
    assert "changed since the version compared with" in boxes["block:b2"]["title"]
    assert boxes["block:b1"]["color"]["border"] == SELECTED_BORDER and "hidden0: a warning" in boxes["block:b1"]["title"]
    assert boxes["block:b3"]["color"]["border"] not in (SELECTED_BORDER, DIFF_BORDERS["changed"])


def test_small_graphs_open_expanded_and_big_ones_collapsed():
    assert block_view.default_open(GRAPH) == {"b1", "b2", "b3"}
    big = found_blocks(residual_chain([8] * 40))  # 123 nodes
    assert len(big.nodes) > block_view.OPEN_ALL_UP_TO and block_view.default_open(big) == frozenset()
    assert len(canvas_data(big, open_blocks=block_view.default_open(big)).nodes) == 40 + 3


@pytest.mark.slow
def test_resnet50_opens_as_at_most_25_items():
    from editor.files.importer import import_application

    graph = import_application("ResNet50").project.main
    data = canvas_data(graph, open_blocks=block_view.default_open(graph))
    assert len(data.nodes) == 9 <= 25
    assert [n["id"] for n in data.nodes if n["id"].startswith("block:")] and all(
        e["from"] != e["to"] for e in data.edges)
