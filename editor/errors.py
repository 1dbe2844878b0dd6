"""The one base class of what the user did wrong (a file, a field, an edit, a run setting).

Its message is one line meant for the user. The page and the command line catch
`UserError` and show it; anything else is a bug in the editor, reported as such, never
dressed up as a notice (the cycle bug hid behind a caught KeyError).
"""


class UserError(ValueError):
    """Something the user gave cannot be used; str() is the one-line reason."""
