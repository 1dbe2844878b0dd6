"""Small graph builders shared by the core tests."""

from editor.model.graph import Graph, Node, Output, Project, Ref


def inp(node_id, name, shape, dtype="float32"):
    return Node(id=node_id, kind="input", name=name, shape=tuple(shape), dtype=dtype)


def layer(node_id, name, class_name, *sources, **config):
    refs = tuple(s if isinstance(s, Ref) else Ref(node=s) for s in sources)
    return Node(id=node_id, kind="layer", name=name, class_name=class_name, config=config, inputs=refs)


def project(*nodes, outputs=(), graph_id="main", name="model", extra_graphs=()):
    outs = tuple(o if isinstance(o, Output) else Output(ref=Ref(node=o)) for o in outputs)
    graph = Graph(id=graph_id, name=name, nodes=tuple(nodes), outputs=outs)
    return Project(graphs=(graph, *extra_graphs))
