"""Python code in (issue 14): code read without running it becomes the project it builds."""

from __future__ import annotations

import pytest

from editor import codegen, expr
from editor.code_import import CodeRefused, import_code
from editor.graph import Project
from editor.templates import load_template, template_ids


def shape_of(project: Project) -> dict:
    """A project as names see it (ids are the importer's): nodes, wiring, outputs, compile."""
    graph_names = {g.id: g.name for g in project.graphs}

    def node(graph, n):
        name_of = {m.id: m.name for m in graph.nodes}
        expression = expr.check(n.expression, n.input_names) if n.expression else None  # K.mean(...) is mean(...)
        return {"kind": n.kind, "name": n.name, "class_name": n.class_name, "config": n.config,
                "shape": n.shape, "dtype": n.dtype, "expression": expression, "input_names": n.input_names,
                "weight": n.weight, "inputs": [(name_of[r.node], r.output) for r in n.inputs],
                "shares": name_of.get(n.shares), "graph": graph_names.get(n.graph)}

    graphs = []
    for graph in project.graphs:
        name_of = {m.id: m.name for m in graph.nodes}
        graphs.append({"name": graph.name, "nodes": [node(graph, n) for n in graph.nodes],
                       "outputs": [(name_of[o.ref.node], o.ref.output, o.loss, o.loss_weight, o.metrics)
                                   for o in graph.outputs]})
    return {"graphs": graphs, "training": project.training.model_dump()}


@pytest.mark.parametrize("template_id", template_ids())
def test_exported_code_imports_back_to_the_same_project(template_id):
    project = load_template(template_id)
    result = import_code(codegen.generate(project))
    assert result.skipped == ()
    assert shape_of(result.project) == shape_of(project)
