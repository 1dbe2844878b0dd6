"""Keras Graph Studio: `streamlit run app.py` (or `make run`). The page holds no logic."""

from editor.ui.app import main

main()
