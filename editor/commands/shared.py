"""What the commands of `python -m editor` share: the targets they read (project files or
template ids), the preview build, their one-line refusal (CommandError) and exit codes."""

from __future__ import annotations

from pathlib import Path

from editor.errors import UserError
from editor.model.graph import Project

EXIT_ERRORS, EXIT_FAILURE = 1, 2


class CommandError(UserError):
    """A failure of a command (a bad option, a file it cannot write), as one line."""


def resolve_targets(names: list[str]) -> list[tuple[str, Project]]:
    from editor.templates import resolve

    return [(target_id(name), resolve(name)) for name in names]


def target_id(name: str) -> str:
    return Path(name).stem if name.endswith(".json") else name


def preview_build(target: str, project: Project):
    """The preview build (no weight allocated: a 10**9-unit Dense costs nothing), as the
    page builds it: what summary, cost, validate and plot read is shapes and counts."""
    from editor.building.build import build_project

    result = build_project(project, weights=False)
    if not result.ok:
        raise CommandError(f"{target}: {result.first_error}")
    return result
