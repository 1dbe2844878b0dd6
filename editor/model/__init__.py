"""The project as data: graph schema, edits, names, history, validation, problems, the expression language. No Keras, no Streamlit."""
