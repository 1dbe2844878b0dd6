"""The project library in the sidebar (open, rename, duplicate, delete, restore), above the
inspector the project bar (save status, revisions, download), and above the canvas the
conflict notice and the offer of a reloaded tab's unsaved edits.

Every action goes through editor.ui.state, which owns the workspace and the saving; this
module only draws widgets and reads the workspace to list what is there.

The library always acts on the project open in the editor: the "Projects" select shows
it, and choosing another one there opens that one. Title, Duplicate, Delete and the
revisions are the open project's, so no second "selected project" can drift away from
it. Duplicate and restoring a deleted project open the result, where the person sees it.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Optional

import streamlit as st

from editor.files import project_files
from editor.ui import runs, state, widgets, workspace_session
from editor.ui.fields import md
from editor.store.workspace import MEMORY, Entry, WorkspaceError

MESSAGE = "kgs.library.message"  # one line about the last library action, shown once


def ago(then: float, now: Optional[float] = None) -> str:
    """'just now', '5 min ago', '3 h ago', else the local date and time."""
    seconds = (time.time() if now is None else now) - then
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(then))


def status_line() -> str:
    """How this tab's project stands in the workspace, in one line."""
    if state.conflict() is not None:
        return f"Not saved: another tab saved revision {state.conflict()} first (see above the canvas)."
    if state.save_problem():
        return f"{state.save_problem()}. Your work is still here in this tab."
    if state.workspace().path == MEMORY and state.workspace_problem():  # the file failed: nothing is on disk
        return f"Not saved to disk: kept in memory only (see the Library) · revision {state.revision()}"
    where = " (in memory only)" if state.workspace().path == MEMORY else ""
    return f"Saved{where} · revision {state.revision()}"


def show_conflict(key: str = "conflict") -> None:
    """One line and two ways out when another tab saved this project first."""
    theirs = state.conflict()
    if theirs is None:
        return
    st.warning(f"Another tab saved this project first (revision {theirs}); your changes here are not saved yet.")
    cols = st.columns(2)
    cols[0].button("Load the other tab's version", key=f"{key}.theirs", on_click=workspace_session.load_theirs,
                   width="stretch", help="Yours stays one undo away.")
    cols[1].button("Save mine as a copy", key=f"{key}.copy", on_click=workspace_session.save_mine_as_copy, type="primary",
                   width="stretch", help="A new project with your version; the other tab's stays as it is.")


def show_draft_offer(key: str = "draft") -> None:
    """One line and two ways out when this tab was reloaded with edits that were not saved."""
    offer = state.draft_offer()
    if offer is None:
        return
    why = ": another tab saved this project first" if state.revision() > offer.base else ""  # else a save failed
    st.warning(f"This tab was reloaded with edits that were not saved{why} "
               f"(yours started from revision {offer.base}; last edit {ago(offer.updated)}).")
    cols = st.columns(2)
    cols[0].button("Restore my unsaved edits as a copy", key=f"{key}.restore", on_click=_restore_draft,
                   type="primary", width="stretch", help="A new project with those edits; this one stays as saved.")
    cols[1].button("Discard them", key=f"{key}.discard", on_click=state.callback(workspace_session.discard_draft),
                   width="stretch")


@state.callback
def _restore_draft() -> None:
    title = workspace_session.restore_draft()
    if title is not None:
        st.session_state[MESSAGE] = f"Your unsaved edits are restored as '{title}', open here."


def show(key: str = "library") -> None:
    st.subheader("Library")
    if state.workspace_problem():
        st.warning(md(state.workspace_problem()))
    message = st.session_state.pop(MESSAGE, None)
    if message:
        st.success(md(message))
    try:
        entries = state.workspace().list()
        deleted = state.workspace().list_deleted()
    except WorkspaceError as err:
        st.error(md(f"The library cannot be read: {err}"))
        return
    current = state.project_id()
    _projects(key, entries, current)
    _deleted(key, deleted)


def _label(entry: Entry, current: str, training: frozenset = frozenset()) -> str:
    """The open project's label says no node count or time: an edit changes those, and an
    edit does not redraw the sidebar (editor.ui.page_scope)."""
    training_mark = " · training" if entry.id in training else ""  # its run goes on while any tab is open
    if entry.id == current:
        return f"{entry.title} (open here){training_mark}"
    return f"{entry.title}{training_mark} · {entry.summary} · {ago(entry.updated)}"


