"""Python code in (issue 14): code read without running it becomes the project it builds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.code import codegen
from editor.model import expr
from editor.code.code_import import import_code
from editor.code.code_values import rename_leaves
from editor.model.graph import Project
from editor.templates import load_template, template_ids
from support.randomgraphs import random_project


def shape_of(project: Project) -> dict:
    """A project as names see it (ids are the importer's): nodes, wiring, outputs, compile.
    What exported code cannot carry is left out: a loss weight on an output without a loss,
    metrics of a model without any loss (both meaningless to compile())."""
    graph_names = {g.id: g.name for g in project.graphs}

    def node(graph, n):
        name_of = {m.id: m.name for m in graph.nodes}
        # K.mean(...) is mean(...); an input's name in its node's expression is the node's own
        # business (exported code may rename a tensor called `keras`): compared by position
        expression = None
        if n.expression:
            positional = {name: f"input{i}" for i, name in enumerate(n.input_names)}
            expression = expr.normalise(rename_leaves(expr.parse(n.expression, n.input_names), positional))
        name = n.name
        return {"kind": n.kind, "name": name, "class_name": n.class_name,
                "config": {} if n.shares else n.config,  # a shared call's own config is never read
                "shape": n.shape, "dtype": n.dtype, "expression": expression, "input_names": len(n.input_names),
                "weight": n.weight, "inputs": [(name_of[r.node], r.output) for r in n.inputs],
                "shares": name_of.get(n.shares), "graph": graph_names.get(n.graph)}

    graphs = []
    for graph in project.graphs:
        name_of = {m.id: m.name for m in graph.nodes}
        graphs.append({"name": graph.name, "nodes": [node(graph, n) for n in graph.nodes],
                       "outputs": [(name_of[o.ref.node], o.ref.output, o.loss, o.loss_weight if o.loss else None,
                                    o.metrics if any(p.loss for p in graph.outputs) else ())
                                   for o in graph.outputs]})
    return {"graphs": graphs, "training": project.training.model_dump()}


@pytest.mark.parametrize("template_id", template_ids())
def test_exported_code_imports_back_to_the_same_project(template_id):
    project = load_template(template_id)
    result = import_code(codegen.generate(project))
    assert result.skipped == ()
    assert shape_of(result.project) == shape_of(project)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(3, 40), st.booleans())
def test_random_projects_are_a_fixed_point_of_export_then_import(seed, size, nested):
    """Hypothesis-made graphs (shared layers, merges, nested models, multi-output calls):
    export-code then import gives the same project back."""
    project = random_project(seed, size, nested=nested)
    result = import_code(codegen.generate(project))
    assert result.skipped == ()
    assert shape_of(result.project) == shape_of(project)
    again = import_code(codegen.generate(result.project))
    assert again.project == result.project


@pytest.mark.slow
@pytest.mark.parametrize("name", ["MobileNetV2", "MobileNetV3Small"])
def test_imported_applications_are_a_fixed_point_of_export_then_import(name):
    from editor.files.importer import import_application

    project = import_application(name).project
    result = import_code(codegen.generate(project))
    assert result.skipped == ()
    assert shape_of(result.project) == shape_of(project)


def test_layer_class_aliases_are_the_names_keras_saves():
    from editor.building import catalog
    from editor.code.code_calls import CLASS_ALIASES

    assert all(catalog.canonical_name(alias) == name for alias, name in CLASS_ALIASES.items())


def test_nothing_is_refused_for_a_layer_shared_by_two_models():
    """A layer called in two models (Keras allows it): each graph gets its own copy, noted."""
    code = """
import keras
from keras import layers
inp, inp2 = keras.Input((3,), name="i"), keras.Input((3,), name="j")
d = layers.Dense(4, name="d")
a = keras.Model(inp, d(inp), name="a")
model = keras.Model(inp2, d(inp2), name="b")
"""
    result = import_code(code, model="model")
    nodes = result.project.main.nodes
    assert [(n.name, n.class_name, n.config, n.shares) for n in nodes] == [
        ("j", None, {}, None), ("d_call", "Dense", {"units": 4}, None)]
    assert result.notes == ("layer 'd' is called in two models: each has its own copy here",)
