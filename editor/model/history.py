"""Undo and redo: an immutable stack of values (Projects in the editor), no Streamlit.

`History` holds the present value, the values before it (newest last) and the values
undone after it (next first), each with a short label ("set units of hidden1") that
the UI shows on its Undo / Redo buttons. Every method returns a new History; nothing
is changed in place, so a History can sit in session state, be compared and be tested
like any value. Pushing a value equal to the present one records nothing, and pushing
after an undo drops the redo branch, as every editor does.

The labels of undo and redo themselves ("undo set units of hidden1") are made here
(`undo_entry`, `redo_entry`), and `replay` reads them back: the editor saves every step
as a workspace revision under such a label, so the revisions rebuild the same Undo /
Redo after a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Iterable, Optional, TypeVar

T = TypeVar("T")

DEFAULT_LIMIT = 100  # steps kept for undo (at least 50 are promised)
UNDO, REDO = "undo", "redo"


def _names(label: str, word: str) -> bool:
    return label == word or label.startswith(word + " ")


@dataclass(frozen=True)
class Step(Generic[T]):
    """A value and the label of the change that produced it."""

    value: T
    label: str = ""


@dataclass(frozen=True)
class History(Generic[T]):
    present: Step
    past: tuple[Step, ...] = ()  # oldest first; past[-1] is the step undo returns to
    future: tuple[Step, ...] = ()  # next first; future[0] is the step redo brings back
    limit: int = DEFAULT_LIMIT
    revision: int = field(default=0, compare=False)  # counts every change of `value`

    def __post_init__(self):
        if self.limit < 1:
            raise ValueError("a history keeps at least one step")

    @classmethod
    def start(cls, value: T, label: str = "start", limit: int = DEFAULT_LIMIT) -> "History[T]":
        return cls(present=Step(value, label), limit=limit)

    @classmethod
    def replay(cls, steps: Iterable[tuple[T, str]], limit: int = DEFAULT_LIMIT) -> "History[T]":
        """The history that recorded `steps` (value, label), oldest first: a step labelled as
        an undo (redo) whose value is what undo (redo) gives is replayed as one, so Redo comes
        back too; any other step is a push (so a step saved by someone else is just a change)."""
        found: Optional[History[T]] = None
        for value, label in steps:
            if found is None:
                found = cls.start(value, label, limit)
            elif _names(label, UNDO) and found.can_undo and found.undo().value == value:
                found = found.undo()
            elif _names(label, REDO) and found.can_redo and found.redo().value == value:
                found = found.redo()
            else:
                found = found.push(value, label)
        if found is None:
            raise ValueError("a history needs at least one step")
        return found

    @property
    def undo_entry(self) -> str:
        """The label under which undoing is recorded: "undo <what it takes back>"."""
        return f"{UNDO} {self.undo_label or ''}".strip()

    @property
    def redo_entry(self) -> str:
        return f"{REDO} {self.redo_label or ''}".strip()

    @property
    def value(self) -> T:
        return self.present.value

    @property
    def can_undo(self) -> bool:
        return bool(self.past)

    @property
    def can_redo(self) -> bool:
        return bool(self.future)

    @property
    def undo_label(self) -> Optional[str]:
        """What undo takes back (the label of the present step), or None."""
        return self.present.label if self.past else None

    @property
    def redo_label(self) -> Optional[str]:
        return self.future[0].label if self.future else None

    def push(self, value: T, label: str = "") -> "History[T]":
        """Record a new present value; the oldest steps beyond `limit` are forgotten."""
        if value == self.present.value:
            return self
        past = (self.past + (self.present,))[-self.limit:]
        return History(Step(value, label), past, (), self.limit, self.revision + 1)

    def takes_back(self, value: T, label: str) -> bool:
        """Whether a change to `value` labelled `label` takes the last change back: the same
        change ("set units of hidden1") bringing back the value before it. The editor records
        that as an Undo (Redo brings it back), not as a new step: Ctrl+Z in a focused field is
        the browser's own undo of the text, which the page then commits as an edit."""
        return bool(self.past) and label == self.present.label and value == self.past[-1].value

    def undo(self) -> "History[T]":
        """Go one step back (no change if there is nothing to undo)."""
        if not self.past:
            return self
        return History(self.past[-1], self.past[:-1], (self.present,) + self.future, self.limit, self.revision + 1)

    def redo(self) -> "History[T]":
        if not self.future:
            return self
        return History(self.future[0], self.past + (self.present,), self.future[1:], self.limit, self.revision + 1)

    def __len__(self) -> int:
        """Number of steps held (past, present and future)."""
        return len(self.past) + 1 + len(self.future)
