"""Session state of the editor and the one way to change the project: `edit_graph`.

Keys owned here (all under "kgs."): the undo history of Projects (editor.history), the
graph being edited, the canvas state (selection, click mode, last canvas report), the
one-line notice of the last refused edit, the workspace project this tab edits (id and
the revision it last saved or loaded), and bookkeeping for widgets that mirror the
project. Panels never write the project themselves: they call `edit_graph` /
`load` / `undo` / `redo`, which run a pure edit, catch every
EditError / ValueError as a one-line notice naming the node, and leave the project
unchanged when it fails.

Every change of the project is saved to the workspace (editor.workspace) right there,
in `_set_history`, so nothing else has to remember to save. The URL carries the project
id (?project=ID, plus &graph=ID for a nested graph), so a refresh, a closed tab or a
restarted server comes back to the same project. A save that finds another tab saved
first records a conflict and keeps this tab's version in the session until the person
chooses (load theirs, or save mine as a copy): nothing is overwritten silently. Until
then its version is also kept as a workspace draft named in the URL (?draft=ID), so a
reload of the tab offers it back (restore as a copy, or discard).

A workspace file damaged from outside (editor.workspace.Damaged, found on the next page
run or save) is set aside once per server process; every tab then goes on in one
in-memory workspace, carrying its project over under the same id, and says so.

Which project is open is one fact, PROJECT_ID; every way of opening one (a link, a
template, a file, an import, the library, a duplicate, a delete) goes through `_begin`.
Opening a saved project rebuilds its Undo / Redo from its latest revisions
(History.replay), so a reload keeps them. Opening a template or file whose untouched copy
is in the library reopens that copy (Workspace.untouched) instead of adding another.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional, Union

import streamlit as st

from editor import canvas_logic
from editor.edits import EditError
from editor.expr import ExprError
from editor.graph import Graph, Node, Output, Project, Ref, Training
from editor.history import History
from editor.project_files import ProjectError
from editor.ui.fields import FieldError
from editor.workspace import MEMORY, Conflict, Damaged, Draft, Workspace, WorkspaceError, clean_title, copy_title
from editor.workspace_shared import after_damage, memory_only, shared

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


def begin_run() -> None:
    """Set up a new session and move the pending notice into this run.

    ?project=ID reopens that workspace project (and ?graph=ID the graph being edited);
    otherwise ?template=ID, or the default template, becomes a new workspace project
    whose id then replaces the template in the URL.
    """
    from editor.ui.preview_cache import keras_ready

    ss = st.session_state
    starting = HISTORY not in ss
    if starting:
        _start_session()
    else:
        _watch_workspace()
    ss[SHOWN] = ss.pop(NOTICE, None)
    if starting and ss[SHOWN] and not keras_ready():
        ss[NOTICE] = ss[SHOWN]  # the page reruns once when TensorFlow has loaded: say it there too


def _start_session() -> None:
    from editor.templates import load_template

    ss = st.session_state
    ss[WORKSPACE], ss[WORKSPACE_PROBLEM] = shared()
    try:
        ss[WORKSPACE].check()
    except Damaged:
        ss[WORKSPACE], ss[WORKSPACE_PROBLEM] = after_damage(ss[WORKSPACE])
    wanted_id = st.query_params.get("project")
    if wanted_id:
        graph_param = st.query_params.get("graph")
        draft_param = st.query_params.get("draft")
        try:
            _open_saved(wanted_id)
        except WorkspaceError as err:
            ss[NOTICE] = Notice(one_line_message(f"cannot open project '{wanted_id}': {err}; opened a new project"))
        else:
            if graph_param in {g.id for g in history().value.graphs}:
                ss[GRAPH] = graph_param
                st.query_params["graph"] = graph_param
            _offer_draft(draft_param)
            return
    wanted = st.query_params.get("template")
    if not wanted_id and not wanted and _reopen_latest():
        return
    template_id = wanted or DEFAULT_TEMPLATE
    try:
        project = load_template(template_id)
    except (KeyError, ProjectError) as err:
        message = err.args[0] if err.args else str(err)
        ss[NOTICE] = Notice(f"cannot open template '{template_id}': {message}")
        template_id = None
        project = new_project()
    label = f"open template {template_id}" if template_id else "new project"
    _open_new(project, label, f"template {template_id}" if template_id else "new project", template_id)


def _reopen_latest() -> bool:
    """A plain visit (no ?project=, no ?template=) goes back to the project saved last, as a
    desktop editor reopens its last document; the default template only starts an empty library."""
    try:
        entries = workspace().list()
        if not entries:
            return False
        _open_saved(entries[0].id)
    except WorkspaceError:
        return False
    return True


def _carry_over(unsaved: bool) -> None:
    """Move this tab off its damaged workspace file, keeping its project (same id) in the
    replacement; `unsaved`: this tab's version is newer than what it last saved."""
    ss = st.session_state
    ss[WORKSPACE], ss[WORKSPACE_PROBLEM] = after_damage(ss[WORKSPACE])
    number = ss[REVISION] + (1 if unsaved else 0)
    try:
        if ss[WORKSPACE].adopt(ss[PROJECT_ID], project(), number, "carried over from the damaged file"):
            ss[REVISION], ss[CONFLICT], ss[SAVE_PROBLEM] = number, None, None
        elif unsaved:
            _save("carried over from the damaged file")  # another tab carried it over first
    except WorkspaceError as err:
        ss[SAVE_PROBLEM] = one_line_message(f"not saved: {err}")


