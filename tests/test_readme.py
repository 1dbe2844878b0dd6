"""The README's "Try it" commands work as written, from the repository root, in the
environment `make run` creates (.venv): the issue was a README whose `python -m editor`
failed with "No module named 'keras'" outside the venv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ".venv/bin/python"


def try_it_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Try it[^\n]*\n\n```sh\n(.*?)```", text, re.S)
    assert block, "README.md has no 'Try it' block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_try_it_uses_the_venv_that_make_run_creates():
    commands = try_it_commands()
    assert len(commands) >= 5
    assert all(c.startswith(f"{VENV_PYTHON} ") for c in commands), commands


@pytest.mark.slow
def test_try_it_commands_run_as_written(tmp_path):
    """Run in a copy of the files they need (so the tree stays clean), each from that root."""
    venv_python = ROOT / VENV_PYTHON
    python = str(venv_python) if venv_python.exists() else sys.executable  # make test: the venv itself
    for folder in ("editor", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    outputs = []
    for command in try_it_commands():
        args = command.split()
        args[0] = python
        result = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (command, result.stderr[-2000:])
        outputs.append(result.stdout)
    assert '"total_params": 541794' in outputs[1]
    assert "Total params: 541,794" in outputs[4]
