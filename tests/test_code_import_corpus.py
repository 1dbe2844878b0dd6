"""Public-style code, read without running it (issue 14, "Public code"): a corpus of our
own functional, Sequential and nested models, written as keras.io examples and blog
posts write them, imports to what running that code builds.

tests/code_corpus/public/*.py are real scripts: tests/code_corpus/run_corpus_file.py
runs them all with Keras in one subprocess (this is our own trusted corpus) and prints
each chosen model's parameter counts and input and output shapes. The importer reads
the same text without running it; the project it gives must build to the same parameter
counts (all, trainable), the same inputs and the same outputs (count and shapes), with
one loss node for each add_loss() call. The model compared is the one a header comment
`# model: NAME` names, else the last one the file builds (the importer's own choice then).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from tests.corpus_runs import run_for_real

from editor.code.code_import import import_code

HERE = Path(__file__).parent
CORPUS = HERE / "code_corpus" / "public"
FILES = sorted(p.name for p in CORPUS.glob("*.py"))
HEADER = re.compile(r"^#\s*model:\s*([A-Za-z_][\w.-]*)\s*$", re.MULTILINE)

# What the issue asks the corpus to hold, and a pattern each finds it by.
STYLES = {
    "helper functions": r"^def \w+\(.*\):",
    "loops": r"^\s*for .+ in .+:",
    "shared layers or towers": r"shared|tower",
    "nested models": r"^# style:.*nested",
    "multi-output with losses": r"loss_weights\s*=",
    "Sequential (list)": r"Sequential\(\s*\[",
    "Sequential (.add)": r"\.add\(",
    "initial_state": r"initial_state\s*=",
    "mask": r"\(.*mask\s*=\s*\w+\)",
    "x + inputs": r"\bx \+ inputs\b",
    "outputs * upper_bound": r"outputs \* upper_bound",
    "expand_dims": r"ops\.expand_dims\(",
    "add_loss": r"\.add_loss\(",
    "custom loss function": r"^\s*def \w+\(y_true, y_pred\):",
    "Lambda": r"Lambda\(lambda",
    "Keras 2 imports": r"^from keras\.(models|layers) import",
    "star import": r"^from tensorflow\.keras\.layers import \*",
    "main guard": r'^if __name__ == "__main__":',
    "comprehension": r"\[[^\]]*\bfor \w+ in ",
    "dict config loop": r"for \w+, \w+ in \w+\.items\(\)",
}


def source(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def wanted(name: str):
    found = HEADER.search(source(name))
    return found.group(1) if found else None


def test_the_corpus_is_large_and_covers_the_styles():
    assert len(FILES) >= 25
    texts = [source(n) for n in FILES]
    missing = [style for style, pattern in STYLES.items() if not any(re.search(pattern, t, re.MULTILINE) for t in texts)]
    assert missing == []


@pytest.mark.parametrize("name", FILES)
def test_corpus_file_imports_with_nothing_left_out(name):
    result = import_code(source(name), model=wanted(name), filename=name, strict=True)
    assert result.skipped == ()


@pytest.fixture(scope="module")
def ran() -> dict:
    """Every corpus file run for real, in one subprocess: {file: what it built}."""
    return run_for_real([str(CORPUS / n) for n in FILES], timeout=1200)


@pytest.mark.slow
@pytest.mark.parametrize("name", FILES)
def test_corpus_file_imports_to_what_running_it_builds(name, ran):
    from editor.building.build import build_project

    real = ran.get(name)
    assert real is not None, f"{name} printed nothing"
    assert "error" not in real, real.get("traceback")
    project = import_code(source(name), model=wanted(name), filename=name).project
    built = build_project(project, weights=False)
    assert built.ok, built.first_error
    model = built.model
    outputs = model.outputs[:len(project.main.outputs)]  # then the loss nodes' values
    shape = lambda t: [d if d is None else int(d) for d in t.shape]  # noqa: E731
    assert model.count_params() == real["params"]
    assert sum(math.prod(w.shape) for w in model.trainable_weights) == real["trainable_params"]
    assert [shape(t) for t in model.inputs] == real["inputs"]
    assert [shape(t) for t in outputs] == real["outputs"]
    assert sum(n.kind == "loss" for n in project.main.nodes) == real["added_losses"]
