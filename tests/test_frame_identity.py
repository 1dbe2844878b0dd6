"""The canvas keeps its frame only when a drawing changes what nodes say, never where they are."""

from __future__ import annotations

import copy
import json

from editor.canvas import drawing
from editor.canvas.frame_identity import frame_key, geometry
from editor.model import edits
from editor.templates import load_template

CONFIG = json.dumps({"height": 600, "physics": False})


def key(data, config=CONFIG, frame=0):
    return frame_key(geometry(data.nodes, data.edges, config), frame)


def mlp_drawing(graph=None, **kwargs):
    return drawing.canvas_data(graph or load_template("mlp").main, [], **kwargs)


def test_a_change_of_what_a_node_says_keeps_the_frame():
    graph = load_template("mlp").main
    renamed = edits.rename(graph, "n2", "first_hidden")
    assert mlp_drawing(graph).nodes != mlp_drawing(renamed).nodes  # the label did change
    assert key(mlp_drawing(graph)) == key(mlp_drawing(renamed))


def test_a_moved_node_a_new_node_or_a_new_view_gets_a_new_frame():
    data = mlp_drawing()
    moved = copy.deepcopy(data)
    moved.nodes[1]["y"] += 10
    fewer = drawing.CanvasData(data.nodes[:-1], data.edges[:-1])
    assert len({key(data), key(moved), key(fewer), key(data, json.dumps({"height": 700}))}) == 4


def test_a_field_a_node_gains_or_loses_gets_a_new_frame():
    """vis-data's in-place update would keep a field the new drawing no longer has."""
    data = mlp_drawing()
    more = copy.deepcopy(data)
    more.nodes[1]["title"] = "a tooltip"
    less = copy.deepcopy(data)
    less.nodes[1]["color"].pop("hover")
    assert len({key(data), key(more), key(less)}) == 3


def test_the_highlight_of_a_selection_keeps_the_frame_and_a_new_frame_number_renews_it():
    data, highlighted = mlp_drawing(), mlp_drawing(selected="n2")
    assert data.nodes != highlighted.nodes  # the border did change
    assert key(data) == key(highlighted) != key(highlighted, CONFIG, 1)
