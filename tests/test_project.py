"""Project files: round trip, and every kind of bad file refused in one line."""

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor import project as files
from editor.project import ProjectError
from editor.templates import load_template, template_ids
from tests.randomgraphs import random_project


@pytest.mark.parametrize("template_id", template_ids())
def test_templates_round_trip(template_id):
    p = load_template(template_id)
    assert files.loads(files.dumps(p)) == p


@pytest.mark.parametrize("seed", range(10))
def test_random_projects_round_trip(seed, tmp_path):
    p = random_project(seed=seed, size=30)
    path = tmp_path / "p.json"
    files.save(p, path)
    assert files.load(path) == p
    assert not (tmp_path / "p.json.tmp").exists()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.lists(st.one_of(st.text(max_size=10), st.integers(), st.none()), max_size=4))
def test_any_names_and_values_round_trip(name, values):
    from editor import edits

    p = load_template("mlp")
    graph = edits.set_param(p.main, "n2", "weird", values)
    graph = graph.model_copy(update={"name": name or "m"})
    p = p.replace_graph(graph)
    assert files.loads(files.dumps(p)) == p


def test_saved_json_starts_with_format_version():
    text = files.dumps(load_template("mlp"))
    assert text.startswith('{\n "format_version": 1,')


GOOD = files.dumps(load_template("mlp"))


@pytest.mark.parametrize(
    "data, message",
    [
        (GOOD[: len(GOOD) // 2], "not valid JSON: "),
        ("[" * 100_000 + "]" * 100_000, "nesting deeper than 64 levels"),
        ('{"a": ' * 100_000, "nesting deeper than 64 levels"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text (byte 0)"),
        ("[1, 2]", "not a project: the file must hold a JSON object"),
        ('{"format_version": ' + "1" * 5000 + "}", "not usable JSON: Exceeds the limit (4300 digits)"),
        ('{"format_version": 99, "graphs": []}', "unsupported format_version 99 (this editor reads 1)"),
        ('{"graphs": []}', "unsupported format_version None"),
        ('{"format_version": 1, "graphs": []}', "invalid project at graphs: Tuple should have at least 1 item"),
        (GOOD.replace('"shape": [784]', '"shape": "784"'), "invalid project at graphs.0.nodes.0.shape"),
        (GOOD.replace('"kind": "layer"', '"kind": "macro"', 1), "invalid project at graphs.0.nodes.1.kind"),
        (GOOD.replace('"units": 512', '"units": 512}, "extra": {"x": 1'), "invalid project at graphs.0.nodes.1.extra: Extra inputs are not permitted"),
        ('{"format_version": 1, "graphs": [{"id": "g", "name": "m", "nodes": [{"id": "n1", "kind": "input", "name": "x", "shape": [-3]}]}]}',
         "invalid project at graphs.0.nodes.0.shape: Value error, dimension -3 must be a positive integer or None"),
    ],
)
def test_bad_files_give_one_line(data, message):
    start = time.perf_counter()
    with pytest.raises(ProjectError) as info:
        files.loads(data)
    assert time.perf_counter() - start < 1
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(message)


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(" " * (5 * 1024 * 1024 + 1))
    with pytest.raises(ProjectError, match=r"big.json: file too large \(5,242,881 bytes; limit 5,242,880\)"):
        files.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(ProjectError, match="No such file or directory"):
        files.load(tmp_path / "nope.json")


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    files.save(load_template("mlp"), path)
    before = path.read_text()
    monkeypatch.setattr(files, "dumps", lambda p: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        files.save(load_template("mlp"), path)
    assert path.read_text() == before
    json.loads(before)
