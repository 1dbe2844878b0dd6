"""Session state of the editor and the one way to change the project: `edit_graph`.

Keys owned here (all under "kgs."): the undo history of Projects (editor.model.history), the
graph being edited, the canvas state (selection, click mode, last canvas report), the
one-line notice of the last refused edit, the workspace project this tab edits (id and
the revision it last saved or loaded), and bookkeeping for widgets that mirror the
project. Panels never write the project themselves: they call `edit_graph` / `commit`
/ `undo` / `redo`, which run a pure edit, catch a UserError as a one-line notice naming
the node, and leave the project unchanged when it fails. Every change is first checked
to save and reopen (`commit`: editor.files.project_files.checked, the project schema), then
saved at once (`_set_history` -> `save`): a conflict or a failed save keeps this tab's
version as a workspace draft, a damaged file moves the tab to memory (`carry_over`). Opening projects, the start of a
run and the library's actions build on this module in editor.ui.workspace_session.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, replace
from typing import Callable, Optional, Union

import streamlit as st
from pydantic import ValidationError

from editor.canvas import clicks, placement
from editor.files import project_files
from editor import templates
from editor.errors import UserError
from editor.model.graph import Graph, Node, Project
from editor.model.schema_messages import first_error
from editor.model.history import History
from editor.store.workspace import Conflict, Damaged, Draft, Workspace, WorkspaceError
from editor.store.workspace_shared import after_damage
from editor.ui import parts

HISTORY = "kgs.history"
GRAPH = "kgs.graph"
CANVAS = "kgs.canvas"
NOTICE = "kgs.notice"  # set by a callback, shown by the next run
SHOWN = "kgs.notice_shown"  # the notice of this run
SOURCE = "kgs.source"  # where the project came from ("template mlp", "file x.json", "new")
TEMPLATE = "kgs.template"  # template id of the project, if it is one
UPLOADS = "kgs.uploads"  # counter that resets the file uploader after a load
WORKSPACE = "kgs.workspace"  # the Workspace this session saves to
WORKSPACE_PROBLEM = "kgs.workspace_problem"  # one line when the file could not be used
PROJECT_ID = "kgs.project_id"  # the workspace project this tab edits
REVISION = "kgs.revision"  # the revision this tab last saved or loaded (base of the next save)
CONFLICT = "kgs.conflict"  # latest revision saved elsewhere, when a save found one; else None
SAVE_PROBLEM = "kgs.save_problem"  # one line when the last save failed for another reason
DRAFT = "kgs.draft"  # id of the workspace draft keeping this tab's unsaved version (after a conflict)
OFFER = "kgs.draft_offer"  # the Draft a reloaded tab offers back (restore as a copy, or discard)

DEFAULT_TEMPLATE = "mlp"
HISTORY_LIMIT = 100


@dataclass(frozen=True)
class Notice:
    message: str
    field: Optional[str] = None  # widget key of the field that was refused


EditResult = Union[Graph, tuple[Graph, Optional[str]]]


# ----------------------------------------------------------------------------- start of a run


# ----------------------------------------------------------------------------- reading


def history() -> History:
    return st.session_state[HISTORY]


def project() -> Project:
    return history().value


def graph_id() -> str:
    """The graph being edited (the main one if the stored id no longer exists)."""
    wanted = st.session_state.get(GRAPH)
    ids = {g.id for g in project().graphs}
    return wanted if wanted in ids else project().main.id


def graph() -> Graph:
    return project().graph(graph_id())


def canvas_state() -> clicks.CanvasState:
    found = st.session_state.get(CANVAS) or clicks.CanvasState()
    if found.selection and graph().get(found.selection) is None:
        found = replace(found, selection=None, mode="select")
    return found


def selection() -> Optional[str]:
    return canvas_state().selection


def selected_node() -> Optional[Node]:
    node_id = selection()
    return graph().get(node_id) if node_id else None


def take_notice() -> None:
    """Make the notice a callback left the notice of this run (shown once, then gone)."""
    st.session_state[SHOWN] = st.session_state.pop(NOTICE, None)


def keep_notice() -> None:
    """Show this run's notice again in the next run (a rerun the person did not cause)."""
    if st.session_state.get(SHOWN) is not None and NOTICE not in st.session_state:
        st.session_state[NOTICE] = st.session_state[SHOWN]


def notice() -> Optional[Notice]:
    """The notice of this run (from the edit that triggered it), if any."""
    return st.session_state.get(SHOWN)


