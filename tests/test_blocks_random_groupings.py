"""Blocks are an editor grouping (issue 26): whatever nodes a person groups, nests or ungroups,
the built model and the exported code's model are the model without blocks. Hypothesis draws
groupings of a few templates' nodes (ones blocks.group refuses are skipped, as the page
refuses them in one line) and compares the models' layers and parameter counts; and the
exported code, imported, gives back every block."""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.building.build import build_project
from editor.code.code_import import import_code
from editor.code.codegen import generate
from editor.model import blocks
from editor.model.blocks import BlockError
from editor.model.graph import Project, topological_order
from editor.templates import load_template
from tests.test_blocks import residual_chain
from tests.test_code_import_blocks import block_signature
from tests.test_codegen import load_generated
from tests.test_codegen_blocks import flat

PROJECTS = {
    "headline_multi_io": load_template("headline_multi_io"),
    "unet": load_template("unet"),
    "shared_embedding": load_template("shared_embedding"),
    "residual": Project(graphs=(residual_chain((8, 8, 4)),)),
}

# One step: group the nodes at these positions (of the main graph's nodes), or ungroup the
# block at this position (of its blocks).
# Or group a run of nodes one after another in the call plan (what a helper call makes).
STEP = st.one_of(st.tuples(st.just("group"), st.lists(st.integers(0, 200), min_size=2, max_size=8, unique=True)),
                 st.tuples(st.just("run"), st.tuples(st.integers(0, 200), st.integers(2, 12))),
                 st.tuples(st.just("ungroup"), st.integers(0, 20)))


def grouped(project: Project, steps) -> Project:
    graph = project.main
    for number, (what, where) in enumerate(steps):
        try:
            if what in ("group", "run"):
                if what == "group":
                    ids = [graph.nodes[i % len(graph.nodes)].id for i in where]
                else:
                    order = topological_order(graph)
                    start = where[0] % len(order)
                    ids = order[start:start + where[1]]
                graph, _ = blocks.group(graph, ids, f"block_{number}", kind="drawn")
            elif graph.blocks:
                graph = blocks.ungroup(graph, graph.blocks[where % len(graph.blocks)].id)
        except BlockError:
            continue  # refused in one line on the page; the graph is unchanged
    return project.model_copy(update={"graphs": (graph, *project.graphs[1:])})


def _layers(model) -> list[tuple[str, str, int]]:
    return sorted((layer.name, type(layer).__name__, layer.count_params()) for layer in model.layers)


def _exported(project: Project):
    keras.backend.clear_session()
    with tempfile.TemporaryDirectory() as folder:
        return load_generated(generate(project), Path(folder)).build_model()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(PROJECTS)), steps=st.lists(STEP, min_size=1, max_size=6))
def test_random_groupings_never_change_the_built_or_exported_model(name, steps):
    project = PROJECTS[name]
    with_blocks = grouped(project, steps)
    assert blocks.pruned(with_blocks.main) == with_blocks.main  # no empty block is left behind
    built, plain = build_project(with_blocks, weights=False), build_project(flat(project), weights=False)
    assert built.ok and plain.ok
    assert _layers(built.model) == _layers(plain.model)
    assert built.model.count_params() == plain.model.count_params()
    exported, exported_flat = _exported(with_blocks), _exported(flat(project))
    assert _layers(exported) == _layers(exported_flat)
    assert exported.count_params() == plain.model.count_params()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(PROJECTS)), steps=st.lists(STEP, min_size=1, max_size=6))
def test_exported_code_imports_back_every_block(name, steps):
    """Blocks written as calls come back from their calls, the others from the comments that
    mark them: the same names, kinds, nesting and nodes."""
    with_blocks = grouped(PROJECTS[name], steps)
    again = import_code(generate(with_blocks)).project.main
    assert block_signature(again) == block_signature(with_blocks.main)
    assert [(n.name, n.config) for n in again.nodes] == [(n.name, n.config) for n in with_blocks.main.nodes]