def _watch_workspace() -> None:
    """A workspace file damaged from outside is noticed on the next page run, not only at the next save."""
    try:
        workspace().check()
    except Damaged:
        _carry_over(unsaved=conflict() is not None)


def _create(new_project_: Project, label: str) -> str:
    """Add a project to this session's workspace; if the file fails now, carry on in memory."""
    ss = st.session_state
    try:
        return ss[WORKSPACE].create(new_project_, label=label)
    except WorkspaceError as err:
        if ss[WORKSPACE].path == MEMORY:
            raise
        replaced = after_damage(ss[WORKSPACE]) if isinstance(err, Damaged) else (Workspace(MEMORY), memory_only(err))
        ss[WORKSPACE], ss[WORKSPACE_PROBLEM] = replaced
        return ss[WORKSPACE].create(new_project_, label=label)


def _open_saved(project_id_: str, source_: str = "library", template_id: Optional[str] = None) -> None:
    """Edit a workspace project at its latest revision, with Undo / Redo rebuilt from the
    revisions before it (raises WorkspaceError, and changes nothing, if it cannot be read)."""
    steps = workspace().steps(project_id_, workspace().keep)
    rebuilt = History.replay(((s.project, s.label) for s in steps), HISTORY_LIMIT)
    _begin(rebuilt, project_id_, steps[-1].number, source_, template_id)


def _open_new(new_project_: Project, label: str, source_: str, template_id: Optional[str] = None) -> None:
    """Edit `new_project_` as a workspace project: its untouched copy if the library has one
    (opening a template twice gives one project, not two), else a new project."""
    try:
        reused = workspace().untouched(new_project_)
        if reused is not None:
            _open_saved(reused, source_, template_id)
            return
    except WorkspaceError:
        pass  # no reuse then: a new project, as if none were there
    _begin(History.start(new_project_, label, HISTORY_LIMIT), _create(new_project_, label), 1, source_, template_id)


def _begin(history_: History, project_id: str, revision: int, source_: str, template_id: Optional[str]) -> None:
    """Make this tab edit workspace project `project_id` with this history and put it in the URL."""
    ss = st.session_state
    project_ = history_.value
    ss[HISTORY] = history_
    ss[PROJECT_ID], ss[REVISION] = project_id, revision
    ss[CONFLICT] = ss[SAVE_PROBLEM] = ss[DRAFT] = ss[OFFER] = None
    ss[GRAPH] = project_.main.id
    ss[CANVAS] = canvas_logic.CanvasState()
    ss[SOURCE] = source_
    ss[TEMPLATE] = template_id
    st.query_params["project"] = project_id
    for stale in ("template", "graph", "draft"):
        if stale in st.query_params:
            del st.query_params[stale]


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
    ids = {g.id for g in project_.graphs}
    names = {g.name for g in project_.graphs}
    k = 1
    while f"model_{k}" in ids or f"model_{k}" in names:
        k += 1
    template = new_project().main
    graph = template.model_copy(update={"id": f"model_{k}", "name": f"model_{k}", "outputs": (
        Output(ref=Ref(node="n2")),)})
    return project_.model_copy(update={"graphs": project_.graphs + (graph,)}), graph.id


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


def canvas_state() -> canvas_logic.CanvasState:
    found = st.session_state.get(CANVAS) or canvas_logic.CanvasState()
    if found.selection and graph().get(found.selection) is None:
        found = replace(found, selection=None, mode="select")
    return found


def selection() -> Optional[str]:
    return canvas_state().selection


def selected_node() -> Optional[Node]:
    node_id = selection()
    return graph().get(node_id) if node_id else None


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
    traceback (callbacks run before the page script, outside its guards)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as err:  # Streamlit's rerun/stop signals are BaseExceptions and pass
            from editor.problems import one_line

            fail(f"the last change failed unexpectedly: {one_line(err)}")

    return run


def set_canvas_state(value: canvas_logic.CanvasState) -> None:
    st.session_state[CANVAS] = value


