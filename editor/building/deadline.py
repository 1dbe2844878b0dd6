"""A budget of CPU time for one step that runs inside a page request or a command (a build,
an import's translation): checked between units of work, so a graph or file that would
keep a server thread busy for minutes is refused in one line instead. Sizes are capped too
(nodes, file bytes); this catches what is slow within those caps. `KGS_STEP_SECONDS`
sets another budget.

The budget counts the CPU time of the calling thread (`time.thread_time`), not the wall
clock: the same 5,000-node summary took 24 s on a quiet machine and 82 s under load (19 s
of CPU), so a wall-clock budget refused under load what it accepted at rest. Not the
process's CPU time either: the page runs trainings in other threads of the same process
(and TensorFlow's own pools work for them), which would spend a build's budget while the
build waits. Keras builds a model on the calling thread (layer construction and shape
inference are Python there), so that thread's time is the work the step itself does.
A Deadline is therefore checked in the thread that made it.
"""

from __future__ import annotations

import os
import time
from typing import Callable

from editor.errors import UserError

STEP_SECONDS = 60.0  # a 5,000-layer chain (the node limit) builds in about 5 s of CPU


class TooSlow(UserError):
    """A step ran over its budget; the message is one line for the user."""


class Deadline:
    """`clock`: seconds of work done so far (default: this thread's CPU time; tests give a fake)."""

    def __init__(self, what: str, seconds: float | None = None, clock: Callable[[], float] = time.thread_time):
        self.what = what
        self.seconds = seconds if seconds is not None else float(os.environ.get("KGS_STEP_SECONDS", STEP_SECONDS))
        self.clock = clock
        self.started = clock()

    def spent(self) -> float:
        """Seconds of the budget used so far."""
        return self.clock() - self.started

    def check(self, where: str) -> None:
        """Raise TooSlow, naming `where` the step stopped, once the budget is spent."""
        if self.spent() >= self.seconds:
            raise TooSlow(f"{self.what} stopped at {where}: it took more than {self.seconds:g} s of CPU time, "
                          f"the budget of one {self.what}")
