"""The workspace project a tab edits: the start of each page run, opening projects, the
library's actions, drafts offered back and a damaged file noticed. State lives in
editor.ui.state's keys (which also saves every change); this module builds on it.

The URL carries the project id (?project=ID, plus &graph=ID for a nested graph), so a refresh, a closed tab or a
restarted server comes back to the same project. A save that finds another tab saved
first records a conflict and keeps this tab's version in the session until the person
chooses (load theirs, or save mine as a copy): nothing is overwritten silently. Until
then its version is also kept as a workspace draft named in the URL (?draft=ID), so a
reload of the tab offers it back (restore as a copy, or discard).

A workspace file damaged from outside (editor.store.workspace.Damaged, found on the next page
run or save) is set aside once per server process; every tab then goes on in one
in-memory workspace, carrying its project over under the same id, and says so.

Which project is open is one fact, state.PROJECT_ID; every way of opening one (a link, a
template, a file, an import, the library, a duplicate, a delete) goes through `_begin`.
Opening a saved project rebuilds its Undo / Redo from its latest revisions
(History.replay), so a reload keeps them. Opening a template or file whose untouched copy
is in the library reopens that copy (Workspace.untouched) instead of adding another.
"""

from __future__ import annotations

from typing import Optional

import streamlit as st

from editor.canvas import clicks
from editor import templates
from editor.model.graph import Project
from editor.model.history import History
from editor.errors import UserError
from editor.ui import state
from editor.store.workspace import MEMORY, Damaged, Workspace, WorkspaceError, clean_title, copy_title
from editor.store.workspace_shared import after_damage, memory_only, shared


def begin_run() -> None:
    """Set up a new session and move the pending notice into this run.

    ?project=ID reopens that workspace project (and ?graph=ID the graph being edited);
    ?template=ID opens that template as a workspace project whose id then replaces the
    template in the URL; a plain visit, or a link to a project that is not there (which
    says so and names what it opened), reopens the project saved last, else the default
    template.
    """
    from editor.ui.preview_cache import keras_ready

    ss = st.session_state
    starting = state.HISTORY not in ss
    if starting:
        start()
    else:
        watch()
    state.sync_url()  # also when the browser asked for this run from an address a dropped write left stale
    state.take_notice()
    if starting and ss[state.SHOWN] and not keras_ready():
        ss[state.NOTICE] = ss[state.SHOWN]  # the page reruns once when TensorFlow has loaded: say it there too


def start() -> None:
    ss = st.session_state
    ss[state.WORKSPACE], ss[state.WORKSPACE_PROBLEM] = shared()
    try:
        ss[state.WORKSPACE].check()
    except Damaged:
        ss[state.WORKSPACE], ss[state.WORKSPACE_PROBLEM] = after_damage(ss[state.WORKSPACE])
    wanted_id = st.query_params.get("project")
    missing = None  # why the project the link names cannot be opened
    if wanted_id:
        graph_param = st.query_params.get("graph")
        draft_param = st.query_params.get("draft")
        try:
            _open_saved(wanted_id)
        except WorkspaceError as err:
            missing = f"cannot open project '{wanted_id}': {err}"
        else:
            if graph_param in {g.id for g in state.history().value.graphs}:
                ss[state.GRAPH] = graph_param
            _offer_draft(draft_param)
            return
    wanted = st.query_params.get("template")
    if not wanted and _reopen_latest():  # a plain visit, or a link to a project that is not there
        _opened_instead(missing, "the project saved last")
        return
    template_id = wanted or state.DEFAULT_TEMPLATE
    try:
        project = templates.load_template(template_id)
    except UserError as err:  # UnknownTemplate, ProjectError
        ss[state.NOTICE] = state.Notice(f"cannot open template '{template_id}': {err}")
        template_id = None
        project = templates.new_project()
    label = f"open template {template_id}" if template_id else "new project"
    _open_new(project, label, f"template {template_id}" if template_id else "new project", template_id)
    _opened_instead(missing, f"template {template_id}" if template_id else "a new project")


