"""The template gallery: one project file per document example in `templates/`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from editor.model import names
from editor.files import project_files
from editor.errors import UserError
from editor.model.graph import Graph, Node, Output, Project, Ref, Training

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    title: str
    description: str
    nodes: int


def template_ids() -> list[str]:
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.json"))


@lru_cache(maxsize=None)
def _load(template_id: str, mtime: float) -> Project:
    return project_files.load(TEMPLATE_DIR / f"{template_id}.json")


class UnknownTemplate(UserError, KeyError):
    """No template has that id (a KeyError too: a lookup that found nothing)."""

    def __str__(self) -> str:  # a KeyError's str() would quote the message
        return str(self.args[0]) if self.args else ""


def load_template(template_id: str) -> Project:
    """A template by id; raises UnknownTemplate naming the known ids if there is none."""
    path = TEMPLATE_DIR / f"{template_id}.json"
    if template_id not in template_ids():
        raise UnknownTemplate(f"no template '{template_id}' (known: {', '.join(template_ids())})")
    return _load(template_id, path.stat().st_mtime)


def catalogue() -> list[TemplateInfo]:
    infos = []
    for template_id in template_ids():
        p = load_template(template_id)
        infos.append(TemplateInfo(template_id, p.title, p.description, sum(len(g.nodes) for g in p.graphs)))
    return infos


def resolve(target: str) -> Project:
    """A command-line TARGET: a project file path or a template id."""
    path = Path(target)
    if path.suffix == ".json" or path.exists():
        return project_files.load(path)
    try:
        return load_template(target)
    except UnknownTemplate as err:
        raise project_files.ProjectError(f"'{target}' is neither a project file nor a template id; {err}") from None


def new_project() -> Project:
    """A small model that builds: one input, one Dense output with a loss."""
    nodes = (
        Node(id="n1", kind="input", name="input", shape=(32,), position=(0, 0)),
        Node(id="n2", kind="layer", name="dense", class_name="Dense", config={"units": 1},
             inputs=(Ref(node="n1"),), position=(0, 100)),
    )
    graph = Graph(id="main", name="model", nodes=nodes,
                  outputs=(Output(ref=Ref(node="n2"), loss="mean_squared_error"),))
    return Project(title="Untitled", graphs=(graph,), training=Training())


def with_new_graph(project_: Project) -> tuple[Project, str]:
    """The project plus a small new graph (input -> Dense, one output) to call as a nested model."""
    name = names.numbered("model_", [g.id for g in project_.graphs] + [g.name for g in project_.graphs])
    graph = new_project().main.model_copy(update={"id": name, "name": name, "outputs": (Output(ref=Ref(node="n2")),)})
    return project_.model_copy(update={"graphs": project_.graphs + (graph,)}), graph.id
