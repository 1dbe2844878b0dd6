"""The model the editor area draws: its project, preview and problems, for the parts of the
area (editor.ui.page_scope) that draw from it. In a run of the whole area they take what its
start computed (`keep`); rerun alone after an edit, they find the project changed and
preview it again (`current`: built once per project content, see editor.ui.preview_cache)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import streamlit as st

from editor.model.graph import Project
from editor.ui import preview_cache, state
from editor.ui.preview_cache import Preview

KEY = "kgs.shown_model"


@dataclass(frozen=True)
class Shown:
    project: Project
    graph_id: str
    digest: str
    preview: Optional[Preview]
    structural: tuple = ()  # problems found without building, while there is no preview


def keep(shown: Shown) -> None:
    st.session_state[KEY] = shown


def current() -> Shown:
    """What the editor area draws now: kept by its run, or made for the project as it is."""
    project, graph_id = state.project(), state.graph_id()
    found = st.session_state.get(KEY)
    if found is not None and found.project is project and found.graph_id == graph_id:
        return found
    digest = preview_cache.digest(project)
    preview = preview_cache.cached_preview(digest, graph_id)
    if preview is None and preview_cache.keras_ready():
        preview = preview_cache.preview(project, graph_id, digest)
    structural = ()
    if preview is None:
        from editor.model.validate import check_project

        structural = tuple(check_project(project))
    found = Shown(project, graph_id, digest, preview, structural)
    keep(found)
    return found


def kept_shapes(node_id: str) -> tuple:
    """The output shapes of a node as the last run drew them (() if unknown)."""
    found = st.session_state.get(KEY)
    return _shapes(found.preview if found is not None else None, node_id)


def shapes(node_id: str) -> tuple:
    """The output shapes of a node in the project as it is now (() if unknown)."""
    return _shapes(current().preview, node_id)


def _shapes(preview: Optional[Preview], node_id: str) -> tuple:
    return tuple((preview.shapes.get(node_id) or ()) if preview is not None else ())
