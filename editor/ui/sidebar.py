"""The sidebar: the template gallery (title, description, node and parameter counts), the
project actions (new, open a file, import a model file or Python code) and the project
library (editor.ui.library). New, a template, a file and an import each become a new
workspace project. It shows nothing that an edit changes (editor.ui.page_scope): the save
status, the revisions and the download are above the inspector."""

from __future__ import annotations

import streamlit as st

from editor.files import project_files
from editor import templates
from editor.errors import UserError
from editor.templates import catalogue, load_template
from editor.ui import code_import_panel, library, model_import, preview_cache, state, workspace_session
from editor.ui.fields import md, short_name


def show(key: str = "sidebar") -> None:
    with st.sidebar:
        st.title("Keras Graph Studio")
        st.caption("Build Keras functional models on a graph; see the summary and diagram live; export the code.")
        _gallery(key)
        st.divider()
        _project_actions(key)
        st.divider()
        library.show(f"{key}.library")


def _gallery(key: str) -> None:
    st.subheader("Templates")
    infos = {t.id: t for t in _catalogue()}
    if not infos:
        st.caption("No templates found.")
        return
    pick = f"{key}.template"
    if st.session_state.get(pick) not in infos:
        current = st.session_state.get(state.TEMPLATE)
        st.session_state[pick] = current if current in infos else next(iter(infos))
    st.selectbox("Template", list(infos), key=pick, format_func=lambda i: infos[i].title,
                 help="Every example of the documents, ready to open and edit.")
    info = infos[st.session_state[pick]]
    counts = preview_cache.template_counts(info.id) if preview_cache.keras_ready() else None
    params = f"{counts['total_params']:,} parameters" if counts else ("parameters: after TensorFlow loads"
                                                                      if not preview_cache.keras_ready() else "does not build")
    st.caption(f"{info.nodes} nodes · {params}")
    with st.container(height=150, border=False):
        st.caption(info.description)
    cols = st.columns([2, 1])  # room for the whole label ("Open templ…" at [1, 1])
    cols[0].button("Open template", key=f"{key}.open", on_click=_open_template, args=(info.id,), type="primary",
                   width="stretch")
    cols[1].markdown(f"[link](?template={info.id})", help="A link that opens this template")


_CATALOGUE: dict = {}


def _catalogue():
    """The template list, read again only when the templates folder changes."""
    from editor.templates import TEMPLATE_DIR

    try:
        stamp = tuple(sorted((p.name, p.stat().st_mtime) for p in TEMPLATE_DIR.glob("*.json")))
    except OSError:
        stamp = ()
    if _CATALOGUE.get("stamp") != stamp:
        _CATALOGUE["infos"] = catalogue()
        _CATALOGUE["stamp"] = stamp
    return _CATALOGUE["infos"]


@state.callback
def _open_template(template_id: str) -> None:
    try:
        project = load_template(template_id)
    except UserError as err:  # UnknownTemplate, ProjectError
        state.fail(f"cannot open template '{template_id}': {err}")
        return
    workspace_session.load(project, f"open template {template_id}", f"template {template_id}", template_id)


def _project_actions(key: str) -> None:
    project = state.project()
    st.subheader("Project")
    st.caption(f"**{md(project.title)}** — {md(state.source())}")
    st.button("New project", key=f"{key}.new", on_click=_new, width="stretch",
              help="A small model to start from, as a new project (the current one stays in the library).")
    upload_key = state.next_upload_key(f"{key}.upload")
    st.file_uploader("Open a project file (.json)", type=["json"], key=upload_key,
                     max_upload_size=max(1, project_files.MAX_BYTES // 2**20),  # MB: the browser refuses more
                     on_change=_uploaded, args=(upload_key,))
    model_import.show()
    code_import_panel.show()


@state.callback
def _new() -> None:
    workspace_session.load(templates.new_project(), "new project", "new project")


@state.callback
def _uploaded(upload_key: str) -> None:
    upload = st.session_state.get(upload_key)
    if upload is None:
        return
    name = short_name(upload.name)
    try:
        project = project_files.loads(upload.getvalue())
    except project_files.ProjectError as err:
        state.fail(f"{name}: {err}")
        return
    finally:
        state.reset_upload()
    workspace_session.load(project, f"open {name}", f"file {name}")