def field_notice(key: str) -> Optional[str]:
    found = notice()
    return found.message if found and found.field == key else None


def general_notice() -> Optional[Notice]:
    found = notice()
    return found if found and not found.field else None


def source() -> str:
    return st.session_state.get(SOURCE, "")


def workspace() -> Workspace:
    return st.session_state[WORKSPACE]


def workspace_problem() -> Optional[str]:
    return st.session_state.get(WORKSPACE_PROBLEM)


def project_id() -> str:
    return st.session_state[PROJECT_ID]


def revision() -> int:
    return st.session_state[REVISION]


def conflict() -> Optional[int]:
    """The revision another tab saved when this tab's last save found it, else None."""
    return st.session_state.get(CONFLICT)


def save_problem() -> Optional[str]:
    return st.session_state.get(SAVE_PROBLEM)


def draft_offer() -> Optional[Draft]:
    """The unsaved edits a reloaded tab offers back, if any."""
    return st.session_state.get(OFFER)


# ----------------------------------------------------------------------------- changing


def callback(fn: Callable) -> Callable:
    """Wrap a widget callback: an unexpected failure becomes a one-line notice, never a
    traceback (callbacks run before the page script, outside its guards); a widget inside
    a part of the editor area then reruns all of it (editor.ui.parts)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        depth = getattr(_CALLS, "depth", 0)
        _CALLS.depth = depth + 1
        result = None
        try:
            result = fn(*args, **kwargs)
        except Exception as err:  # Streamlit's rerun/stop signals are BaseExceptions and pass
            from editor.model.problems import one_line

            fail(f"the last change failed unexpectedly: {one_line(err)}")
        finally:
            _CALLS.depth = depth
        if depth == 0:
            parts.widen()  # a widget inside a part of the editor area: rerun all of it
        return result

    return run


_CALLS = threading.local()  # how deep in callbacks this thread is (one calls another: widen once)


def set_canvas_state(value: clicks.CanvasState) -> None:
    st.session_state[CANVAS] = value


@callback
def select(node_id: Optional[str]) -> None:
    set_canvas_state(replace(canvas_state(), selection=node_id, mode="select"))


@callback
def set_mode(mode: str) -> None:
    set_canvas_state(replace(canvas_state(), mode=mode if mode in clicks.MODES else "select"))


@callback
def set_graph(graph_id_: str) -> None:
    if graph_id_ in {g.id for g in project().graphs} and graph_id_ != graph_id():
        st.session_state[GRAPH] = graph_id_
        set_canvas_state(clicks.fresh(canvas_state()))
        sync_url()


def url_params() -> dict[str, str]:
    """What the address bar says for this tab: the open project, the nested graph being
    edited (not the main one) and the draft that keeps or offers unsaved edits."""
    params = {"project": project_id()}
    if graph_id() != project().main.id:
        params["graph"] = graph_id()
    offer = draft_offer()
    draft = st.session_state.get(DRAFT) or (offer.id if offer is not None else None)
    if draft:
        params["draft"] = draft
    return params


def sync_url() -> None:
    """Make the address bar name what this tab holds, in one message, if it does not yet.

    Called whenever that changes and at the start and end of every run: Streamlit drops
    a query-parameter write that meets a rerun the browser asked for meanwhile (the write
    is an interruption point: st.query_params raises the rerun before sending it), and
    the rerun then starts from the browser's old address. Writing the URL from the state
    at every run repairs that within the run that follows, so a reload never opens the
    previous project."""
    wanted = url_params()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def fail(message: str, field: Optional[str] = None) -> None:
    st.session_state[NOTICE] = Notice(one_line_message(message), field)


def one_line_message(message: str) -> str:
    return " ".join(str(message).split())


def describe_error(err: BaseException) -> str:
    """One line for an exception an edit raised (pydantic errors: the first one, with its field)."""
    return one_line_message(first_error(err))


def commit(new_project: Project, label: str, field: Optional[str] = None) -> bool:
    """Make `new_project` the next version if its file would open again: every edit is
    checked against the project schema (a name of at most 128 characters...) before it is
    applied, so nothing a save would refuse enters the history. Else say why in one line,
    as a notice of `field` if given, and change nothing; returns whether it applied."""
    try:
        project_files.checked(new_project, project())
    except UserError as err:
        fail(str(err), field)
        return False
    if history().takes_back(new_project, label):  # a field's own undo, committed: the same as Undo
        _set_history(history().undo(), history().undo_entry)
    else:
        _set_history(history().push(new_project, label), label)
    return True


def _set_history(new_history: History, label: str) -> None:
    """The one place the project changes: keep the new history and save its value."""
    changed = new_history.revision != history().revision
    st.session_state[HISTORY] = new_history
    if changed:
        save(label)


def carry_over(unsaved: bool) -> None:
    """Move this tab off its damaged workspace file, keeping its project (same id) in the
    replacement; `unsaved`: this tab's version is newer than what it last saved."""
    ss = st.session_state
    ss[WORKSPACE], ss[WORKSPACE_PROBLEM] = after_damage(ss[WORKSPACE])
    number = ss[REVISION] + (1 if unsaved else 0)
    try:
        if ss[WORKSPACE].adopt(ss[PROJECT_ID], project(), number, "carried over from the damaged file"):
            ss[REVISION], ss[CONFLICT], ss[SAVE_PROBLEM] = number, None, None
        elif unsaved:
            save("carried over from the damaged file")  # another tab carried it over first
    except WorkspaceError as err:
        ss[SAVE_PROBLEM] = one_line_message(f"not saved: {err}")


