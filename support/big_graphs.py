"""Big projects for the big-graph benchmarks and tests: a ResNet-like stack
of residual blocks, Dense → Dense → Add per block, as wide as a person reads (16 units)."""

from __future__ import annotations

from editor.model.graph import Graph, Node, Output, Project, Ref


def residual_stack(size: int, units: int = 16) -> Project:
    """An Input and (size - 1) // 3 residual blocks: `size` nodes or up to two fewer."""
    nodes = [Node(id="n1", kind="input", name="input", shape=(units,))]
    last, number = "n1", 1
    while len(nodes) + 3 <= size:
        first, second, add = (f"n{number + k}" for k in (1, 2, 3))
        nodes += [
            Node(id=first, kind="layer", name=f"dense_{number}", class_name="Dense",
                 config={"units": units, "activation": "relu"}, inputs=(Ref(node=last),)),
            Node(id=second, kind="layer", name=f"dense_{number + 1}", class_name="Dense",
                 config={"units": units}, inputs=(Ref(node=first),)),
            Node(id=add, kind="layer", name=f"add_{number + 2}", class_name="Add",
                 inputs=(Ref(node=last), Ref(node=second))),
        ]
        last, number = add, number + 3
    graph = Graph(id="main", name=f"residual_{size}", nodes=tuple(nodes), outputs=(Output(ref=Ref(node=last), loss="mse"),))
    return Project(title=f"Residual stack of {len(nodes)} nodes", graphs=(graph,))
