"""What each command of `python -m editor` does; the parser and main are editor.cli's."""
