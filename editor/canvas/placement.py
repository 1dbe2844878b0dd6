"""Where nodes stand on the canvas: stored positions, a layered layout for the rest, and a
free spot for a new node. Apart so that placing nodes is tested and reused (the palette,
the e2e click helpers) without the drawing."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping

from editor.model.graph import POSITION_LIMIT, Graph, Node, topological_order

# Stored positions are in "grid units" (templates use 100 between rows and columns);
# the canvas spreads columns wider than rows because labels are wider than tall.
X_SCALE = 2.0
Y_SCALE = 0.9
ROW = 100  # grid units between a node and the one it feeds, for computed positions
COLUMN = 100  # grid units between side-by-side nodes, for computed positions


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """Grid position of every node: its stored `position`, else a free spot below its producers.

    Nodes are placed in topological order (nodes on a cycle last): a node without a
    position goes one row below its lowest producer, in the column of its first one,
    moved right until the spot is free. Deterministic, so the canvas never jumps.
    """
    placed: dict[str, tuple[float, float]] = {
        n.id: (float(n.position[0]), float(n.position[1])) for n in graph.nodes if n.position is not None
    }
    spots = _Spots(placed.values())
    order = topological_order(graph)
    seen = set(order)
    order += [n.id for n in graph.nodes if n.id not in seen]
    for node_id in order:
        if node_id not in placed:
            placed[node_id] = spots.take(_wanted(graph.node(node_id), placed))
    return placed


def keep_in_place(before: Graph, after: Graph) -> Graph:
    """`after` (an edit of `before`) with every node that was already drawn pinned where it
    was: a graph without stored positions (an import, generated code) is laid out row by
    row, so inserting one node would push every node below it down a row. Pinned, only the
    new node looks for a free spot."""
    if all(n.position is not None for n in after.nodes):
        return after
    drawn = layout(before)
    nodes = tuple(n.model_copy(update={"position": drawn[n.id]}) if n.position is None and n.id in drawn else n
                  for n in after.nodes)
    return after.model_copy(update={"nodes": nodes})


def _wanted(node: Node, placed: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    parents = [placed[r.node] for r in node.inputs if r.node in placed]
    if not parents:
        return (0.0, 0.0)
    return (parents[0][0], max(p[1] for p in parents) + ROW)


class _Spots:
    """Taken positions, by row and sorted by x, so finding a free spot stays cheap on big
    graphs (a node with 5,000 consumers took minutes when every search scanned every spot)."""

    STEP = COLUMN * 1.5  # candidates to the right of a wanted spot

    def __init__(self, taken: Iterable[tuple[float, float]] = ()):
        self.rows: dict[int, list[tuple[float, float]]] = {}
        self.hints: dict[tuple[float, float], tuple[float, float]] = {}  # wanted -> last spot given
        self.count = 0
        for spot in taken:
            self.add(spot)

    def add(self, spot: tuple[float, float]) -> None:
        bisect.insort(self.rows.setdefault(round(spot[1] / ROW), []), spot)
        self.count += 1

    def free(self, x: float, y: float) -> bool:
        reach_x, reach_y = COLUMN * 0.75, ROW * 0.75
        for row in (round(y / ROW) + d for d in (-1, 0, 1)):
            spots = self.rows.get(row, ())
            i = bisect.bisect_right(spots, (x - reach_x, math.inf))
            while i < len(spots) and spots[i][0] < x + reach_x:
                if abs(spots[i][1] - y) < reach_y:
                    return False
                i += 1
        return True

    def take(self, wanted: tuple[float, float]) -> tuple[float, float]:
        """The first free spot at or to the right of `wanted`, in steps of 1.5 columns.

        Finite for any input: a taken spot blocks less than one step either side, so at
        most `count` candidates are blocked. The search for the same wanted spot resumes
        where the last one ended (spots are only ever added, so everything left of it is
        still taken). Positions are bounded by the schema (editor.model.graph.POSITION_LIMIT),
        so each step really moves x (at 1e20, x + 150 == x: that hung the server).
        """
        x, y = self.hints.get(wanted, wanted)
        for _ in range(self.count + 1):
            if self.free(x, y):
                break
            x += self.STEP
        self.hints[wanted] = (x, y)
        self.add((x, y))
        return (x, y)


def new_position(graph: Graph, node_id: str) -> tuple[float, float]:
    """Where a just-added node (without a position) goes; the UI stores it on the node."""
    others = graph.model_copy(update={"nodes": tuple(n for n in graph.nodes if n.id != node_id)})
    placed = layout(others)
    return _Spots(placed.values()).take(_wanted(graph.node(node_id), placed))


def place_new(graph: Graph, node_id: str) -> Graph:
    """The graph with a just-added node given a position (the UI's one way to place one).

    A node that only branches off goes to a free spot below its producer (new_position).
    A node inserted into wires (it feeds nodes already drawn) gets a row of its own, right
    below its producer: every node from that row down moves one row lower. Squeezed in
    beside its consumer instead, a few inserts made wires run across a row, through nodes.
    """
    node = graph.node(node_id)
    feeds = any(ref.node == node_id for other in graph.nodes for ref in other.inputs)
    others = graph.model_copy(update={"nodes": tuple(n for n in graph.nodes if n.id != node_id)})
    placed = layout(others)
    wanted = _wanted(node, placed)
    lowest = max((y for _, y in placed.values()), default=0.0)
    if (not feeds or not node.inputs or _Spots(placed.values()).free(*wanted)
            or lowest + ROW > POSITION_LIMIT):  # no row below to open: the free spot will do
        position = new_position(graph, node_id)
        return graph.model_copy(update={"nodes": tuple(n.model_copy(update={"position": position})
                                                       if n.id == node_id else n for n in graph.nodes)})
    row = wanted[1] - ROW / 2

    def moved(n: Node) -> Node:
        if n.id == node_id:
            return n.model_copy(update={"position": wanted})
        x, y = placed[n.id]
        return n.model_copy(update={"position": (x, y + ROW if y > row else y)})

    return graph.model_copy(update={"nodes": tuple(moved(n) for n in graph.nodes)})