def _opened_instead(missing: Optional[str], what: str) -> None:
    """Say what a link to a project that cannot be opened opened instead (by its title)."""
    if missing:
        message = f"{missing}; opened '{state.project().title}' ({what}) instead"
        st.session_state[state.NOTICE] = state.Notice(state.one_line_message(message))


def _reopen_latest() -> bool:
    """A plain visit (no ?project=, no ?template=) goes back to the project saved last, as a
    desktop editor reopens its last document; the default template only starts an empty library."""
    try:
        entries = state.workspace().list()
        if not entries:
            return False
        _open_saved(entries[0].id)
    except WorkspaceError:
        return False
    return True


def watch() -> None:
    """A workspace file damaged from outside is noticed on the next page run, not only at the next save."""
    try:
        state.workspace().check()
    except Damaged:
        state.carry_over(unsaved=state.conflict() is not None)


def _create(new_project_: Project, label: str) -> str:
    """Add a project to this session's workspace; if the file fails now, carry on in memory."""
    ss = st.session_state
    try:
        return ss[state.WORKSPACE].create(new_project_, label=label)
    except WorkspaceError as err:
        if ss[state.WORKSPACE].path == MEMORY:
            raise
        replaced = after_damage(ss[state.WORKSPACE]) if isinstance(err, Damaged) else (Workspace(MEMORY), memory_only(err))
        ss[state.WORKSPACE], ss[state.WORKSPACE_PROBLEM] = replaced
        return ss[state.WORKSPACE].create(new_project_, label=label)


def _open_saved(project_id_: str, source_: str = "library", template_id: Optional[str] = None) -> None:
    """Edit a workspace project at its latest revision, with Undo / Redo rebuilt from the
    revisions before it (raises WorkspaceError, and changes nothing, if it cannot be read)."""
    steps = state.workspace().steps(project_id_, state.workspace().keep)
    rebuilt = History.replay(((s.project, s.label) for s in steps), state.HISTORY_LIMIT)
    _begin(rebuilt, project_id_, steps[-1].number, source_, template_id)


def _open_new(new_project_: Project, label: str, source_: str, template_id: Optional[str] = None) -> None:
    """Edit `new_project_` as a workspace project: its untouched copy if the library has one
    (opening a template twice gives one project, not two), else a new project."""
    try:
        reused = state.workspace().untouched(new_project_)
        if reused is not None:
            _open_saved(reused, source_, template_id)
            return
    except WorkspaceError:
        pass  # no reuse then: a new project, as if none were there
    _begin(History.start(new_project_, label, state.HISTORY_LIMIT), _create(new_project_, label), 1, source_, template_id)


def _begin(history_: History, project_id: str, revision: int, source_: str, template_id: Optional[str]) -> None:
    """Make this tab edit workspace project `project_id` with this history and put it in the URL."""
    ss = st.session_state
    project_ = history_.value
    ss[state.HISTORY] = history_
    ss[state.PROJECT_ID], ss[state.REVISION] = project_id, revision
    ss[state.CONFLICT] = ss[state.SAVE_PROBLEM] = ss[state.DRAFT] = ss[state.OFFER] = None
    ss[state.GRAPH] = project_.main.id
    ss[state.CANVAS] = clicks.fresh(ss.get(state.CANVAS) or clicks.CanvasState())
    ss[state.SOURCE] = source_
    ss[state.TEMPLATE] = template_id
    state.sync_url()


def _offer_draft(draft_id: Optional[str]) -> None:
    """A reloaded tab whose URL names a draft of the project it opened offers those edits back."""
    if not draft_id:
        return
    try:
        found = state.workspace().draft(draft_id)
    except WorkspaceError:
        return  # restored or discarded already, or unreadable: nothing to offer
    if found.project_id == state.project_id():
        st.session_state[state.OFFER] = found  # and the URL keeps naming it: a second reload offers it again