@callback
def select(node_id: Optional[str]) -> None:
    set_canvas_state(replace(canvas_state(), selection=node_id, mode="select"))


@callback
def set_mode(mode: str) -> None:
    set_canvas_state(replace(canvas_state(), mode=mode if mode in canvas_logic.MODES else "select"))


@callback
def set_graph(graph_id_: str) -> None:
    if graph_id_ in {g.id for g in project().graphs} and graph_id_ != graph_id():
        st.session_state[GRAPH] = graph_id_
        set_canvas_state(canvas_logic.CanvasState())
        if graph_id_ == project().main.id:
            if "graph" in st.query_params:
                del st.query_params["graph"]
        else:
            st.query_params["graph"] = graph_id_


def fail(message: str, field: Optional[str] = None) -> None:
    st.session_state[NOTICE] = Notice(one_line_message(message), field)


def one_line_message(message: str) -> str:
    return " ".join(str(message).split())


def describe_error(err: BaseException) -> str:
    """One line for an exception an edit raised (pydantic errors: the first one, with its field)."""
    errors_ = getattr(err, "errors", None)
    if callable(errors_):
        try:
            first = errors_()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            return f"{where}: {first['msg']}" if where else str(first["msg"])
        except Exception:  # noqa: BLE001 - fall back to the text
            pass
    return one_line_message(str(err) or type(err).__name__)


def commit(new_project: Project, label: str) -> None:
    _set_history(history().push(new_project, label), label)


def _set_history(new_history: History, label: str) -> None:
    """The one place the project changes: keep the new history and save its value."""
    changed = new_history.revision != history().revision
    st.session_state[HISTORY] = new_history
    if changed:
        _save(label)


def _save(label: str) -> None:
    """Save the project as the next revision; a conflict or failure is recorded, never raised."""
    ss = st.session_state
    try:
        ss[REVISION] = ss[WORKSPACE].save(ss[PROJECT_ID], project(), ss[REVISION], label)
    except Conflict as err:
        ss[CONFLICT] = err.latest
        _keep_draft()
        return
    except Damaged:
        _carry_over(unsaved=True)
        return
    except WorkspaceError as err:
        ss[SAVE_PROBLEM] = one_line_message(f"not saved: {err}")
        return
    ss[CONFLICT] = ss[SAVE_PROBLEM] = None
    _drop_draft()


def _keep_draft() -> None:
    """Keep this tab's unsaved version as a workspace draft named in the URL (?draft=ID), so
    a reload of the tab can offer it back; a draft overwrites no saved revision."""
    ss = st.session_state
    try:
        ss[DRAFT] = ss[WORKSPACE].save_draft(ss[PROJECT_ID], project(), ss[REVISION], ss.get(DRAFT))
    except WorkspaceError:
        return  # the version is still in this tab, and the conflict line says it is not saved
    st.query_params["draft"] = ss[DRAFT]


def _drop_draft() -> None:
    """This tab's version is saved now (or was let go): its draft is no longer needed."""
    draft_id = st.session_state.get(DRAFT)
    st.session_state[DRAFT] = None
    if draft_id:
        try:
            workspace().discard_draft(draft_id)
        except WorkspaceError:
            pass  # a stale draft is only offered to a tab whose URL names it
        if st.query_params.get("draft") == draft_id:
            del st.query_params["draft"]


def _offer_draft(draft_id: Optional[str]) -> None:
    """A reloaded tab whose URL names a draft of the project it opened offers those edits back."""
    if not draft_id:
        return
    try:
        found = workspace().draft(draft_id)
    except WorkspaceError:
        return  # restored or discarded already, or unreadable: nothing to offer
    if found.project_id == project_id():
        st.session_state[OFFER] = found
        st.query_params["draft"] = found.id  # a second reload offers it again


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
        result = change(graph())
        new_graph, new_id = result if isinstance(result, tuple) else (result, None)
        updated = project().replace_graph(new_graph)
    except (EditError, ExprError, FieldError, ProjectError, ValueError, KeyError, TypeError) as err:
        message = describe_error(err)
        if node_name and f"'{node_name}'" not in message:
            message = f"node '{node_name}': {message}"
        fail(message, field)
        return False
    commit(updated, label)
    if select_new and new_id:
        select(new_id)
    return True


def load(new_project: Project, label: str, source_: str, template_id: Optional[str] = None) -> None:
    """Open a template, a file or a new project as a workspace project (its untouched copy
    when the library has one); the previous one stays in the library as it was."""
    try:
        _open_new(new_project, label, source_, template_id)
    except WorkspaceError as err:
        fail(f"cannot open it: {err}")


