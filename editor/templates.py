"""The template gallery: one project file per document example in `templates/`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from editor import project_files
from editor.graph import Project

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


def load_template(template_id: str) -> Project:
    """A template by id; raises KeyError naming the known ids if there is none."""
    path = TEMPLATE_DIR / f"{template_id}.json"
    if template_id not in template_ids():
        raise KeyError(f"no template '{template_id}' (known: {', '.join(template_ids())})")
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
    except KeyError as err:
        raise project_files.ProjectError(f"'{target}' is neither a project file nor a template id; {err.args[0]}") from None
