"""A time budget for one step that runs inside a page request or a command (a build, an
import's translation): checked between units of work, so a graph or file that would keep
a server thread busy for minutes is refused in one line instead. Sizes are capped too
(nodes, file bytes); this catches what is slow within those caps. `KGS_STEP_SECONDS`
sets another budget."""

from __future__ import annotations

import os
import time

from editor.errors import UserError

STEP_SECONDS = 60.0  # a 5,000-layer chain (the node limit) builds in about 5 s


class TooSlow(UserError):
    """A step ran over its budget; the message is one line for the user."""


class Deadline:
    def __init__(self, what: str, seconds: float | None = None):
        self.what = what
        self.seconds = seconds if seconds is not None else float(os.environ.get("KGS_STEP_SECONDS", STEP_SECONDS))
        self.ends = time.monotonic() + self.seconds

    def check(self, where: str) -> None:
        """Raise TooSlow, naming `where` the step stopped, once the budget is spent."""
        if time.monotonic() > self.ends:
            raise TooSlow(f"{self.what} stopped at {where}: it took longer than {self.seconds:g} s, "
                          f"the budget of one {self.what}")
