"""Placeholder page until the editor issue lands: the template gallery and a summary."""

from __future__ import annotations

import streamlit as st

from editor.templates import catalogue


def main() -> None:
    st.set_page_config(page_title="Keras Graph Studio", layout="wide")
    st.title("Keras Graph Studio")
    st.caption("A visual editor for Keras functional models. The canvas is on its way; "
               "meanwhile the command line `python -m editor` does the work.")
    infos = catalogue()
    choice = st.selectbox("Template", [t.id for t in infos], format_func=lambda i: next(t.title for t in infos if t.id == i))
    info = next(t for t in infos if t.id == choice)
    st.write(info.description)
    if st.button("Show model.summary()"):
        with st.spinner("Loading TensorFlow and building the model..."):
            from editor.build import build_project, summary_text
            from editor.templates import load_template

            result = build_project(load_template(choice))
        if result.ok:
            st.code(summary_text(result.model, line_length=100), language=None)
        else:
            for problem in result.problems:
                st.error(str(problem))