def _projects(key: str, entries: list[Entry], current: str) -> None:
    by_id = {e.id: e for e in entries}
    if current not in by_id:
        try:
            info = state.workspace().info(current)
        except WorkspaceError:
            info = None
        if info is not None and info.deleted is not None:
            st.caption("This project is in Recently deleted; your edits are still saved.")
            st.button("Restore it to the library", key=f"{key}.undelete_current", on_click=_restore,
                      args=(current,), width="stretch")
        if info is not None:
            by_id = {current: info, **by_id}
    if current in by_id:
        training = frozenset(runs.training_now())
        labels = {i: _label(e, current, training) for i, e in by_id.items()}
        # The browser keeps a select's shown text when only its option labels change (a rename,
        # "1 min ago"): a key made of the labels gives a fresh select, showing the open project.
        pick = f"{key}.pick.{hashlib.sha256(repr(labels).encode()).hexdigest()[:12]}"
        st.selectbox("Projects", list(labels), key=pick, index=list(labels).index(current), format_func=labels.get,
                     on_change=_picked, args=(pick,),
                     help="Every project of this workspace, most recently saved first. Choose one to open it.")
    title_key = f"{key}.title.{current}"
    st.text_input("Title", key=title_key, max_chars=200, help="Press Enter to rename.",
                  **widgets.bind(title_key, state.project().title, on_change=_renamed, args=(current, title_key)))
    refused = state.field_notice(title_key)
    if refused:
        st.error(md(refused))
    cols = st.columns(2)
    cols[0].button("Duplicate", key=f"{key}.duplicate", on_click=_duplicate, width="stretch",
                   help="A new project with a copy of this one, opened here")
    cols[1].button("Delete", key=f"{key}.delete", on_click=_delete, width="stretch",
                   help="Moves it to Recently deleted, from where it can be restored; "
                   "the project saved most recently opens in its place")


def show_project_bar(key: str = "project") -> None:
    """Above the inspector, in one row: how the open project stands (saved, which revision),
    its revisions to restore, and its download. Every edit changes them, so they are drawn
    with the editor area, not in the sidebar."""
    project = state.project()
    cols = st.columns([2.2, 1.4, 1.4], vertical_alignment="center")
    cols[0].caption(md(status_line()))
    with cols[1]:
        _revisions(key, state.project_id())
    cols[2].download_button(
        "Download (.json)", data=lambda: project_files.dumps(project), file_name=f"{_slug(project.title)}.json",
        mime="application/json", key=f"{key}.download", on_click="ignore", width="stretch",
        help="This project as a .json file, to open here again (Open a project file) or elsewhere",
    )


def _slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_").lower() or "project"


def _revisions(key: str, current: str) -> None:
    try:
        revisions = state.workspace().revisions(current)
    except WorkspaceError as err:
        st.caption(md(f"Revisions cannot be read: {err}"))
        return
    with st.popover(f"Revisions ({len(revisions)})", width="stretch"):
        if not revisions:
            st.caption("None saved yet.")
            return
        by_number = {r.number: r for r in revisions}
        pick = f"{key}.revision.{current}.{revisions[0].number}"  # a new revision or project: the newest again
        number = st.selectbox("Revision", list(by_number), key=pick,
                              format_func=lambda n: _revision_label(by_number[n]))
        latest = number == revisions[0].number
        st.button("Restore this revision", key=f"{key}.restore_revision", on_click=workspace_session.restore_revision,
                  args=(number,), disabled=latest, width="stretch",
                  help="This is the latest revision" if latest else "Saved again as the newest revision; "
                  "nothing in between is lost")
        st.caption(f"The last {state.workspace().keep} revisions are kept.")


def _revision_label(info) -> str:
    what = f" · {info.label}" if info.label else ""
    return f"{info.number} · {ago(info.created)}{what} · {info.summary}"


def _deleted(key: str, deleted: list[Entry]) -> None:
    with st.expander(f"Recently deleted ({len(deleted)})"):
        if not deleted:
            st.caption("Nothing deleted.")
            return
        by_id = {e.id: e for e in deleted}
        pick = f"{key}.deleted"
        if st.session_state.get(pick) not in by_id:
            st.session_state[pick] = deleted[0].id
        st.selectbox("Deleted project", list(by_id), key=pick,
                     format_func=lambda i: f"{by_id[i].title} · {by_id[i].summary} · deleted {ago(by_id[i].deleted)}")
        st.button("Restore", key=f"{key}.undelete", on_click=_restore, args=(st.session_state[pick],),
                  width="stretch")


@state.callback
def _renamed(project_id: str, title_key: str) -> None:
    workspace_session.rename_project(project_id, st.session_state.get(title_key, ""), field=title_key)


@state.callback
def _picked(pick: str) -> None:
    chosen = st.session_state.get(pick)
    if chosen and chosen != state.project_id():
        workspace_session.open_project(chosen)


@state.callback
def _duplicate() -> None:
    title = workspace_session.open_copy(f"copy of {state.project().title}")
    if title is not None:
        st.session_state[MESSAGE] = f"Duplicated: now editing '{title}'."


@state.callback
def _delete() -> None:
    done = workspace_session.delete_open_project()
    if done is not None:
        st.session_state[MESSAGE] = done


@state.callback
def _restore(project_id: str) -> None:
    try:
        state.workspace().restore(project_id)
    except WorkspaceError as err:
        state.fail(f"cannot restore: {err}")
        return
    if project_id != state.project_id():
        workspace_session.open_project(project_id)
    if project_id == state.project_id():
        st.session_state[MESSAGE] = f"Restored '{state.project().title}' to the library; it is open here."
