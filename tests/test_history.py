"""editor.model.history: an immutable undo/redo stack of Project values."""

import pytest

from editor.model import edits
from editor.model.history import History
from editor.templates import load_template


def test_push_undo_redo():
    h = History.start(1, "start")
    h = h.push(2, "two").push(3, "three")
    assert h.value == 3 and h.undo_label == "three" and not h.can_redo
    h = h.undo()
    assert h.value == 2 and h.redo_label == "three" and h.undo_label == "two"
    h = h.undo()
    assert h.value == 1 and not h.can_undo and h.undo_label is None
    assert h.undo() == h  # nothing more to undo
    h = h.redo().redo()
    assert h.value == 3 and h.redo() == h


def test_push_after_undo_drops_the_redo_branch():
    h = History.start("a").push("b").push("c").undo().push("d")
    assert h.value == "d" and not h.can_redo
    assert h.undo().value == "b"


def test_pushing_the_same_value_records_nothing():
    h = History.start("a").push("b")
    assert h.push("b") is h


def test_keeps_at_least_fifty_steps_and_forgets_beyond_the_limit():
    h = History.start(0)
    for i in range(1, 151):
        h = h.push(i)
    assert h.limit >= 50
    steps = 0
    while h.can_undo:
        h = h.undo()
        steps += 1
    assert steps == h.limit == 100
    assert h.value == 50
    small = History.start(0, limit=3)
    for i in range(1, 10):
        small = small.push(i)
    assert len(small) == 4 and small.undo().undo().undo().value == 6


def test_is_immutable_and_counts_revisions():
    h = History.start("a")
    h2 = h.push("b")
    assert h.value == "a" and h2.value == "b"
    assert h2.revision == 1 and h2.undo().revision == 2
    with pytest.raises(AttributeError):
        h.present = None  # frozen dataclass
    with pytest.raises(ValueError):
        History.start("a", limit=0)


def test_holds_projects_and_compares_them_by_value():
    project = load_template("mlp")
    changed = project.replace_graph(edits.set_param(project.main, "n2", "units", 256))
    h = History.start(project).push(changed, "set units of hidden1")
    assert h.push(load_template("mlp").replace_graph(changed.main)) is h
    assert h.undo().value == project
    assert h.undo_label == "set units of hidden1"


def recorded(history_steps):
    """What the editor saves: one (value, label) per change, undo and redo included."""
    h = History.start("a", "open")
    saved = [(h.value, "open")]
    for action, value, label in history_steps:
        if action == "push":
            h = h.push(value, label)
            saved.append((value, label))
        else:
            entry = h.undo_entry if action == "undo" else h.redo_entry
            h = h.undo() if action == "undo" else h.redo()
            saved.append((h.value, entry))
    return h, saved


def test_replay_of_saved_steps_gives_the_same_undo_and_redo():
    h, saved = recorded([("push", "b", "set b"), ("push", "c", "set c"), ("undo", None, None),
                         ("undo", None, None), ("redo", None, None)])
    assert [label for _, label in saved][-3:] == ["undo set c", "undo set b", "redo set b"]
    again = History.replay(saved)
    assert (again.present, again.past, again.future) == (h.present, h.past, h.future)
    assert again.undo_label == "set b" and again.redo_label == "set c"


def test_replay_treats_a_step_that_is_not_what_undo_gives_as_a_change():
    again = History.replay([("a", "open"), ("b", "set b"), ("x", "undo set b")])  # saved by someone else
    assert again.value == "x" and again.undo_label == "undo set b" and not again.can_redo
    assert again.undo().value == "b"


def test_replay_keeps_the_limit_and_needs_a_step():
    again = History.replay([(i, f"set {i}") for i in range(10)], limit=3)
    assert again.value == 9 and len(again.past) == 3
    with pytest.raises(ValueError):
        History.replay([])


def test_the_same_change_bringing_back_the_value_before_it_takes_the_last_change_back():
    """Ctrl+Z in a focused field undoes its text in the browser, and the page commits that
    as an edit: the editor records it as the Undo it is."""
    h = History.start(512, "start").push(256, "set units of hidden1")
    assert h.takes_back(512, "set units of hidden1")
    assert not h.takes_back(512, "set units of hidden2")  # another field: a change of its own
    assert not h.takes_back(128, "set units of hidden1")  # not the value before it
    assert not History.start(512, "start").takes_back(512, "start")  # nothing to take back
