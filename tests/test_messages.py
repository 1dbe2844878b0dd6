"""Every message the editor shows about a graph names nodes by their names: never a bare
node id (n10) or a Python exception name, whatever sequence of edits led there.

The journey that found it ("a cycle is reported as an internal id"): wiring
dense_2 back into dense on headline_multi_io made the build raise KeyError('n10'), so
the page said "the build failed: 'n10'" and `validate` printed "error: n10".
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.canvas import clicks
from editor.model import edits
from editor.model.graph import Graph, Project, Ref
from editor.model.problems import distinct, errors
from editor.templates import load_template
from editor.model.validate import check_project
from tests.test_cli import run

EXCEPTION_NAMES = re.compile(r"\b(\w+Error|Exception|Traceback|KeyError)\b")


def wired_into_itself() -> Project:
    """headline_multi_io with dense_2 wired back into dense, as a person does on the canvas."""
    project = load_template("headline_multi_io")
    graph = project.main
    ids = {n.name: n.id for n in graph.nodes}
    edit = clicks.CanvasEdit("connect", ids["dense_2"], ids["dense"])
    return project.replace_graph(clicks.apply_edit(graph, edit))


CYCLE = "cycle: dense → dense_1 → dense_2 → dense"


def bare_ids(message: str, graph: Graph) -> set[str]:
    """Node ids that appear in `message` as words although no node is named so."""
    names = {n.name for n in graph.nodes}
    words = set(re.findall(r"[\w.]+", message))
    return {n.id for n in graph.nodes if n.id in words and n.id not in names}


def assert_readable(messages, graph: Graph) -> None:
    for message in messages:
        assert not bare_ids(message, graph), message
        assert not EXCEPTION_NAMES.search(message), message
        assert "\n" not in message, message


def test_a_wire_that_closes_a_cycle_is_one_problem_pinned_to_the_nodes_on_it():
    from editor.building.build import build_project

    project = wired_into_itself()
    result = build_project(project, weights=False)
    assert result.model is None
    found = errors(result.problems)
    assert [p.message for p in distinct(found)] == [CYCLE]
    names = {project.main.node(p.node).name for p in found}
    assert names == {"dense", "dense_1", "dense_2"}  # each turns red on the canvas
    assert_readable([p.message for p in result.problems], project.main)


def test_wiring_into_a_one_tensor_layer_replaces_its_input():
    project = wired_into_itself()
    dense = next(n for n in project.main.nodes if n.name == "dense")
    dense_2 = next(n for n in project.main.nodes if n.name == "dense_2")
    assert dense.inputs == (Ref(node=dense_2.id),)


def test_validate_and_summary_on_the_saved_project_name_the_cycle(tmp_path):
    from editor.files import project_files

    path = tmp_path / "cycle.json"
    path.write_text(project_files.dumps(wired_into_itself()))
    result = run("validate", str(path))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [  # each problem once, in the nodes' names
        f"cycle: error: {CYCLE}",
        "cycle: warning: input 'aux_input' does not feed any output",  # concatenate lost its consumer
        "cycle: warning: node 'concatenate' does not feed any output",
    ], result.stdout
    summary = run("summary", str(path))
    assert summary.returncode == 2
    assert summary.stderr.strip() == f"error: cycle: {CYCLE}"


# ----------------------------------------------------------------------------- random edits

TEMPLATES = ("headline_multi_io", "mlp", "shared_input", "add_loss_labels", "unet")


def _apply(graph: Graph, step: tuple) -> Graph:
    kind, a, b = step
    ids = [n.id for n in graph.nodes]
    if not ids:
        return graph
    source, target = ids[a % len(ids)], ids[b % len(ids)]
    try:
        if kind == "wire":
            return clicks.apply_edit(graph, clicks.CanvasEdit("connect", source, target))
        if kind == "share":
            return clicks.apply_edit(graph, clicks.CanvasEdit("share", source, target))
        if kind == "remove":
            return edits.remove_node(graph, source)
        if kind == "rename":
            return edits.rename(graph, source, f"renamed_{b}")
        if kind == "unwire":
            node = graph.node(target)
            return edits.set_inputs(graph, target, node.inputs[1:]) if node.inputs else graph
    except (edits.EditError, ValueError) as err:
        message = str(err)
        assert not bare_ids(message, graph) and not EXCEPTION_NAMES.search(message), message
    return graph


def edited(template: str, steps) -> Project:
    """The template after the edit steps, as a person might have made them."""
    project = load_template(template)
    graph = project.main
    for step in steps:
        graph = _apply(graph, step)
    return project.replace_graph(graph)


STEPS = st.lists(
    st.tuples(st.sampled_from(["wire", "wire", "wire", "share", "remove", "rename", "unwire"]),
              st.integers(0, 60), st.integers(0, 60)),
    min_size=1, max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=st.sampled_from(TEMPLATES), steps=STEPS)
def test_structural_messages_after_random_edits_name_nodes(template, steps):
    project = edited(template, steps)
    assert_readable([p.message for p in check_project(project)], project.main)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=st.sampled_from(("headline_multi_io", "mlp", "shared_input")), steps=STEPS)
def test_build_messages_after_random_edits_name_nodes(template, steps):
    from editor.building.build import build_project

    project = edited(template, steps)
    result = build_project(project, weights=False)  # never raises
    assert_readable([p.message for p in result.problems], project.main)


def test_the_command_line_never_prints_control_characters_from_a_file(tmp_path):
    """A node name with a terminal escape and a line break: shown escaped, one line each,
    so it can neither recolour the terminal nor forge an extra `error:` line."""
    from editor.files import project_files

    project = load_template("mlp")
    hostile = "\x1b]0;pwned\x07red\x1b[31m\nerror: forged"
    project = project.replace_graph(edits.rename(project.main, "n2", "hidden1").model_copy(update={
        "nodes": tuple(n.model_copy(update={"name": hostile}) if n.id == "n2" else n for n in project.main.nodes)}))
    path = tmp_path / "hostile.json"
    path.write_text(project_files.dumps(project))
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert not any(line.startswith("error: forged") for line in result.stdout.splitlines())
    assert "\\x1b[31m\\nerror: forged" in result.stdout
    summary = run("summary", str(path))
    assert summary.returncode == 2 and "\x1b" not in summary.stderr and len(summary.stderr.splitlines()) == 1
