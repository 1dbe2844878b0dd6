"""Import an existing Keras model from the sidebar: a .keras / .h5 / JSON file, or a
keras.applications model by name. editor.files.importer does the checking (structure only,
nothing of the file reaches Keras before its config passed the allowlist); a refusal is
one line and leaves the current project as it was; an import opens as a new project."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from editor.ui import fields, preview_cache, state, workspace_session

# A .keras file carries its weights (ResNet50: about 100 MB); only its config is read.
MAX_UPLOAD_MB = 200
TYPES = ["keras", "h5", "hdf5", "json"]


def show(key: str = "import") -> None:
    with st.expander("Import a Keras model"):
        st.caption("Structure only: weights and compile settings are not imported. Lambda and custom layers are refused.")
        upload_key = state.next_upload_key(f"{key}.file")
        st.file_uploader("A .keras, .h5 or model.to_json() file", type=TYPES, key=upload_key,
                         max_upload_size=MAX_UPLOAD_MB, on_change=_uploaded, args=(upload_key,))
        if not preview_cache.keras_ready():
            return
        from editor.building import catalog

        names = list(catalog.applications())
        cols = st.columns([3, 2], vertical_alignment="bottom")
        cols[0].selectbox("keras.applications", names, key=f"{key}.application",
                          index=names.index("MobileNetV2") if "MobileNetV2" in names else 0)
        cols[1].button("Import", key=f"{key}.application_go", on_click=_application, args=(f"{key}.application",),
                       width="stretch")


@state.callback
def _uploaded(upload_key: str) -> None:
    from editor.files import importer

    upload = st.session_state.get(upload_key)
    if upload is None:
        return
    name = fields.short_name(upload.name)
    try:
        with tempfile.TemporaryDirectory(prefix="kgs-import-") as folder:
            # The file on disk is named by its extension alone: the name a browser sends can be
            # longer than a file name may be, and nothing of it should reach the file system.
            path = Path(folder) / f"upload{Path(name).suffix.lower()}"
            path.write_bytes(upload.getvalue())
            result = importer.import_file(path, name=name)
    except importer.ModelFileError as err:
        state.fail(f"import refused: {err}")
        return
    finally:
        state.reset_upload()
    workspace_session.load(result.project, f"import {name}", f"imported {name}")


@state.callback
def _application(select_key: str) -> None:
    from editor.files import importer

    name = st.session_state.get(select_key)
    try:
        result = importer.import_application(name)
    except importer.ModelFileError as err:
        state.fail(f"import refused: {err}")
        return
    workspace_session.load(result.project, f"import {name}", f"keras.applications.{name}")
