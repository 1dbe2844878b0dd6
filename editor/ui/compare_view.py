"""The diff overlay: compare the open project with one of its revisions or
another project of the library. The canvas marks added nodes green, changed ones amber
and draws removed ones as red ghosts where they were; under it, every change in one
line (editor.diff), the shape and parameter deltas and which weights would still load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import streamlit as st

from editor import diff as project_diff
from editor.canvas.drawing import ghost_nodes
from editor.canvas.looks import shape_text
from editor.model.graph import Project
from editor.ui import state
from editor.ui.preview_cache import diff_deltas, keras_ready
from editor.ui.fields import md
from editor.store.workspace import WorkspaceError

KEY = "compare.with"
NOTHING = ""


def _choices() -> dict[str, str]:
    """Option -> label: revisions of this project (newest first), then other projects."""
    choices = {NOTHING: "nothing"}
    project_id = state.project_id()
    try:
        workspace = state.workspace()
        if project_id:
            for info in workspace.revisions(project_id)[1:]:
                choices[f"rev:{info.number}"] = f"revision {info.number}" + (f" · {info.label}" if info.label else "")
        for entry in workspace.list():
            if entry.id != project_id:
                choices[f"project:{entry.id}"] = f"project '{entry.title}'"
    except WorkspaceError:
        pass
    return choices


def show_choice(key: str = KEY) -> None:
    choices = _choices()
    if st.session_state.get(key) not in choices:
        st.session_state[key] = NOTHING
    # Options are plain text (no Markdown): escaping would show `main\_output` as typed.
    # Its callback does nothing: a callback's return reruns the whole editor area (state.callback),
    # which draws the overlay and the list of changes; without one, this part alone would rerun.
    st.selectbox("Compare with", list(choices), key=key, format_func=lambda c: " ".join(choices[c].split()),
                 on_change=state.callback(lambda: None),
                 help="Marks what changed since a revision of this project, or against another project.")


def other() -> Optional[Project]:
    """The project compared with, or None."""
    chosen = st.session_state.get(KEY, NOTHING)
    if not chosen:
        return None
    kind, _, ident = chosen.partition(":")
    try:
        if kind == "rev":
            return state.workspace().revision(state.project_id(), int(ident))
        if kind == "project":
            return state.workspace().latest(ident).project
    except (WorkspaceError, ValueError):
        return None
    return None


@dataclass(frozen=True)
class Comparison:
    """The project compared with and what changed since it (worked out once per rerun)."""

    old: Project
    found: project_diff.ProjectDiff


def comparison(project: Project) -> Optional[Comparison]:
    old = other()
    return None if old is None else Comparison(old, project_diff.diff(old, project))


def overlay(compared: Optional[Comparison], project: Project, graph_id: str) -> tuple[dict, list]:
    """(marks for drawing.canvas_nodes, ghost node dicts) of graph `graph_id`."""
    if compared is None:
        return {}, []
    changes = [c for c in compared.found.nodes if c.graph_id == graph_id]  # by id: a renamed graph's too
    marks = {c.node_id: c.status for c in changes if c.status != "removed"}
    removed = [c.node_id for c in changes if c.status == "removed"]
    old_graph = next((g for g in compared.old.graphs if g.id == graph_id), None)
    return marks, ghost_nodes(old_graph, removed) if old_graph is not None else []


def show_changes(compared: Optional[Comparison], project: Project) -> None:
    """Every change in one line, then what the builds say (parameters, weights)."""
    if compared is None:
        return
    found = compared.found
    if found.equal:
        st.caption("No changes from the version compared with.")
        return
    with st.expander(f"Changes ({len(found.lines())})", expanded=True):
        st.markdown("\n".join(f"- {md(line)}" for line in found.lines()))
        extra = diff_deltas(compared.old, project) if keras_ready() else None
        if extra is None:
            return
        names = {n.id: n.name for n in project.main.nodes}
        for node_id, (shape_a, shape_b, params_a, params_b) in extra.nodes.items():
            st.caption(md(f"{names[node_id]}: {shape_text(shape_a) or 'none'} → {shape_text(shape_b) or 'none'}, "
                          f"{params_a:,} → {params_b:,} parameters"))
        change = extra.total[1] - extra.total[0]
        st.caption(f"Parameters: {extra.total[0]:,} → {extra.total[1]:,} ({change:+,})")
        st.caption(md(f"Trained weights that would still load by layer name: {', '.join(extra.loads) or 'none'}"
                      + (f"; not: {', '.join(extra.not_loading)}" if extra.not_loading else "")))
