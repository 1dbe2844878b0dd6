"""Running model files for real, for the corpus tests: tests/code_corpus/run_corpus_file.py
in one subprocess (our own runner; CPU only), its `CORPUS {json}` lines read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
RUNNER = HERE / "code_corpus" / "run_corpus_file.py"


def run_for_real(arguments: list[str], timeout: int = 600) -> dict:
    """{file name: what running it built}, for the runner's `arguments` (files, options)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, str(RUNNER), *arguments], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(HERE.parent))
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith("CORPUS "):
            record = json.loads(line[len("CORPUS "):])
            results[record["file"]] = record
    assert results, done.stderr[-3000:]
    return results


def run_snippets(folder: Path, snippets: dict[str, str]) -> dict:
    """Each snippet (file name -> our own code) written to `folder` and run for real, in one
    subprocess: {file: what it built}."""
    for name, text in snippets.items():
        (folder / name).write_text(text, encoding="utf-8")
    return run_for_real([str(folder / n) for n in snippets])
