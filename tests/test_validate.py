"""Structural checks: each problem pinned to the node at fault, with exact messages."""

import pytest

from editor.model.graph import Node, Output, Ref
from editor.model.validate import check_project
from tests.helpers import inp, layer, project


def messages(p, severity="error"):
    return [(x.node, x.message) for x in check_project(p) if x.severity == severity]


def test_valid_graph_has_no_problems():
    p = project(inp("n1", "x", (4,)), layer("n2", "d", "Dense", "n1", units=2), outputs=["n2"])
    assert check_project(p) == []


def test_cycle_names_the_nodes_on_it():
    p = project(
        inp("n1", "x", (4,)),
        layer("n2", "a", "Dense", "n1", "n4", units=2),
        layer("n3", "b", "Dense", "n2", units=2),
        layer("n4", "c", "Dense", "n3", units=2),
        outputs=["n4"],
    )
    found = messages(p)
    cycle = [m for _, m in found if m.startswith("cycle")]
    assert cycle and cycle[0] == "cycle: a → b → c → a"
    assert {n for n, m in found if m.startswith("cycle")} == {"n2", "n3", "n4"}


def test_no_outputs():
    p = project(inp("n1", "x", (4,)), layer("n2", "d", "Dense", "n1", units=2))
    assert (None, "model 'model' has no outputs: mark a node as an output") in messages(p)


def test_unused_input_is_a_warning_not_an_error():
    p = project(inp("n1", "a", (4,)), inp("n2", "a2", (4,)), layer("n3", "d", "Dense", "n1", units=2), outputs=["n3"])
    assert messages(p) == []
    assert messages(p, "warning") == [("n2", "input 'a2' does not feed any output")]


def test_unreachable_node():
    p = project(inp("n1", "x", (4,)), layer("n2", "d", "Dense", units=2), layer("n3", "e", "Dense", "n2", units=2), outputs=["n3"])
    found = messages(p)
    assert ("n2", "layer node 'd' has no inputs") in found
    assert ("n3", "node 'e' is not reachable from any input") in found


def test_duplicate_names_and_ids():
    p = project(inp("n1", "x", (4,)), layer("n2", "x", "Dense", "n1", units=2), outputs=["n2"])
    assert ("n2", "node 'x': the name is also used by another input node") in messages(p)
    with pytest.raises(ValueError, match="nodes 'x' and 'd' have the same id 'n1'"):  # the schema's rule
        project(inp("n1", "x", (4,)), layer("n1", "d", "Dense", "n1", units=2), outputs=["n1"])


def test_arity_of_single_merge_and_attention_layers():
    p = project(
        inp("n1", "x", (4,)),
        layer("n2", "d", "Dense", "n1", "n1", units=2),
        layer("n3", "cat", "Concatenate", "n2"),
        layer("n4", "mha", "MultiHeadAttention", "n1", num_heads=2, key_dim=2),
        outputs=["n3", "n4"],
    )
    found = messages(p)
    assert ("n2", "node 'd': Dense takes one tensor but 2 are wired in (use a merge layer)") in found
    assert ("n3", "node 'cat': Concatenate merges at least two tensors, it has 1") in found
    assert ("n4", "node 'mha': MultiHeadAttention takes query, value, key (2 or 3 tensors), it has 1") in found


def test_dangling_references():
    node = layer("n2", "d", "Dense", "n9", units=2)
    p = project(inp("n1", "x", (4,)), node, outputs=[Output(ref=Ref(node="n7"))])
    found = messages(p)
    assert ("n2", "node 'd': its input 'n9' does not exist") in found
    assert (None, "output 1: node 'n7' does not exist") in found


def test_nested_graph_calling_back_is_refused():
    from editor.model.graph import Graph

    inner = Graph(
        id="inner",
        name="inner",
        nodes=(inp("i1", "z", (4,)), Node(id="i2", kind="model", name="back", graph="main", inputs=(Ref(node="i1"),))),
        outputs=(Output(ref=Ref(node="i2")),),
    )
    p = project(
        inp("n1", "x", (4,)),
        Node(id="n2", kind="model", name="call_inner", graph="inner", inputs=(Ref(node="n1"),)),
        outputs=["n2"],
        extra_graphs=(inner,),
    )
    found = messages(p)
    assert ("n2", "model node 'call_inner': graph 'inner' calls back into 'model'") in found


def test_loss_node_needs_expression_and_matching_names():
    loss = Node(id="n3", kind="loss", name="l", expression="", inputs=(Ref(node="n2"),))
    p = project(inp("n1", "x", (4,)), layer("n2", "d", "Dense", "n1", units=2), loss)
    found = messages(p)
    assert ("n3", "loss node 'l' needs an expression") in found
    assert ("n3", "loss node 'l' has 1 inputs but 0 names") in found


def test_validating_a_500_node_graph_is_fast_without_tensorflow():
    """A guard against accidental quadratic blow-ups, counted, not timed: about 60
    calls a node, and twice the nodes take about twice the calls; the times are in benchmarks/."""
    from support.randomgraphs import random_project
    from tests.work import measure

    made = {}
    for size in (500, 1000):
        p = random_project(seed=1, size=size)
        check_project(p)  # what it loads on first use, loaded before counting
        done = measure(lambda: check_project(p))
        assert done.error is None
        made[size] = done.calls
    assert made[500] <= 150 * 500 and made[1000] <= 2.5 * made[500], made


def test_names_tensorflow_refuses_are_errors_before_training_finds_them():
    """'a b' builds, then fails inside fit() with "not a valid scope name": say so up front."""
    p = project(inp("n1", "x", (4,)), layer("n2", "名字", "Dense", "n1", units=2), outputs=["n2"], name="mnist model")
    found = messages(p)
    assert ("n2", "node '名字': names may hold only letters A-Z, digits and _ . -") in found
    assert (None, "model name 'mnist model': names may hold only letters A-Z, digits and _ . -; "
                  "it must start with a letter, digit or '.'") in found


def test_a_name_the_diagram_cannot_draw_is_refused():
    """'d>x' built, but Graphviz failed on Keras's DOT label and the Diagram tab kept the
    previous picture; such names are refused where names are checked."""
    p = project(inp("n1", "x", (4,)), layer("n2", "d>x", "Dense", "n1", units=2), outputs=["n2"])
    assert ("n2", "node 'd>x': names may hold only letters A-Z, digits and _ . -") in messages(p)


def test_an_output_marked_twice_is_named_by_its_node_not_its_id():
    p = project(inp("n1", "x", (3,)), layer("n2", "lstm", "LSTM", "n1", units=2, return_state=True),
                outputs=[Output(ref=Ref(node="n2", output=1)), Output(ref=Ref(node="n2", output=1))])
    messages = [problem.message for problem in check_project(p)]
    assert "node 'lstm (output 1)' is marked as an output twice" in messages
