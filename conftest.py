"""Makes the repository root importable for tests (editor, support, tests)."""
import atexit
import os
import shutil
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

# No test may write to the person's real workspace (~/.keras-graph-studio): everything,
# browser servers started from tests included, gets a throwaway one unless a test sets its own.
_WORKSPACE_DIR = tempfile.mkdtemp(prefix="kgs-test-workspace-")
os.environ["KGS_WORKSPACE"] = os.path.join(_WORKSPACE_DIR, "workspace.sqlite3")
atexit.register(shutil.rmtree, _WORKSPACE_DIR, True)
