"""Random valid projects for tests and benchmarks: seeded, pure Python (no Keras needed).

`random_project(seed, size)` gives a DAG of `size` main-graph nodes that
`editor.building.build.build_project` builds: 1-3 inputs shaped (w,), (t, w) or (h, w, c); Dense,
Dropout, BatchNormalization, Activation, LayerNormalization, Flatten, Concatenate, Add,
Multiply; now and then a shared Dense (node.shares), an LSTM(return_state=True) whose
three tensors are used by index, a loss node, and (with nested=True) a small nested model
called once or twice. Shapes are tracked here, so every wire is compatible by construction.
Some node names are deliberately awkward for Python ("class", "input", "1abc", "sum").
"""

from __future__ import annotations

import random
from math import prod
from typing import Optional

from editor.model.graph import Graph, Node, Output, Project, Ref, Training

WIDTHS = (4, 8)
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "gelu")
# Awkward for Python, yet names TensorFlow accepts as scopes (a layer named "a b" or "名字"
# builds but fails when run: see tests/test_codegen.py::test_hostile_names).
ODD_NAMES = ("class", "input", "1abc", "sum", "model", "ops", "keras", "x.y", "build_model", "AddLoss", "__import__")
LOSSES = ("mean_squared_error", "mae", "expr:mean(square(y_true - y_pred))",
          "expr:mean(abs(y_true - y_pred), axis=-1)", None)
OPS = (  # (weight, method name)
    (30, "_dense"), (6, "_shared_dense"), (25, "_unary"), (10, "_concatenate"), (10, "_add"),
    (5, "_lstm"), (4, "_flatten"), (4, "_loss"), (6, "_nested"),
)

Shape = tuple[int, ...]


