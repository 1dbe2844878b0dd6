"""The one rule for unique names and the one for node ids (editor.model.names)."""

from hypothesis import given, strategies as st

from editor.model import names


def test_a_taken_name_gets_keras_suffixes():
    assert names.unique("dense", set()) == "dense"
    assert names.unique("dense", {"dense"}) == "dense_1"
    assert names.unique("dense", {"dense", "dense_1", "dense_2"}) == "dense_3"


def test_a_limit_cuts_the_base_never_the_suffix():
    long = "m" * 70
    assert names.unique(long, set(), limit=64) == "m" * 64
    assert names.unique(long, {"m" * 64}, limit=64) == "m" * 62 + "_1"
    assert names.unique(long, {"m" * 64} | {"m" * 62 + "_1"}, limit=64) == "m" * 62 + "_2"


def test_ids_count_past_the_highest_in_use():
    assert names.numbered("n", []) == "n1"
    assert names.numbered("n", ["n1", "n7", "x9", "n"]) == "n8"
    assert names.numbered("model_", ["model_1"]) == "model_2"


@given(st.lists(st.text(max_size=12), max_size=30), st.integers(min_value=8, max_value=20))
def test_unique_never_repeats_and_keeps_the_limit(bases, limit):
    taken: set[str] = set()
    for base in bases:
        name = names.unique(base, taken, limit=limit)
        assert name not in taken and len(name) <= limit
        taken.add(name)


def test_every_allocator_uses_the_one_rule():
    """The editor's layer names, codegen identifiers, expression names and imported ids."""
    from editor.code import codegen
    from editor.model import edits
    from editor.files.config_translate import Ids
    from tests.helpers import inp, project

    graph = project(inp("n1", "x", (2,)), inp("n2", "x_1", (2,))).main
    assert edits.unique_name(graph, "x") == "x_2"
    assert edits.new_id(graph) == "n3"
    assert edits.expression_name("x", ["x"]) == "x_1"
    space = codegen.Namespace(set())
    assert [space.name("x"), space.name("x")] == ["x", "x_1"]
    ids = Ids()
    assert [ids.new("m"), ids.new("m")] == ["m", "m_1"]