def save(label: str) -> None:
    """Save the project as the next revision; a conflict or failure is recorded, never raised."""
    ss = st.session_state
    try:
        ss[REVISION] = ss[WORKSPACE].save(ss[PROJECT_ID], project(), ss[REVISION], label)
    except Conflict as err:
        ss[CONFLICT] = err.latest
        _keep_draft()
        return
    except Damaged:
        carry_over(unsaved=True)
        return
    except WorkspaceError as err:
        ss[SAVE_PROBLEM] = one_line_message(f"not saved: {err}")
        _keep_draft()  # any failure, not only a conflict: a reload offers this version back
        return
    ss[CONFLICT] = ss[SAVE_PROBLEM] = None
    drop_draft()


def _keep_draft() -> None:
    """Keep this tab's unsaved version (a save met a conflict or failed) as a workspace
    draft named in the URL (?draft=ID), so a reload of the tab can offer it back; a draft
    overwrites no saved revision."""
    ss = st.session_state
    try:
        ss[DRAFT] = ss[WORKSPACE].save_draft(ss[PROJECT_ID], project(), ss[REVISION], ss.get(DRAFT))
    except WorkspaceError:
        return  # the version is still in this tab, and the conflict line says it is not saved
    sync_url()


def drop_draft() -> None:
    """This tab's version is saved now (or was let go): its draft is no longer needed."""
    draft_id = st.session_state.get(DRAFT)
    st.session_state[DRAFT] = None
    if draft_id:
        try:
            workspace().discard_draft(draft_id)
        except WorkspaceError:
            pass  # a stale draft is only offered to a tab whose URL names it
        sync_url()


def edit_graph(
    label: str,
    change: Callable[[Graph], EditResult],
    *,
    field: Optional[str] = None,
    node_name: Optional[str] = None,
    select_new: bool = False,
) -> bool:
    """Apply a pure edit to the graph being edited; on failure keep the graph and say why.

    `change` returns the new graph, or (new graph, new node id) for edits that add a
    node (then `select_new` selects it). `node_name` prefixes messages that do not name
    a node already.
    """
    try:
        before = graph()
        result = change(before)
        new_graph, new_id = result if isinstance(result, tuple) else (result, None)
        updated = project().replace_graph(placement.keep_in_place(before, new_graph))
    except (UserError, ValidationError) as err:  # anything else is a bug: callback() says so
        message = describe_error(err)
        if node_name and f"'{node_name}'" not in message:
            message = f"node '{node_name}': {message}"
        fail(message, field)
        return False
    if not commit(updated, label, field):
        return False
    if select_new and new_id:
        select(new_id)
    return True


@callback
def add_graph() -> None:
    """Add a nested model to the project and open it."""
    updated, new_id = templates.with_new_graph(project())
    commit(updated, f"new nested model {new_id}")
    set_graph(new_id)


@callback
def undo() -> None:
    _set_history(history().undo(), history().undo_entry)


@callback
def redo() -> None:
    _set_history(history().redo(), history().redo_entry)


def next_upload_key(prefix: str) -> str:
    return f"{prefix}.{st.session_state.get(UPLOADS, 0)}"


def reset_upload() -> None:
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
