"""Issue 22 #3: the library marks the project whose training run is going."""

from editor.ui import library
from editor.store.workspace import Entry


def entry(id_: str, title: str) -> Entry:
    return Entry(id=id_, title=title, created=0.0, updated=1e12, revision=1, summary="5 nodes")


def test_the_training_project_carries_a_mark(monkeypatch):
    monkeypatch.setattr(library, "ago", lambda then, now=None: "just now")
    training = frozenset({"a"})
    assert library._label(entry("a", "MLP"), "b", training) == "MLP · training · 5 nodes · just now"
    # The open project's label has no count or time: an edit changes them without redrawing the sidebar.
    assert library._label(entry("b", "CNN"), "b", training) == "CNN (open here)"
    assert library._label(entry("a", "MLP"), "a", training) == "MLP (open here) · training"
