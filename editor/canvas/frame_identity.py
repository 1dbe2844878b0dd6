"""When the canvas may be redrawn in the frame it has, and when it needs a new one.

The canvas component (streamlit-agraph's vis-network) keeps its frame while its key stays
the same, and then updates the nodes and edges it has in place (vis-data's DataSet: a
node's fields are overwritten, a field the new drawing lacks is kept); a new key gives a
new frame, built from scratch. Building the frame is most of what an edit costs the
browser (measured on mlp: about 130 ms of a 350 ms edit), so an edit that changes only
what the nodes say (a label, a colour, a tooltip, the selection's highlight) keeps the
frame. Everything else gets a new one:
- where the nodes are and which are shown, and the view (vis-network fits the view to
  the graph only when a frame is built, and editor.canvas.framing relies on that);
- which fields each node and edge has (an in-place update would keep a removed one);
- a new frame number (editor.canvas.clicks.renew_frame: when the frame's own selection
  would swallow the next click that matters).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable


def _fields(value: Any) -> Any:
    """The shape of a value: a dict's keys (recursively), a list's length, else its type."""
    if isinstance(value, dict):
        return {k: _fields(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [len(value)]
    return type(value).__name__


def geometry(nodes: Iterable[dict], edges: Iterable[dict], config_json: str) -> str:
    """A digest of what a frame is built from: the same for two drawings that differ only in
    what the nodes and edges say, different when anything that needs a new frame differs
    (see the module). Computed with the drawing, once per drawing."""
    shape = {
        "nodes": [(n["id"], n.get("x"), n.get("y"), _fields(n)) for n in nodes],
        "edges": [(e["id"], _fields(e)) for e in edges],
        "config": config_json,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=repr).encode()).hexdigest()[:16]


def frame_key(geometry_digest: str, frame: int) -> str:
    """The component key: a drawing's geometry and the canvas's frame number."""
    return f"canvas.frame.{geometry_digest}.{frame}"
