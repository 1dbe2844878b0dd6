"""What changed (issue 15.2): by node identity, one line per change; the CLI's exact output."""

from __future__ import annotations

import json

import pytest

from editor.model import edits
from editor.files import project_files
from editor.diff import diff
from editor.model.graph import Ref
from editor.templates import load_template
from tests.test_cli import run


def edited_mlp():
    """mlp with hidden2 renamed 'middle' and given 100 units, a Dropout after hidden1, a
    moved node and a learning rate."""
    a = load_template("mlp")
    g = edits.rename(a.main, "n3", "middle")
    g = edits.set_param(g, "n3", "units", 100)
    g, _ = edits.insert_after(g, Ref(node="n2"), "Dropout", {"rate": 0.2})
    g = edits.set_config(g, "n4", position=(900, 900))
    return a.replace_graph(g).model_copy(update={"training": a.training.model_copy(update={"learning_rate": 0.01})})


def test_a_rename_is_one_change_and_a_move_is_none():
    found = diff(load_template("mlp"), edited_mlp())
    assert found.lines() == [
        "changed mlp/middle: name: hidden2 -> middle; units: 216 -> 100; inputs: hidden1 -> dropout",
        "added mlp/dropout: Dropout; reads hidden1",
        "compile learning_rate: None -> 0.01",
    ]
    assert not found.equal and diff(load_template("mlp"), load_template("mlp")).equal


def test_outputs_losses_keywords_and_graphs():
    a = load_template("headline_multi_io")
    outputs = list(a.main.outputs)
    outputs[1] = outputs[1].model_copy(update={"loss_weight": 0.5, "metrics": ("mae",)})
    b = a.replace_graph(a.main.model_copy(update={"outputs": tuple(outputs)}))
    b = b.replace_graph(edits.remove_node(b.main, "n5"))  # aux_input, read by the concatenation
    lines = diff(a, b).lines()
    assert "removed headline_model/aux_input" in lines
    assert "changed headline_model/concatenate: inputs: lstm_out, aux_input -> lstm_out" in lines
    assert 'output headline_model/aux_output loss_weight: 0.2 -> 0.5' in lines
    assert 'output headline_model/aux_output metrics: [] -> ["mae"]' in lines
    nested = load_template("autoencoder")
    renamed = nested.replace_graph(nested.graphs[1].model_copy(update={"name": "enc"}))
    assert diff(nested, renamed).lines()[0] == "renamed graph encoder -> enc"


def test_outputs_reordered_only_when_kept_outputs_change_order():
    a = load_template("headline_multi_io")
    swapped = a.replace_graph(a.main.model_copy(update={"outputs": tuple(reversed(a.main.outputs))}))
    assert "outputs reordered in headline_model" in diff(a, swapped).lines()
    moved = a.main.outputs[1].model_copy(update={"ref": Ref(node="n1")})  # the other output, now on another node
    replaced = a.replace_graph(a.main.model_copy(update={"outputs": (a.main.outputs[0], moved)}))
    lines = diff(a, replaced).lines()
    assert not any(line.startswith("outputs reordered") for line in lines), lines
    assert any(line.startswith("output removed:") for line in lines)


def test_diff_command_prints_changes_deltas_and_weights_and_exits_1(tmp_path):
    path = tmp_path / "b.json"
    project_files.save(edited_mlp(), path)
    result = run("diff", "mlp", str(path))
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "changed mlp/middle: name: hidden2 -> middle; units: 216 -> 100; inputs: hidden1 -> dropout\n"
        "added mlp/dropout: Dropout; reads hidden1\n"
        "compile learning_rate: None -> 0.01\n"
        "delta middle: shape (None, 216) -> (None, 100), params 110,808 -> 51,300\n"
        "delta hidden3: shape (None, 128) -> (None, 128), params 27,776 -> 12,928\n"
        "delta dropout: shape none -> (None, 512), params 0 -> 0\n"
        "params: 541,794 -> 467,438 (-74,356)\n"
        "weights that load by name: hidden1, output\n"
        "weights that do not: hidden3, middle\n")
    same = run("diff", "mlp", "mlp", "--no-build")
    assert (same.returncode, same.stdout) == (0, "no changes\n")


def test_diff_command_json_and_workspace_revisions(tmp_path, monkeypatch):
    from editor.store.workspace import Workspace

    monkeypatch.setenv("KGS_WORKSPACE", str(tmp_path / "w.sqlite3"))
    workspace = Workspace(str(tmp_path / "w.sqlite3"))
    project_id = workspace.create(load_template("mlp"))
    workspace.save(project_id, edited_mlp(), base_revision=1, label="edit")
    result = run("diff", f"workspace:{project_id}@1", f"workspace:{project_id}", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["equal"] is False and report["compile"] == ["compile learning_rate: None -> 0.01"]
    assert [(n["node"], n["status"]) for n in report["nodes"]] == [("middle", "changed"), ("dropout", "added")]
    assert report["params"] == {"a": 541_794, "b": 467_438}
    assert report["weights_load"] == ["hidden1", "output"]
    bad = run("diff", f"workspace:{project_id}@x", "mlp")
    assert bad.returncode == 2 and "the revision after @ must be a number" in bad.stderr


@pytest.mark.parametrize("target", ["not_a_template", "workspace:nope"])
def test_a_missing_side_is_one_line(target, tmp_path, monkeypatch):
    monkeypatch.setenv("KGS_WORKSPACE", str(tmp_path / "w.sqlite3"))
    result = run("diff", target, "mlp")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_removed_nodes_and_outputs_are_named_in_the_graph_they_were_in():
    """cnn -> mlp (the same graph id, renamed): what was removed is named in cnn, where it was
    (before: "removed mlp/hidden1", a node mlp has and kept)."""
    result = run("diff", "cnn", "mlp", "--no-build")
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "renamed graph cnn -> mlp\n"
        "removed cnn/hidden1\n"
        "removed cnn/output\n"
        "changed mlp/input: shape: [28, 28, 1] -> [784]\n"
        "changed mlp/hidden1: name: conv1 -> hidden1; class_name: Conv2D -> Dense; filters: 128 -> (default); "
        "kernel_size: 4 -> (default); units: (default) -> 512\n"
        "changed mlp/hidden2: name: pool1 -> hidden2; class_name: MaxPooling2D -> Dense; activation: (default) -> relu; "
        "units: (default) -> 216\n"
        "changed mlp/hidden3: name: conv2 -> hidden3; class_name: Conv2D -> Dense; filters: 64 -> (default); "
        "kernel_size: 4 -> (default); units: (default) -> 128\n"
        "changed mlp/output: name: pool2 -> output; class_name: MaxPooling2D -> Dense; activation: (default) -> softmax; "
        "units: (default) -> 10\n"
        "output removed: cnn/output\n"
        "output added: mlp/output (loss sparse_categorical_crossentropy)\n")
    found = diff(load_template("cnn"), load_template("mlp"))
    assert [(c.graph, c.graph_id, c.node, c.status) for c in found.nodes[:2]] == [
        ("cnn", "main", "hidden1", "removed"), ("cnn", "main", "output", "removed")]
