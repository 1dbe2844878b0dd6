"""What the canvas draws and what a click means (no Streamlit)."""
