"""The workspace: every project and its revisions in one SQLite file, and its health."""
