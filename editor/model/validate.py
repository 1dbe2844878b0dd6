"""Structural checks of a project, without Keras: small named functions, one job each.

Each `check_*` takes a graph (and the project when it needs other graphs) and yields
`Problem`s pinned to node ids. Shape and config errors need Keras and are found by
`editor.building.build`, which maps them to nodes the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from editor.model.graph import (ARG_CALL_CLASSES, LIST_KEYWORDS, TENSOR_KEYWORDS, Graph, Node, Project, name_problem,
                          topological_order, upstream)
from editor.model.problems import Problem

MAX_NODES = 5_000


def check_size(graph: Graph, project: Project) -> Iterator[Problem]:
    """The graph is small enough to edit and build."""
    if len(graph.nodes) > MAX_NODES:
        yield Problem(f"the graph has {len(graph.nodes)} nodes; the limit is {MAX_NODES}")


def check_unique_names(graph: Graph, project: Project) -> Iterator[Problem]:
    """Layer names are unique within a model (Keras refuses duplicates)."""
    owners: dict[str, str] = {}
    for node in graph.nodes:
        if node.kind == "layer" and node.shares:
            continue  # a shared call reuses the owner's layer and its name
        if node.name in owners:
            other = graph.node(owners[node.name])
            yield Problem(f"node '{node.name}': the name is also used by another {other.kind} node", node=node.id)
        else:
            owners[node.name] = node.id
        problem = name_problem(node.name)
        if problem:
            yield Problem(f"node '{node.name}': {problem}", node=node.id)
    problem = name_problem(graph.name, model=True)
    if problem:
        yield Problem(f"model name '{graph.name}': {problem}")


def check_references(graph: Graph, project: Project) -> Iterator[Problem]:
    """Every wire, share and output points at an existing node."""
    for node in graph.nodes:
        for ref in node.inputs:
            if graph.get(ref.node) is None:
                yield Problem(f"node '{node.name}': its input '{ref.node}' does not exist", node=node.id)
        if node.shares and graph.get(node.shares) is None:
            yield Problem(f"node '{node.name}': it shares the layer of '{node.shares}', which does not exist", node=node.id)
    for i, output in enumerate(graph.outputs):
        if graph.get(output.ref.node) is None:
            yield Problem(f"output {i + 1}: node '{output.ref.node}' does not exist")


def check_node_fields(graph: Graph, project: Project) -> Iterator[Problem]:
    """Each kind of node has what it needs (a shape, a class, a graph, an expression)."""
    for node in graph.nodes:
        where = f"{node.kind} node '{node.name}'"
        if node.kind == "input":
            if node.shape is None:
                yield Problem(f"{where} needs a shape", node=node.id)
            if node.inputs:
                yield Problem(f"{where} cannot take tensors", node=node.id)
        elif node.kind in ("layer", "application") and not node.class_name:
            yield Problem(f"{where} needs a class", node=node.id)
        elif node.kind == "model":
            if not node.graph:
                yield Problem(f"{where} needs the graph it calls", node=node.id)
            elif node.graph not in {g.id for g in project.graphs}:
                yield Problem(f"{where} calls graph '{node.graph}', which is not in the project", node=node.id)
            elif node.graph == graph.id:
                yield Problem(f"{where} calls the graph it is in", node=node.id)
        elif node.names_inputs:
            if not (node.expression or "").strip():
                yield Problem(f"{where} needs an expression", node=node.id)
            if len(node.input_names) != len(node.inputs):
                yield Problem(f"{where} has {len(node.inputs)} inputs but {len(node.input_names)} names", node=node.id)
        if node.kind != "input" and not node.inputs:
            yield Problem(f"{where} has no inputs", node=node.id)
        if not node.names_inputs and node.input_names:
            yield from _keyword_problems(node, where)


def _keyword_problems(node: Node, where: str) -> Iterator[Problem]:
    """A layer's keyword inputs: one name per input, each a known tensor keyword."""
    if len(node.input_names) != len(node.inputs):
        yield Problem(f"{where} has {len(node.inputs)} inputs but {len(node.input_names)} argument names", node=node.id)
    for keyword in node.input_names:
        if keyword and keyword not in TENSOR_KEYWORDS:
            yield Problem(f"{where}: '{keyword}' is not a tensor argument (known: {', '.join(TENSOR_KEYWORDS)})",
                          node=node.id)
    repeated = [k for k in set(node.input_names) if k and k not in LIST_KEYWORDS and node.input_names.count(k) > 1]
    if repeated:
        yield Problem(f"{where} passes two tensors as '{repeated[0]}', which takes one", node=node.id)


def check_arity(graph: Graph, project: Project) -> Iterator[Problem]:
    """Single-tensor layers take one tensor; merges at least two; attentions their ports."""
    for node in graph.nodes:
        if node.kind != "layer" or not node.inputs:
            continue
        count = node.positional_count  # keyword tensors (initial_state, mask) come on top
        if node.call_style == "single" and count > 1:
            yield Problem(f"node '{node.name}': {node.class_name} takes one tensor but {count} are wired in (use a merge layer)", node=node.id)
        elif node.is_merge and count < 2:
            yield Problem(f"node '{node.name}': {node.class_name} merges at least two tensors, it has {count}", node=node.id)
        elif node.call_style == "args":
            ports = ARG_CALL_CLASSES[node.class_name]
            if not 2 <= count <= len(ports):
                yield Problem(f"node '{node.name}': {node.class_name} takes {', '.join(ports)} (2 or 3 tensors), it has {count}", node=node.id)


