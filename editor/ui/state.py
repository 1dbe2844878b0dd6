"""Session state of the editor and the one way to change the project: `edit_graph`.

Keys owned here (all under "kgs."): the undo history of Projects (editor.history), the
graph being edited, the canvas state (selection, click mode, last canvas report), the
one-line notice of the last refused edit, and bookkeeping for widgets that mirror the
project. Panels never write the project themselves: they call `edit_graph` /
`load` / `undo` / `redo`, which run a pure edit, catch every
EditError / ValueError as a one-line notice naming the node, and leave the project
unchanged when it fails.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional, Union

import streamlit as st

from editor import canvas as canvas_logic
from editor.edits import EditError
from editor.expr import ExprError
from editor.graph import Graph, Node, Output, Project, Ref, Training
from editor.history import History
from editor.project import ProjectError
from editor.ui.fields import FieldError

HISTORY = "kgs.history"
GRAPH = "kgs.graph"
CANVAS = "kgs.canvas"
NOTICE = "kgs.notice"  # set by a callback, shown by the next run
SHOWN = "kgs.notice_shown"  # the notice of this run
SOURCE = "kgs.source"  # where the project came from ("template mlp", "file x.json", "new")
TEMPLATE = "kgs.template"  # template id of the project, if it is one
UPLOADS = "kgs.uploads"  # counter that resets the file uploader after a load

DEFAULT_TEMPLATE = "mlp"
HISTORY_LIMIT = 100


@dataclass(frozen=True)
class Notice:
    message: str
    field: Optional[str] = None  # widget key of the field that was refused


EditResult = Union[Graph, tuple[Graph, Optional[str]]]


# ----------------------------------------------------------------------------- start of a run


def begin_run() -> None:
    """Set up a new session (from ?template=ID) and move the pending notice into this run."""
    ss = st.session_state
    if HISTORY not in ss:
        _start_session()
    ss[SHOWN] = ss.pop(NOTICE, None)


def _start_session() -> None:
    from editor.templates import load_template

    ss = st.session_state
    wanted = st.query_params.get("template")
    template_id = wanted or DEFAULT_TEMPLATE
    try:
        project = load_template(template_id)
    except (KeyError, ProjectError) as err:
        message = err.args[0] if err.args else str(err)
        ss[NOTICE] = Notice(f"cannot open template '{template_id}': {message}")
        template_id = None
        project = new_project()
    ss[HISTORY] = History.start(project, f"open template {template_id}" if template_id else "new project", HISTORY_LIMIT)
    ss[GRAPH] = project.main.id
    ss[CANVAS] = canvas_logic.CanvasState()
    ss[SOURCE] = f"template {template_id}" if template_id else "new project"
    ss[TEMPLATE] = template_id


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
    st.session_state[HISTORY] = history().push(new_project, label)


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
    """Open another project; the previous one stays one undo away."""
    commit(new_project, label)
    st.session_state[GRAPH] = new_project.main.id
    set_canvas_state(canvas_logic.CanvasState())
    st.session_state[SOURCE] = source_
    st.session_state[TEMPLATE] = template_id
    if template_id:
        st.query_params["template"] = template_id
    elif "template" in st.query_params:
        del st.query_params["template"]


@callback
@callback
def add_graph() -> None:
    """Add a nested model to the project and open it."""
    updated, new_id = with_new_graph(project())
    commit(updated, f"new nested model {new_id}")
    set_graph(new_id)


@callback
def undo() -> None:
    st.session_state[HISTORY] = history().undo()


@callback
def redo() -> None:
    st.session_state[HISTORY] = history().redo()


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
    """
    ss = st.session_state
    if key in ss:
        if field_notice(key) is not None:
            return {}
        if ss[key] != value:
            ss[key] = value
            return {}
    if options is not None:
        return {"index": options.index(value) if value in options else 0}
    return {param: value}