@callback
def open_project(project_id_: str) -> None:
    """Edit another project of the workspace (its latest revision, with its Undo / Redo)."""
    try:
        _open_saved(project_id_)
    except WorkspaceError as err:
        fail(str(err))


@callback
def rename_project(project_id_: str, title: str, field: Optional[str] = None) -> None:
    """Rename a project: the open one through the history (undoable), another in the workspace."""
    try:
        title = clean_title(title)
        if project_id_ == project_id():
            commit(project().model_copy(update={"title": title}), f"rename to {title}")
        else:
            workspace().rename(project_id_, title)
    except WorkspaceError as err:
        fail(f"cannot rename: {err}", field)


def delete_open_project() -> Optional[str]:
    """Soft-delete the open project and open the most recently saved other one (a new
    project only when none is left); returns one line saying so, None if it failed."""
    title = project().title
    try:
        workspace().delete(project_id())
        others = workspace().list()
    except WorkspaceError as err:
        fail(f"cannot delete: {err}")
        return None
    done = f"Deleted '{title}' (restorable from Recently deleted)"
    for other in others:
        try:
            _open_saved(other.id)
        except WorkspaceError:
            continue  # one that cannot be read: try the next
        return f"{done}; now editing '{project().title}'."
    load(new_project(), "new project", "new project")
    return f"{done}; it was the last project, so a new one was started."


def open_copy(label: str) -> Optional[str]:
    """Keep this tab's version of the project as a new project and go on editing that;
    returns the copy's title, None if it could not be saved."""
    mine = project().model_copy(update={"title": copy_title(project().title)})
    try:
        new_id = _create(mine, label)
    except WorkspaceError as err:
        fail(f"cannot save a copy: {err}")
        return None
    _begin(History.start(mine, label, HISTORY_LIMIT), new_id, 1, "library", None)
    return mine.title


@callback
def restore_revision(number: int) -> None:
    """Bring back an earlier revision as the next one (undoable; history is never rewritten)."""
    try:
        old = workspace().revision(project_id(), number)
    except WorkspaceError as err:
        fail(f"cannot restore: {err}")
        return
    commit(old, f"restore revision {number}")


@callback
def load_theirs() -> None:
    """After a conflict: take the version saved elsewhere (this tab's stays one undo away)."""
    try:
        theirs = workspace().latest(project_id())
    except WorkspaceError as err:
        fail(f"cannot load the other version: {err}")
        return
    commit(theirs.project, "load the version saved in another tab")
    if project() == theirs.project:  # also when this tab already held the same content
        st.session_state[REVISION], st.session_state[CONFLICT] = theirs.revision, None


@callback
def save_mine_as_copy() -> None:
    """After a conflict: keep this tab's version as a new project and go on editing that."""
    draft_id = st.session_state.get(DRAFT)
    if open_copy("copy saved after a conflict") is not None and draft_id:
        st.session_state[DRAFT] = draft_id
        _drop_draft()


def restore_draft() -> Optional[str]:
    """Open the offered unsaved edits as a new project (a copy: the project they were made
    on stays as saved); returns its title, None if it failed (and says why)."""
    offer = draft_offer()
    if offer is None:
        return None
    try:
        _open_saved(workspace().restore_draft(offer.id))
    except WorkspaceError as err:
        st.session_state[OFFER] = None
        fail(f"cannot restore your unsaved edits: {err}")
        return None
    return project().title


def discard_draft() -> None:
    """Let the offered unsaved edits go."""
    offer = draft_offer()
    st.session_state[OFFER] = None
    if offer is not None:
        st.session_state[DRAFT] = offer.id
        _drop_draft()


@callback
def add_graph() -> None:
    """Add a nested model to the project and open it."""
    updated, new_id = with_new_graph(project())
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


# ----------------------------------------------------------------------------- widgets




def bind(key: str, value: Any, options: Optional[list] = None, param: str = "value") -> dict:
    """Keyword arguments that make widget `key` show `value` (the project's).

    A widget seen for the first time gets `value` as its initial value (no flash of a
    default). A widget whose stored value differs (after undo, redo, another edit) is
    set through session state. A field whose last input was refused keeps what the
    person typed, next to the reason. `options`: a selectbox's options (it takes an
    index); `param`: the name of the initial-value argument (multiselect: "default").

    A selectbox is set on every run: the browser keeps the *label* of its choice, and
    after a rename that label ("hidden1 · Dense") is no option any more, so the next
    rerun would report it as a new choice (issue 11: the inspector dropped the
    selection). Setting the value sends the current label along.
    """
    ss = st.session_state
    if key in ss:
        if field_notice(key) is not None:
            return {}
        if ss[key] != value or options is not None:
            ss[key] = value
            return {}
    if options is not None:
        return {"index": options.index(value) if value in options else 0}
    return {param: value}
