"""The one check of every edit and every save: the project's file opens again
(editor.files.project_files.checked: once, a 200-character node name was accepted,
and then every save failed with a schema path, twice prefixed "not saved:")."""

from __future__ import annotations

import pytest

from editor.files import project_files
from editor import templates
from editor.model.graph import Project
from editor.files.project_files import ProjectError
from editor.templates import load_template
from editor.store.workspace import Workspace, WorkspaceError


def with_node_name(project: Project, graph_id: str, node_id: str, name: str) -> Project:
    """`project` with one node renamed, unchecked (model_copy skips validation, as edits do)."""
    graph = project.graph(graph_id)
    nodes = tuple(n.model_copy(update={"name": name}) if n.id == node_id else n for n in graph.nodes)
    return project.replace_graph(graph.model_copy(update={"nodes": nodes}))


def refusal(project: Project, before: Project | None = None) -> str:
    with pytest.raises(ProjectError) as found:
        project_files.checked(project, before)
    return str(found.value)


def test_a_name_over_the_schemas_limit_is_refused_naming_the_node_as_the_person_knows_it():
    mlp = load_template("mlp")
    long = with_node_name(mlp, "main", "n2", "a" * 200)
    assert refusal(long, mlp) == "node 'hidden1': name is too long (200 characters; at most 128)"
    assert refusal(long) == f"node '{'a' * 40}…': name is too long (200 characters; at most 128)"
    assert project_files.checked(with_node_name(mlp, "main", "n2", "a" * 128), mlp)  # the limit itself is fine


def test_a_nested_models_node_and_the_project_fields_are_named_too():
    project, nested = templates.with_new_graph(load_template("mlp"))
    node_id = project.graph(nested).nodes[0].id
    old_name = project.graph(nested).nodes[0].name
    message = refusal(with_node_name(project, nested, node_id, ""), project)
    assert message == f"node '{old_name}' of model '{project.graph(nested).name}': name cannot be empty"
    assert refusal(load_template("mlp").model_copy(update={"title": "t" * 201})) == \
        "title is too long (201 characters; at most 200)"


def test_no_refusal_shows_a_schema_path():
    mlp = load_template("mlp")
    for broken in (with_node_name(mlp, "main", "n3", "b" * 129), mlp.model_copy(update={"title": "t" * 300})):
        message = refusal(broken)
        assert "graphs." not in message and "nodes." not in message and "\n" not in message


def test_a_workspace_refuses_the_same_project_in_one_line_without_repeating_itself(tmp_path):
    mlp = load_template("mlp")
    with Workspace(tmp_path / "ws.sqlite3") as ws:
        project_id = ws.create(mlp)
        with pytest.raises(WorkspaceError) as found:
            ws.save(project_id, with_node_name(mlp, "main", "n2", "a" * 200), 1)
        assert str(found.value) == (f"the project would not open again (node '{'a' * 40}…': "
                                    "name is too long (200 characters; at most 128))")
        assert ws.latest(project_id).revision == 1


def test_the_save_after_an_edits_check_reuses_its_text():
    mlp = load_template("mlp")
    assert project_files.checked(mlp) is project_files.checked(mlp)
    assert project_files.checked(mlp) == project_files.dumps(mlp)
