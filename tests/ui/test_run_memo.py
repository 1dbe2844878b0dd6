"""Issue 25: a run that changed nothing the canvas is drawn from reuses the last run's
drawing (no work, byte-identical component arguments); a change draws it again."""

from editor.canvas import drawing
from editor.ui import run_memo
from tests.ui.helpers import open_app, run, select


def test_the_canvas_is_worked_out_again_only_when_what_it_shows_changed(monkeypatch):
    at = open_app("mlp")
    run(at)  # the start-up run and its rerun are done: the drawing is the steady one
    calls = []
    real = drawing.canvas_data
    monkeypatch.setattr(drawing, "canvas_data", lambda *a, **k: calls.append(1) or real(*a, **k))
    run(at)
    run(at)
    assert calls == []  # nothing changed: the last drawing is reused
    select(at, "n2")
    assert len(calls) == 1  # the highlight moved
    at.selectbox(key="cost.mode").select("params")
    run(at)
    assert len(calls) == 2  # coloured by parameters now


def test_reuse_compares_objects_by_identity_and_plain_values_by_value(monkeypatch):
    store = {}
    monkeypatch.setattr(run_memo.st, "session_state", store)
    made = []
    graph, other = object(), object()
    make = lambda: made.append(1) or len(made)  # noqa: E731
    assert run_memo.reuse("x", (graph, "n2", 1), make) == 1
    assert run_memo.reuse("x", (graph, "n2", 1), make) == 1
    assert run_memo.reuse("x", (other, "n2", 1), make) == 2  # another object, even an equal one
    assert run_memo.reuse("x", (other, "n2", True), make) == 3  # True is not 1 here
    assert run_memo.reuse("x", (other, "n3", True), make) == 4
    assert run_memo.reuse("x", ([1], "n3", True), make) == 5
    assert run_memo.reuse("x", ([1], "n3", True), make) == 6  # a list made anew is not the same list
    assert run_memo.reuse("y", (frozenset({"b1"}), ("a", 1)), make) == 7
    assert run_memo.reuse("y", (frozenset({"b1"}), ("a", 1)), make) == 7  # sets and tuples of plain values: by value
    assert run_memo.reuse("y", (frozenset({"b1", "b2"}), ("a", 1)), make) == 8
    assert run_memo.reuse("y", (frozenset({"b1", "b2"}), ("a", graph)), make) == 9  # an object inside: never equal
