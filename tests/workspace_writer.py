"""Helper for tests/test_workspace_crash.py: save revisions of one project in a tight loop.

`python -m tests.workspace_writer DB PROJECT_ID` saves revision after revision (the Dense
layer n2 gets units = revision number) and prints each revision number once it is
committed, until it is killed.
"""

import sys

from editor.store.workspace import Workspace


def units_project(base, units):
    graph = base.main
    nodes = tuple(n.model_copy(update={"config": {**n.config, "units": units}}) if n.id == "n2" else n
                  for n in graph.nodes)
    return base.replace_graph(graph.model_copy(update={"nodes": nodes}))


def main(path: str, project_id: str) -> None:
    ws = Workspace(path, keep=50)
    loaded = ws.latest(project_id)
    revision = loaded.revision
    while True:
        revision = ws.save(project_id, units_project(loaded.project, revision + 1), revision, "loop")
        print(revision, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