def check_shares(graph: Graph, project: Project) -> Iterator[Problem]:
    """A shared call points at a layer node that owns its layer."""
    for node in graph.nodes:
        if not node.shares or graph.get(node.shares) is None:
            continue
        owner = graph.node(node.shares)
        if node.kind != "layer" or owner.kind != "layer":
            yield Problem(f"node '{node.name}': only layer nodes can share a layer", node=node.id)
        elif owner.shares:
            yield Problem(f"node '{node.name}': it shares '{owner.name}', which itself shares another layer", node=node.id)


def check_cycles(graph: Graph, project: Project) -> Iterator[Problem]:
    """The graph has no cycle (naming the nodes on it)."""
    ordered = set(topological_order(graph))
    stuck = [n for n in graph.nodes if n.id not in ordered]
    if not stuck:
        return
    cycle = _find_cycle(graph, {n.id for n in stuck})
    names = " → ".join(graph.node(i).name for i in cycle)
    for node_id in cycle[:-1]:
        yield Problem(f"cycle: {names}", node=node_id)


def _find_cycle(graph: Graph, candidates: set[str]) -> list[str]:
    """One cycle among `candidates`, as a closed path of ids (first == last)."""
    start = next(n.id for n in graph.nodes if n.id in candidates)
    path, index, node_id = [], {}, start
    while node_id not in index:
        index[node_id] = len(path)
        path.append(node_id)
        node_id = next(r.node for r in graph.node(node_id).inputs if r.node in candidates)
    cycle = path[index[node_id]:] + [node_id]
    cycle.reverse()  # producer -> consumer reads the way data flows
    return cycle


def check_outputs(graph: Graph, project: Project) -> Iterator[Problem]:
    """A model needs an output (a loss node also counts: seed 000's supervision)."""
    if not graph.model_outputs:
        yield Problem(f"model '{graph.name}' has no outputs: mark a node as an output")
    seen = set()
    for output in graph.outputs:
        if output.ref in seen:
            yield Problem(f"node '{graph.tensor_name(output.ref)}' is marked as an output twice", node=output.ref.node)
        seen.add(output.ref)
        node = graph.get(output.ref.node)
        if node is not None and node.kind == "loss":
            yield Problem(f"loss node '{node.name}' cannot be a model output; it adds to the loss by itself", node=node.id)


def check_reachable(graph: Graph, project: Project) -> Iterator[Problem]:
    """Every node hangs off an input (a node fed by nothing cannot be built)."""
    roots = {n.id for n in graph.inputs}
    reached: set[str] = set()
    for node_id in topological_order(graph):
        node = graph.node(node_id)
        if node_id in roots or (node.inputs and all(r.node in reached for r in node.inputs)):
            reached.add(node_id)
        elif node.inputs:
            yield Problem(f"node '{node.name}' is not reachable from any input", node=node_id)


def check_used(graph: Graph, project: Project) -> Iterator[Problem]:
    """Warn about inputs and layers that feed no output (seed 001 has such an input)."""
    sinks = [ref.node for ref in graph.model_outputs]
    used = upstream(graph, sinks) | {n.shares for n in graph.nodes if n.shares}
    for node in graph.nodes:
        if node.id not in used and graph.get(node.id) is not None:
            what = "input" if node.kind == "input" else "node"
            yield Problem(
                f"{what} '{node.name}' does not feed any output", node=node.id, severity="warning"
            )


def check_nested_graphs(graph: Graph, project: Project) -> Iterator[Problem]:
    """Nested models do not call each other in a circle."""
    calls = {g.id: {n.graph for n in g.nodes if n.kind == "model" and n.graph} for g in project.graphs}
    for node in graph.nodes:
        if node.kind == "model" and node.graph and node.graph != graph.id and graph.id in _reachable(calls, node.graph):
            yield Problem(f"model node '{node.name}': graph '{node.graph}' calls back into '{graph.name}'", node=node.id)


def _reachable(calls: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        graph_id = stack.pop()
        if graph_id not in seen:
            seen.add(graph_id)
            stack.extend(calls.get(graph_id, ()))
    return seen


CHECKS = (
    check_size,
    check_unique_names,
    check_references,
    check_node_fields,
    check_arity,
    check_shares,
    check_cycles,
    check_outputs,
    check_reachable,
    check_used,
    check_nested_graphs,
)


def check_graph(graph: Graph, project: Project) -> list[Problem]:
    """All problems of one graph (node ids are unique: the schema refuses a graph without)."""
    problems: list[Problem] = []
    for check in CHECKS:
        for problem in check(graph, project):
            problems.append(
                Problem(problem.message, problem.node, graph.id, problem.severity, check.__name__)
            )
    return problems


def check_project(project: Project) -> list[Problem]:
    """All structural problems of all graphs."""
    problems: list[Problem] = []
    for graph in project.graphs:
        problems.extend(check_graph(graph, project))
    return problems
