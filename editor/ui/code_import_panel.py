"""Import Python code from the sidebar: pasted, or a .py file. editor.code.code_import reads the
code without running it (nothing here evals or execs it: the text only goes to
import_code); a refusal is one line and leaves the current project as it was. An import
with statements left out is not opened at once: the lines and their reasons are listed
first, and the person chooses "Import the rest" or "Cancel". The import opens as a new
project the way a model-file import does (workspace_session.load)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import streamlit as st

from editor.code.code_import import MAX_FILE_BYTES, CodeImport, import_code
from editor.errors import UserError
from editor.model.graph import Project
from editor.ui import fields, state, workspace_session

PENDING = "kgs.code_pending"  # an import with left-out lines, waiting for "Import the rest"
PASTED = "pasted code"


@dataclass(frozen=True)
class Pending:
    project: Project
    skipped: tuple[str, ...]
    name: str  # "pasted code", or the uploaded file's name
    source: Optional[str]  # the pasted text it was read from (None for a file)


def show(key: str = "code") -> None:
    with st.expander("Import Python code"):
        st.caption("Keras model-building code, read without running it: statements the editor cannot "
                   "express are listed before anything opens.")
        st.text_area("Python code", key=f"{key}.text", height=160, max_chars=MAX_FILE_BYTES,
                     placeholder="inputs = keras.Input(shape=(32,))\n...")
        st.text_input("Model", key=f"{key}.model", placeholder="optional: its variable or name",
                      help="For code that builds several models: the variable or model name to import.")
        st.button("Import code", key=f"{key}.go", on_click=_pasted, args=(key,), width="stretch")
        upload_key = state.next_upload_key(f"{key}.file")
        st.file_uploader("Or a .py file", type=["py"], key=upload_key, max_upload_size=1,
                         on_change=_uploaded, args=(key, upload_key))
        refused = state.field_notice(_refusal(key))
        if refused:  # here, where the code was pasted or dropped, not above the canvas out of view
            st.error(fields.md(refused))
        _show_pending(key)


def _refusal(key: str) -> str:
    """The notice field of this panel's refusals (editor.ui.state.fail)."""
    return f"{key}.refused"


def _refuse(key: str, message: str) -> None:
    state.fail(f"code import refused: {message}", _refusal(key))


def _show_pending(key: str) -> None:
    pending: Optional[Pending] = st.session_state.get(PENDING)
    if pending is None or (pending.source is not None and pending.source != st.session_state.get(f"{key}.text")):
        return  # nothing waits, or the pasted text changed since it was read
    count = len(pending.skipped)
    st.warning(f"{fields.md(pending.name)}: {count} statement{'s' if count != 1 else ''} "
               f"left out; the rest builds '{fields.md(pending.project.title)}'.")
    st.markdown("\n".join(f"- {fields.md(line)}" for line in pending.skipped))
    cols = st.columns(2)
    cols[0].button("Import the rest", key=f"{key}.rest", on_click=_import_rest, type="primary", width="stretch")
    cols[1].button("Cancel", key=f"{key}.cancel", on_click=_cancel, width="stretch")


@state.callback
def _pasted(key: str) -> None:
    source = st.session_state.get(f"{key}.text") or ""
    if not source.strip():
        _refuse(key, "paste the code first")
        return
    _read(source, PASTED, key, pasted=True)


@state.callback
def _uploaded(key: str, upload_key: str) -> None:
    upload = st.session_state.get(upload_key)
    if upload is None:
        return
    name = fields.short_name(upload.name)
    try:
        data = upload.getvalue()
        if len(data) > MAX_FILE_BYTES:
            _refuse(key, f"{name} is over {MAX_FILE_BYTES:,} bytes")
            return
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            _refuse(key, f"{name} is not UTF-8 text (save it as UTF-8 and upload it again)")
            return
        _read(source, name, key, pasted=False)
    finally:
        state.reset_upload()


def _read(source: str, name: str, key: str, pasted: bool) -> None:
    """Read the code; open its project, or keep it waiting when lines were left out."""
    model = (st.session_state.get(f"{key}.model") or "").strip() or None
    st.session_state[PENDING] = None
    try:
        result: CodeImport = import_code(source, model=model, filename=name)
    except UserError as err:  # CodeRefused
        message = str(err).replace("with --model NAME", "in the Model box")
        _refuse(key, message)
        return
    if result.skipped:
        st.session_state[PENDING] = Pending(result.project, result.skipped, name, source if pasted else None)
        return
    _open(result.project, name)


@state.callback
def _import_rest() -> None:
    pending: Optional[Pending] = st.session_state.get(PENDING)
    st.session_state[PENDING] = None
    if pending is not None:
        _open(pending.project, pending.name)


@state.callback
def _cancel() -> None:
    st.session_state[PENDING] = None


def _open(project: Project, name: str) -> None:
    workspace_session.load(project, f"import {name}", f"imported {name}")
