"""Project files: round trip, and every kind of bad file refused in one line."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.files import project_files
from editor.files.project_files import ProjectError, loads
from editor.templates import load_template, template_ids
from support.randomgraphs import random_project
from tests.work import measure


@pytest.mark.parametrize("template_id", template_ids())
def test_templates_round_trip(template_id):
    p = load_template(template_id)
    assert project_files.loads(project_files.dumps(p)) == p


@pytest.mark.parametrize("seed", range(10))
def test_random_projects_round_trip(seed, tmp_path):
    p = random_project(seed=seed, size=30)
    path = tmp_path / "p.json"
    project_files.save(p, path)
    assert project_files.load(path) == p
    assert not (tmp_path / "p.json.tmp").exists()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.lists(st.one_of(st.text(max_size=10), st.integers(), st.none()), max_size=4))
def test_any_names_and_values_round_trip(name, values):
    from editor.model import edits

    p = load_template("mlp")
    graph = edits.set_param(p.main, "n2", "weird", values)
    graph = graph.model_copy(update={"name": name or "m"})
    p = p.replace_graph(graph)
    assert project_files.loads(project_files.dumps(p)) == p


def test_saved_json_starts_with_format_version():
    text = project_files.dumps(load_template("mlp"))
    assert text.startswith('{\n "format_version": 3,')


GOOD = project_files.dumps(load_template("mlp"))
MAX_CALLS = 2_000  # Python and C calls to refuse one bad file (the most here takes 59)


@pytest.mark.parametrize(
    "data, message",
    [
        (GOOD[: len(GOOD) // 2], "not valid JSON: "),
        ("[" * 100_000 + "]" * 100_000, "nesting deeper than 64 levels"),
        ('{"a": ' * 100_000, "nesting deeper than 64 levels"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text (byte 0)"),
        ("[1, 2]", "not a project: the file must hold a JSON object"),
        ('{"format_version": ' + "1" * 5000 + "}", "not usable JSON: Exceeds the limit (4300 digits)"),
        ('{"format_version": 99, "graphs": []}', "unsupported format_version 99 (this editor reads 1 to 3)"),
        ('{"graphs": []}', "unsupported format_version None"),
        ('{"format_version": 1, "graphs": []}', "invalid project: graphs needs at least 1 item"),
        (GOOD.replace('"shape": [784]', '"shape": "784"'), "invalid project: node 'input': shape: Input should be a valid tuple"),
        (GOOD.replace('"kind": "layer"', '"kind": "macro"', 1), "invalid project: node 'hidden1': kind: Input should be 'input', 'layer'"),
        (GOOD.replace('"units": 512', '"units": 512}, "extra": {"x": 1'), "invalid project: node 'hidden1': extra: Extra inputs are not permitted"),
        ('{"format_version": 1, "graphs": [{"id": "g", "name": "m", "nodes": [{"id": "n1", "kind": "input", "name": "x", "shape": [-3]}]}]}',
         "invalid project: node 'x': shape: dimension -3 must be a positive integer or None"),
    ],
)
def test_bad_files_give_one_line(data, message):
    """Refused with little work, counted, not timed: at most MAX_CALLS calls and
    16 bytes per byte of text plus 1 MB allocated at once (a check that walked the 100,000 brackets
    in Python, or parsed them first, would not be)."""
    done = measure(lambda: project_files.loads(data), memory=True)
    assert isinstance(done.error, ProjectError), repr(done.error)
    assert done.calls <= MAX_CALLS, f"{done.calls:,} calls"
    assert done.peak <= 16 * len(data) + 2**20, f"{done.peak:,} bytes at once"  # the depth check: 12
    text = str(done.error)
    assert "\n" not in text
    assert text.startswith(message)


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(" " * (5 * 1024 * 1024 + 1))
    with pytest.raises(ProjectError, match=r"big.json: file too large \(5,242,881 bytes; limit 5,242,880\)"):
        project_files.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(ProjectError, match="No such file or directory"):
        project_files.load(tmp_path / "nope.json")


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    project_files.save(load_template("mlp"), path)
    before = path.read_text()
    monkeypatch.setattr(project_files, "dumps", lambda p: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        project_files.save(load_template("mlp"), path)
    assert path.read_text() == before
    json.loads(before)


# ----------------------------------------------------------------------------- hostile numbers and ids


def _file(nodes, graphs_extra=()):
    graph = {"id": "main", "name": "m", "nodes": nodes,
             "outputs": [{"ref": {"node": nodes[-1]["id"]}}]}
    return {"format_version": 1, "graphs": [graph, *graphs_extra]}


INPUT = {"id": "n1", "kind": "input", "name": "x", "shape": [4]}
DENSE = {"id": "n2", "kind": "layer", "name": "d", "class_name": "Dense", "config": {"units": 2},
         "inputs": [{"node": "n1"}]}


@pytest.mark.parametrize("position, fragment", [
    ([1e20, 1e20], "less than or equal to 1000000"),
    ([0, -2e6], "greater than or equal to -1000000"),
])
def test_positions_out_of_bounds_are_refused_in_one_line(position, fragment):
    """A position of 1e20 once hung the server: the layout's `x += 150` no longer moved x."""
    text = json.dumps(_file([{**INPUT, "position": position}, DENSE]))
    with pytest.raises(ProjectError) as found:
        loads(text)
    message = str(found.value)
    assert message.startswith("invalid project: node 'x': position: ") and fragment in message
    assert "\n" not in message