class _Builder:
    def __init__(self, seed: int, nested: bool):
        self.rng = random.Random(seed)
        self.nested = nested
        self.nodes: list[Node] = []
        self.pool: list[tuple[Ref, Shape]] = []  # tensors a new node may consume
        self.names: set[str] = set()
        self.used: set[Ref] = set()
        self.unused: dict[Ref, Shape] = {}  # tensors nothing consumes yet, oldest first
        self.dense_inputs: dict[str, int] = {}  # owner Dense node id -> width it consumes
        self.graphs: list[Graph] = []  # nested graphs (at most one, called once or twice)

    def name(self, base: str) -> str:
        if self.rng.random() < 0.12:
            odd = self.rng.choice(ODD_NAMES)
            if odd not in self.names:
                self.names.add(odd)
                return odd
        name = f"{base}_{len(self.nodes) + 1}"
        self.names.add(name)
        return name

    def add(self, kind: str, base: str, inputs=(), outputs: tuple[Shape, ...] = (), **fields) -> Node:
        node = Node(id=f"n{len(self.nodes) + 1}", kind=kind, name=fields.pop("name", None) or self.name(base),
                    inputs=tuple(inputs), **fields)
        self.nodes.append(node)
        self.used.update(node.inputs)
        for ref in node.inputs:
            self.unused.pop(ref, None)
        self.pool += [(Ref(node=node.id, output=i), shape) for i, shape in enumerate(outputs)]
        self.unused.update(self.pool[len(self.pool) - len(outputs):])
        return node

    def pick(self, accept=lambda shape: True) -> Optional[tuple[Ref, Shape]]:
        """A tensor whose shape passes `accept`; unused and recent ones are likelier (few dead ends)."""
        draw = self.rng.random()
        if draw < 0.85:
            unused = [t for t in self.unused.items() if accept(t[1])]
            if unused:
                return self.rng.choice(unused)
        if draw < 0.95:
            recent = [t for t in self.pool[-6:] if accept(t[1])]
            if recent:
                return self.rng.choice(recent)
        candidates = [t for t in self.pool if accept(t[1])]
        return self.rng.choice(candidates) if candidates else None

    def group(self, same) -> list[tuple[Ref, Shape]]:
        """2-3 distinct tensors related to a random first one by `same(shape_a, shape_b)`."""
        first = self.pick()
        others = [t for t in self.pool if t[0] != first[0] and same(first[1], t[1])]
        self.rng.shuffle(others)
        return [first] + others[: self.rng.randint(1, 2)] if others else []

    # --- node makers: each returns False when the graph offers no tensor it can use

    def _dense(self) -> bool:
        ref, shape = self.pick()
        units = self.rng.choice(WIDTHS)
        config = {"units": units}
        if self.rng.random() < 0.6:
            config["activation"] = self.rng.choice(ACTIVATIONS)
        if self.rng.random() < 0.15:
            config["use_bias"] = False
        node = self.add("layer", "dense", [ref], (shape[:-1] + (units,),), class_name="Dense", config=config)
        self.dense_inputs[node.id] = shape[-1]
        return True

    def _shared_dense(self) -> bool:
        owners = list(self.dense_inputs.items())
        self.rng.shuffle(owners)
        for owner_id, width in owners:
            source = self.pick(lambda shape: shape[-1] == width)
            owner = next(n for n in self.nodes if n.id == owner_id)
            if source is not None and source[0].node != owner_id:
                units = owner.config["units"]
                self.add("layer", "shared", [source[0]], (source[1][:-1] + (units,),), class_name="Dense",
                         shares=owner_id)  # a sharing node holds no config: the owner's is the layer's
                return True
        return False

    def _unary(self) -> bool:
        ref, shape = self.pick()
        class_name, config = self.rng.choice([
            ("Dropout", {"rate": self.rng.choice((0.1, 0.25, 0.5))}),
            ("BatchNormalization", {}),
            ("BatchNormalization", {"momentum": 0.9}),
            ("Activation", {"activation": self.rng.choice(ACTIVATIONS)}),
            ("LayerNormalization", {}),
        ])
        self.add("layer", class_name.lower(), [ref], (shape,), class_name=class_name, config=config)
        return True

    def _concatenate(self) -> bool:
        tensors = self.group(lambda a, b: len(a) == len(b) and a[:-1] == b[:-1])
        if not tensors:
            return False
        width = sum(shape[-1] for _, shape in tensors)
        self.add("layer", "concatenate", [r for r, _ in tensors], (tensors[0][1][:-1] + (width,),),
                 class_name="Concatenate", config=self.rng.choice(({}, {"axis": -1})))
        return True

    def _add(self) -> bool:
        tensors = self.group(lambda a, b: a == b)
        if not tensors:
            return False
        class_name = self.rng.choice(("Add", "Multiply"))
        self.add("layer", class_name.lower(), [r for r, _ in tensors], (tensors[0][1],), class_name=class_name)
        return True

    def _lstm(self) -> bool:
        source = self.pick(lambda shape: len(shape) == 2)
        if source is None:
            return False
        units = self.rng.choice(WIDTHS)
        self.add("layer", "lstm", [source[0]], ((units,),) * 3, class_name="LSTM",
                 config={"units": units, "return_state": True})
        return True

    def _flatten(self) -> bool:
        source = self.pick(lambda shape: len(shape) >= 2)
        if source is None:
            return False
        self.add("layer", "flatten", [source[0]], ((prod(source[1]),),), class_name="Flatten")
        return True

    def _loss(self) -> bool:
        if self.rng.random() < 0.5:
            tensors = self.group(lambda a, b: a == b)[:2]
            expression, names = "mean(abs(a - b))", ("a", "b")
        else:
            tensors = [self.pick()]
            expression, names = "0.1 * mean(square(x))", (self.rng.choice(("x", "ops", "keras", "input")),)
            expression = expression.replace("x", names[0])
        if not tensors:
            return False
        self.add("loss", "loss", [r for r, _ in tensors], (), expression=expression, input_names=names,
                 weight=self.rng.choice((1.0, 0.5)))
        return True

    def _nested(self) -> bool:
        if not self.nested:
            return False
        if not self.graphs:
            source = self.pick(lambda shape: len(shape) == 1)
            if source is None:
                return False
            self.graphs.append(_nested_graph(self.rng, source[1][0]))
        graph = self.graphs[0]
        width = graph.nodes[0].shape[0]
        source = self.pick(lambda shape: shape == (width,))
        if source is None or sum(n.kind == "model" for n in self.nodes) >= 2:
            return False
        shapes = tuple((graph.node(o.ref.node).config["units"],) for o in graph.outputs)
        self.add("model", "block", [source[0]], shapes, graph=graph.id)
        return True

    def outputs(self) -> tuple[Output, ...]:
        """1-3 unused tensors (never an input) that together reach as much of the graph as they can."""
        reach: dict[str, int] = {}  # node id -> bit mask of the node and everything upstream
        for i, node in enumerate(self.nodes):
            reach[node.id] = 1 << i
            for ref in node.inputs:
                reach[node.id] |= reach[ref.node]
        inputs = {n.id for n in self.nodes if n.kind == "input"}
        tensors = [ref for ref, _ in self.pool if ref.node not in inputs]
        sinks = [ref for ref in tensors if ref not in self.used] or tensors
        refs, covered = [], 0
        for _ in range(min(len(sinks), self.rng.randint(1, 3))):
            best = max((r for r in sinks if r not in refs), key=lambda r: (reach[r.node] & ~covered).bit_count())
            refs.append(best)
            covered |= reach[best.node]
        return tuple(
            Output(ref=ref, loss=self.rng.choice(LOSSES), loss_weight=self.rng.choice((1.0, 1.0, 0.5, 2.0)),
                   metrics=("mae",) if self.rng.random() < 0.25 else ())
            for ref in refs
        )


