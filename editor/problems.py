"""A problem found in a graph, pinned to the node (and graph) at fault."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    message: str
    node: Optional[str] = None  # node id
    graph: Optional[str] = None  # graph id
    severity: Severity = "error"
    check: str = ""  # name of the check that found it, for tests and filtering

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def errors(problems) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def distinct(problems) -> list[Problem]:
    """One problem per message: a cycle is pinned to every node on it (each turns red),
    but it is one problem to list and to count."""
    seen: set[tuple] = set()
    out = []
    for problem in problems:
        key = (problem.graph, problem.severity, problem.message)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def printable(text: object) -> str:
    """Text from a project or model file, safe for a terminal: line breaks and control
    characters (escape sequences in a node name) are shown escaped, so one message stays
    one line and cannot recolour or retitle the terminal."""
    text = str(text)
    if text.isprintable():  # nearly always: one pass in C (the code reader makes thousands of messages)
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def one_line(err: BaseException, limit: int = 400) -> str:
    """A Keras/TensorFlow exception as one readable line (no traceback, no wrappers)."""
    text = str(err) or type(err).__name__
    # Keras wraps call errors: "Exception encountered when calling X.call().\n\n<message>\n\nArguments..."
    match = re.search(r"Exception encountered when calling [^\n]*\n+(.*?)(\n\nArguments received|\Z)", text, re.S)
    if match:
        text = match.group(1)
    # Keras's deserialisation nests "...\n\nException encountered: <cause>": keep the cause.
    text = text.rpartition("Exception encountered: ")[2] or text
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # rich colour codes
    text = " ".join(text.replace("`", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
