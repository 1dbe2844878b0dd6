"""Which modules stay free of TensorFlow (and Streamlit): importing them must not pay
TensorFlow's seconds of start-up, so the canvas, validation, the workspace and most of
the command line answer at once. The list is every editor module except the five that
exist to call Keras (build, quick_build, losses, diagram, and distributed: the training
loop exported code copies, imports and all) and the UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KERAS_MODULES = {"build", "quick_build", "losses", "diagram", "distributed"}  # they call Keras at import, by design


def editor_modules() -> list[str]:
    """Dotted names under editor (e.g. "model.graph"), the UI package left out."""
    paths = sorted(p.relative_to(ROOT / "editor") for p in (ROOT / "editor").rglob("*.py"))
    names = [".".join(p.with_suffix("").parts) for p in paths
             if p.parts[0] != "ui" and not p.stem.startswith("__")]
    return [n for n in names if n.rsplit(".", 1)[-1] not in KERAS_MODULES]


def test_the_list_covers_the_core():
    assert {"model.graph", "canvas.drawing", "model.validate", "store.workspace", "cli", "train.training",
            "building.catalog", "files.importer"} <= set(editor_modules())


@pytest.mark.parametrize("module", editor_modules())
def test_importing_does_not_import_tensorflow_or_streamlit(module):
    code = (f"import sys, editor.{module}\n"
            "bad = [m for m in ('tensorflow', 'keras', 'streamlit') if m in sys.modules]\n"
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-500:]