@pytest.mark.parametrize("text, fragment", [
    ('[NaN, 0]', "NaN is not a number a project can hold"),
    ('[Infinity, 0]', "Infinity is not a number a project can hold"),
    ('[1e400, 0]', "1e400 is too large a number"),
])
def test_nan_and_infinite_numbers_are_refused(text, fragment):
    raw = json.dumps(_file([{**INPUT, "position": [0, 0]}, DENSE])).replace("[0, 0]", text)
    with pytest.raises(ProjectError, match="not usable JSON: " + re.escape(fragment)):
        loads(raw)
    config = json.dumps(_file([INPUT, {**DENSE, "config": {"units": 2, "x": 0.5}}])).replace("0.5", "NaN")
    with pytest.raises(ProjectError, match="NaN is not a number"):
        loads(config)


def test_duplicate_ids_are_refused_naming_the_nodes():
    with pytest.raises(ProjectError, match="nodes 'x' and 'd' have the same id 'n1'"):
        loads(json.dumps(_file([INPUT, {**DENSE, "id": "n1"}])))
    other = {"id": "main", "name": "other", "nodes": [INPUT], "outputs": [{"ref": {"node": "n1"}}]}
    with pytest.raises(ProjectError, match="two graphs have the id 'main'"):
        loads(json.dumps(_file([INPUT, DENSE], [other])))


def test_a_byte_order_mark_is_accepted():
    data = "\ufeff" + json.dumps(_file([INPUT, DENSE]))
    assert loads(data.encode("utf-8")).main.node("n2").name == "d"


def test_layout_is_finite_for_crowded_nodes_at_the_limit():
    from editor.canvas import placement
    from editor.model.graph import POSITION_LIMIT, Graph, Node, Ref

    nodes = [Node(id="a", kind="input", name="a", shape=(4,), position=(POSITION_LIMIT, POSITION_LIMIT))]
    nodes += [Node(id=f"b{i}", kind="layer", name=f"b{i}", class_name="Dense", inputs=(Ref(node="a"),))
              for i in range(300)]  # all want the same spot, one row below
    placed = placement.layout(Graph(id="g", name="g", nodes=tuple(nodes)))
    xs = sorted(placed[f"b{i}"][0] for i in range(300))
    assert len(set(xs)) == 300 and xs[0] == POSITION_LIMIT and xs[-1] == POSITION_LIMIT + 299 * 150


def test_version_1_files_are_migrated_keeping_their_meaning():
    """Version 2 gives a layer node's input_names a meaning (its call arguments); in version
    1 they meant nothing there, so the migration drops them and keeps a loss node's."""
    old = {"format_version": 1, "graphs": [{"id": "g", "name": "m", "nodes": [
        {"id": "n1", "kind": "input", "name": "x", "shape": [4]},
        {"id": "n2", "kind": "layer", "name": "d", "class_name": "Dense", "config": {"units": 2},
         "inputs": [{"node": "n1"}], "input_names": ["mask"]},
        {"id": "n3", "kind": "loss", "name": "l", "inputs": [{"node": "n2"}], "input_names": ["p"], "expression": "mean(p)"}],
        "outputs": [{"ref": {"node": "n2"}}]}]}
    project = loads(json.dumps(old))
    assert project.format_version == 3
    assert project.main.node("n2").input_names == () and project.main.node("n3").input_names == ("p",)
    assert json.loads(project_files.dumps(project))["format_version"] == 3


def test_old_files_lose_the_stale_config_copy_of_a_sharing_node():
    """Files written before sharing nodes held no config kept a copy of the owner's, which
    went stale when the owner changed: on load it is dropped, the owner's config is the layer's."""
    data = json.loads(project_files.dumps(load_template("shared_embedding")))
    node = next(n for n in data["graphs"][0]["nodes"] if n.get("shares"))
    node["config"] = {"input_dim": 3, "output_dim": 2}  # a stale copy
    loaded = project_files.loads(json.dumps(data))
    assert loaded == load_template("shared_embedding")
    assert loaded.main.node(node["id"]).config == {}