def load(new_project: Project, label: str, source_: str, template_id: Optional[str] = None) -> None:
    """Open a template, a file or a new project as a workspace project (its untouched copy
    when the library has one); the previous one stays in the library as it was."""
    try:
        _open_new(new_project, label, source_, template_id)
    except WorkspaceError as err:
        state.fail(f"cannot open it: {err}")


@state.callback
def open_project(project_id_: str) -> None:
    """Edit another project of the workspace (its latest revision, with its Undo / Redo)."""
    try:
        _open_saved(project_id_)
    except WorkspaceError as err:
        state.fail(str(err))


@state.callback
def rename_project(project_id_: str, title: str, field: Optional[str] = None) -> None:
    """Rename a project: the open one through the history (undoable), another in the workspace."""
    try:
        title = clean_title(title)
        if project_id_ == state.project_id():
            state.commit(state.project().model_copy(update={"title": title}), f"rename to {title}")
        else:
            state.workspace().rename(project_id_, title)
    except WorkspaceError as err:
        state.fail(f"cannot rename: {err}", field)


def delete_open_project() -> Optional[str]:
    """Soft-delete the open project and open the most recently saved other one (a new
    project only when none is left); returns one line saying so, None if it failed."""
    title = state.project().title
    try:
        state.workspace().delete(state.project_id())
        others = state.workspace().list()
    except WorkspaceError as err:
        state.fail(f"cannot delete: {err}")
        return None
    done = f"Deleted '{title}' (restorable from Recently deleted)"
    for other in others:
        try:
            _open_saved(other.id)
        except WorkspaceError:
            continue  # one that cannot be read: try the next
        return f"{done}; now editing '{state.project().title}'."
    load(templates.new_project(), "new project", "new project")
    return f"{done}; it was the last project, so a new one was started."


def open_copy(label: str) -> Optional[str]:
    """Keep this tab's version of the project as a new project and go on editing that;
    returns the copy's title, None if it could not be saved."""
    mine = state.project().model_copy(update={"title": copy_title(state.project().title)})
    try:
        new_id = _create(mine, label)
    except WorkspaceError as err:
        state.fail(f"cannot save a copy: {err}")
        return None
    _begin(History.start(mine, label, state.HISTORY_LIMIT), new_id, 1, "library", None)
    return mine.title


@state.callback
def restore_revision(number: int) -> None:
    """Bring back an earlier revision as the next one (undoable; history is never rewritten)."""
    try:
        old = state.workspace().revision(state.project_id(), number)
    except WorkspaceError as err:
        state.fail(f"cannot restore: {err}")
        return
    state.commit(old, f"restore revision {number}")


@state.callback
def load_theirs() -> None:
    """After a conflict: take the version saved elsewhere (this tab's stays one undo away)."""
    try:
        theirs = state.workspace().latest(state.project_id())
    except WorkspaceError as err:
        state.fail(f"cannot load the other version: {err}")
        return
    state.commit(theirs.project, "load the version saved in another tab")
    if state.project() == theirs.project:  # also when this tab already held the same content
        st.session_state[state.REVISION], st.session_state[state.CONFLICT] = theirs.revision, None


@state.callback
def save_mine_as_copy() -> None:
    """After a conflict: keep this tab's version as a new project and go on editing that."""
    draft_id = st.session_state.get(state.DRAFT)
    if open_copy("copy saved after a conflict") is not None and draft_id:
        st.session_state[state.DRAFT] = draft_id
        state.drop_draft()


def restore_draft() -> Optional[str]:
    """Open the offered unsaved edits as a new project (a copy: the project they were made
    on stays as saved); returns its title, None if it failed (and says why)."""
    offer = state.draft_offer()
    if offer is None:
        return None
    try:
        _open_saved(state.workspace().restore_draft(offer.id))
    except WorkspaceError as err:
        st.session_state[state.OFFER] = None
        state.fail(f"cannot restore your unsaved edits: {err}")
        return None
    return state.project().title


def discard_draft() -> None:
    """Let the offered unsaved edits go."""
    offer = state.draft_offer()
    st.session_state[state.OFFER] = None
    if offer is not None:
        st.session_state[state.DRAFT] = offer.id
        state.drop_draft()
