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


# Compiled once: one_line also words refusals of hostile files, whose work is counted.
_KERAS_CALL = re.compile(r"Exception encountered when calling [^\n]*\n+(.*?)(\n\nArguments received|\Z)", re.S)
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_OOM = re.compile(r"OOM when allocating tensor with shape\[([0-9,]*)\] and type (\w+)")
_SOURCE_LINE = re.compile(r"^\S+\.py\b|^line \d+")
_TF_DECORATIONS = tuple(re.compile(pattern) for pattern in (
    r"\{\{function_node [^}]*\}\}\s*",
    r"\[\[\{\{node [^}]*\}\}\]\]",
    r" for '\{\{node [^']*'",  # the op's graph definition
    r" on /job:\S+",
    r"\s*\[Op:[^\]]*\](\s*name:\s*\S*)?",
))


def one_line(err: BaseException, limit: int = 400) -> str:
    """A Keras/TensorFlow exception as one readable line (no traceback, no wrappers)."""
    text = str(err) or type(err).__name__
    # Keras wraps call errors: "Exception encountered when calling X.call().\n\n<message>\n\nArguments..."
    match = _KERAS_CALL.search(text)
    if match:
        text = match.group(1)
    # Keras's deserialisation nests "...\n\nException encountered: <cause>": keep the cause.
    text = text.rpartition("Exception encountered: ")[2] or text
    text = _COLOUR.sub("", text)  # rich colour codes
    text = _without_tensorflow_internals(text)
    text = " ".join(text.replace("`", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TF_TYPES = {"float": "float32", "double": "float64", "half": "float16"}


def _without_tensorflow_internals(text: str) -> str:
    """TensorFlow's own error text (op wrappers, devices, allocators, graph tracebacks) is not
    the user's business: keep what went wrong. An out-of-memory error becomes the tensor it
    could not allocate and its size ("OOM when allocating tensor ... StatelessRandomUniformV2"
    reached a person who asked for a summary)."""
    oom = _OOM.search(text)
    if oom:
        dims = [int(d) for d in oom.group(1).split(",") if d]
        dtype = _TF_TYPES.get(oom.group(2), oom.group(2))
        size = 1
        for d in dims:
            size *= d
        itemsize = {"float64": 8, "int64": 8, "complex64": 8, "float16": 2, "bfloat16": 2, "int16": 2,
                    "int8": 1, "uint8": 1, "bool": 1, "complex128": 16}.get(dtype, 4)
        from editor.words import format_bytes

        shape = " x ".join(f"{d:,}" for d in dims) or "scalar"
        return f"out of memory: a {shape} {dtype} tensor ({format_bytes(size * itemsize)}) does not fit"
    if "Graph execution error" in text:  # "Detected at node X defined at (most recent call last): File ..."
        lines = [line.strip() for line in text.splitlines()]
        kept = [line for line in lines if line and not line.startswith(("Graph execution error", "Detected at node",
                                                                        "File ", "Hint:", "[[", "defined at"))]
        kept = [line for line in kept if not _SOURCE_LINE.match(line)]
        text = " ".join(kept) or text
    for decoration in _TF_DECORATIONS:
        text = decoration.sub("", text)
    return text.strip()
