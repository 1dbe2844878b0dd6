"""What a node looks like on the canvas: colours by kind and state, readable label colours,
and the label lines (name, class, shapes). Apart from the drawing so the page's legend,
the inspector and the command line use the same words and colours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Optional

from editor.model.graph import Graph, Node


# Kind -> (fill, border). Colour-blind-safe enough: kinds also differ in the class line.
KIND_COLOURS: dict[str, tuple[str, str]] = {
    "input": ("#D6EAF8", "#2874A6"),
    "layer": ("#F2F3F4", "#626567"),
    "merge": ("#FDEBD0", "#CA6F1E"),
    "output": ("#D5F5E3", "#1E8449"),
    "loss": ("#EBDEF0", "#7D3C98"),
    "op": ("#FEF9E7", "#B7950B"),
    "model": ("#D1F2EB", "#117A65"),
}
ERROR_COLOURS = ("#FADBD8", "#C0392B")
# The diff overlay (editor.diff): a node added or changed since the version compared with;
# a removed node is drawn as a ghost where it was.
DIFF_BORDERS = {"added": "#1E8449", "changed": "#D68910"}
GHOST_COLOURS = ("#FDEDEC", "#E6B0AA")
WARNING_BORDER = "#D68910"
SELECTED_BORDER = "#17202A"
EDGE_COLOUR = "#7F8C8D"
SHARE_COLOUR = "#A569BD"
CYCLE_COLOUR = "#C0392B"  # the wire that closes a cycle, curved so the forward wires do not hide it
TEXT_COLOUR = "#17202A"
AA_CONTRAST = 4.5  # WCAG 2 level AA for text of normal size


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB'."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_colour(fill: str) -> str:
    """The label colour on `fill`: the usual dark text where it reads at WCAG AA, else black
    or white, whichever contrasts more (white on the deepest cost reds; either one reaches
    at least 4.58:1 on any fill)."""
    if contrast(fill, TEXT_COLOUR) >= AA_CONTRAST:
        return TEXT_COLOUR
    return max(("#000000", "#FFFFFF"), key=lambda c: contrast(fill, c))


def role(graph: Graph, node: Node) -> str:
    """The colour class of a node: input, output, loss, model (nested or application), merge, layer."""
    if node.kind == "input":
        return "input"
    if node.kind == "loss":
        return "loss"
    if node.kind == "op" and not any(o.ref.node == node.id for o in graph.outputs):
        return "op"
    if any(o.ref.node == node.id for o in graph.outputs):
        return "output"
    if node.kind in ("model", "application"):
        return "model"
    if node.is_merge:
        return "merge"
    return "layer"


def class_text(node: Node, graph_names: Mapping[str, str] | None = None) -> str:
    """The second label line: the Keras class (what model.summary() prints in brackets)."""
    if node.kind == "input":
        return "InputLayer"
    if node.kind == "loss":
        return "Loss"
    if node.kind == "op":
        return op_text(node)
    if node.kind == "model":
        target = (graph_names or {}).get(node.graph or "", node.graph or "?")
        return f"Model {target}"
    text = node.class_name or "?"
    return f"{text} (shared)" if node.shares else text


def op_text(node: Node, limit: int = 40) -> str:
    """An op node's expression as the canvas shows it: `x + inputs`, `expand_dims(x, 1)`."""
    text = " ".join((node.expression or "?").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shape_text(shapes: Sequence[Sequence[Optional[int]]] | None) -> str:
    """Output shapes as Keras prints them: (None, 28, 28, 1); several joined by ', '."""
    if not shapes:
        return ""
    return ", ".join(_tuple_text(s) for s in shapes)


def _tuple_text(shape: Sequence[Optional[int]]) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def node_label(node: Node, shapes=None, graph_names: Mapping[str, str] | None = None) -> str:
    """'name\\nClass\\n(None, 784)'; the shape line is left out until a build knows it.
    An op node is small: its expression and shape (its name is in the inspector)."""
    lines = [class_text(node, graph_names)] if node.kind == "op" else [node.name, class_text(node, graph_names)]
    if shapes is None and node.kind == "input" and node.shape is not None:
        shapes = [(None, *node.shape)]  # an input's shape needs no build
    text = shape_text(shapes)
    if text:
        lines.append(text)
    return "\n".join(lines)
