"""Project files: JSON with `format_version`, checked by the pydantic schema in editor.model.graph.

Loading is defensive: size and nesting are checked before parsing, so a hostile or
broken file gives one line (`ProjectError`) and nothing else happens.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional, Union

from pydantic import ValidationError

from editor.files import safe_json
from editor.errors import UserError
from editor.model.graph import FORMAT_VERSION, Project
from editor.model.schema_messages import schema_problem

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64


class ProjectError(UserError):
    """A project file that cannot be used, with a one-line reason."""


# How each refusal of editor.files.safe_json reads for a project file.
_WORDING = {
    "size": "file too large ({size:,} bytes; limit {limit:,})",
    "encoding": "not UTF-8 text (byte {byte})",
    "depth": "nesting deeper than {limit} levels",
    "syntax": "not valid JSON: {detail}",
    "value": "not usable JSON: {detail}",
}


def loads(data: Union[str, bytes]) -> Project:
    """A Project from JSON text; raises ProjectError with one line on any problem."""
    raw = _parsed(data)
    if not isinstance(raw, dict):
        raise ProjectError("not a project: the file must hold a JSON object")
    version = raw.get("format_version")
    if version == 1:
        raw = migrate_from_1(raw)
    elif version == 2:  # version 3 added blocks: a version 2 file is one without any
        raw = {**raw, "format_version": FORMAT_VERSION}
    elif version != FORMAT_VERSION:
        raise ProjectError(f"unsupported format_version {version!r} (this editor reads 1 to {FORMAT_VERSION})")
    return without_shared_configs(_validated(raw, "invalid project: "))


def without_shared_configs(project: Project) -> Project:
    """Older files stored a copy of the owner's config on each sharing node (a copy that went
    stale when the owner changed); a sharing node holds none: the layer's config is the
    owner's. The schema is unchanged, so no version bump: every load drops the copies."""
    if not any(n.shares and n.config for g in project.graphs for n in g.nodes):
        return project
    graphs = tuple(g.model_copy(update={"nodes": tuple(
        n.model_copy(update={"config": {}}) if n.shares and n.config and g.layer_owner(n) is not None else n
        for n in g.nodes)}) for g in project.graphs)
    return project.model_copy(update={"graphs": graphs})


def _parsed(data: Union[str, bytes]):
    try:
        return safe_json.load(data, MAX_BYTES, MAX_DEPTH, finite=True)
    except safe_json.JSONRefused as refused:
        raise ProjectError(refused.say(_WORDING)) from None


def _validated(raw: dict, prefix: str, before: Optional[Project] = None) -> Project:
    try:
        return Project.model_validate(raw)
    except ValidationError as err:
        raise ProjectError(prefix + schema_problem(err, raw, before)) from None


_CHECKED: Optional[tuple[Project, str]] = None  # the last project `checked` passed, with its text


def checked(project: Project, before: Optional[Project] = None) -> str:
    """The file text of `project`, checked to open again: the one check of every edit
    (editor.ui.state.commit, before the edit is applied) and of every save and draft
    (editor.store.workspace), so what the editor holds can always be saved and reopened.

    Raises ProjectError in one line naming the node and field at fault (by their names
    in `before`, the project the edit started from: the names the person knows). A
    project is immutable, so the last one passed is remembered: the save that follows
    an edit's check costs nothing more."""
    global _CHECKED
    last = _CHECKED
    if last is not None and last[0] is project:
        return last[1]
    text = dumps(project)
    _validated(_parsed(text), "", before)
    _CHECKED = (project, text)
    return text


def migrate_from_1(raw: dict) -> dict:
    """A version 1 project as version 3 (2 added call-argument names, 3 blocks). In version 1 only loss nodes named their inputs;
    `input_names` anywhere else meant nothing, and in version 2 it names a layer's call
    arguments (`initial_state`...): dropped there, so an old file keeps its meaning."""
    graphs = raw.get("graphs")
    if isinstance(graphs, list):
        raw = {**raw, "graphs": [_without_layer_names(g) for g in graphs]}
    return {**raw, "format_version": FORMAT_VERSION}


def _without_layer_names(graph):
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list):
        return graph
    nodes = [{k: v for k, v in n.items() if k != "input_names"} if isinstance(n, dict) and n.get("kind") != "loss" else n
             for n in graph["nodes"]]
    return {**graph, "nodes": nodes}


def dumps(project: Project) -> str:
    """Stable, readable JSON (defaults left out so files stay short and diffable)."""
    data = project.model_dump(mode="json", exclude_defaults=True)
    data = {"format_version": FORMAT_VERSION, **data}
    text = json.dumps(data, indent=1, ensure_ascii=False)
    return _SCALAR_LIST.sub(_one_line_list, text) + "\n"


# A list holding no list or object, spread over lines by json.dumps: put it on one line.
# Newlines never occur inside JSON strings, so removing them there changes no value.
_SCALAR_LIST = re.compile(r"\[\n[^\[\]{}]*?\]")


def _one_line_list(match: re.Match) -> str:
    return re.sub(r"\n\s*\]", "]", re.sub(r"\[\n\s*", "[", re.sub(r",\n\s*", ", ", match.group(0))))


def load(path: Union[str, Path]) -> Project:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ProjectError(f"{path.name}: file too large ({size:,} bytes; limit {MAX_BYTES:,})")
        data = path.read_bytes()
    except OSError as err:
        raise ProjectError(f"{path}: {err.strerror or err}") from None
    try:
        return loads(data)
    except ProjectError as err:
        raise ProjectError(f"{path.name}: {err}") from None


def save(project: Project, path: Union[str, Path]) -> None:
    """Write atomically: a crash mid-write leaves the old file intact."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(project), encoding="utf-8")
    tmp.replace(path)