def _nested_graph(rng: random.Random, width: int) -> Graph:
    units = [rng.choice(WIDTHS) for _ in range(2)]
    nodes = (
        Node(id="i", kind="input", name="block_in", shape=(width,)),
        Node(id="a", kind="layer", name="block_a", class_name="Dense", config={"units": units[0], "activation": "relu"},
             inputs=(Ref(node="i"),)),
        Node(id="b", kind="layer", name="block_b", class_name="Dense", config={"units": units[1]}, inputs=(Ref(node="a"),)),
    )
    outputs = (Output(ref=Ref(node="b")),) + ((Output(ref=Ref(node="a")),) if rng.random() < 0.5 else ())
    return Graph(id="block", name=rng.choice(("block", "nested-block")), nodes=nodes, outputs=outputs)


def random_project(seed: int, size: int, nested: bool = False) -> Project:
    """A random project whose main graph has max(size, inputs + 1) nodes and builds with Keras."""
    builder = _Builder(seed, nested)
    rng = builder.rng
    for _ in range(rng.randint(1, 3)):
        width = rng.choice(WIDTHS)
        shape = rng.choice([(width,), (width,), (rng.choice((3, 5)), width), (3, 2, width)])
        builder.add("input", "input", (), (shape,), shape=shape)
    makers = [getattr(builder, name) for _, name in OPS]
    weights = [weight for weight, _ in OPS]
    while len(builder.nodes) < size or len(builder.nodes) == len([n for n in builder.nodes if n.kind == "input"]):
        maker = rng.choices(makers, weights)[0]
        if not maker():
            builder._dense()
    main = Graph(id="main", name="random_model", nodes=tuple(builder.nodes), outputs=builder.outputs())
    training = Training(optimizer=rng.choice(("adam", "sgd", "rmsprop")), learning_rate=rng.choice((None, 0.01)))
    return Project(title=f"Random project {seed}", description=f"seed {seed}, {size} nodes",
                   graphs=(main, *builder.graphs), training=training)
