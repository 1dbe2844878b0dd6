"""The tests and the benchmarks share their helpers through support/, never by importing
each other: a benchmark runs without the test suite, and a test without the benchmarks."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def importers_of(folder: str, package: str) -> set[str]:
    """The files under `folder` with a line importing `package` (a text search: some of the
    code corpus's files are too deep for ast)."""
    line = re.compile(rf"^\s*(from|import)\s+{package}\b", re.M)
    return {str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*.py")
            if line.search(p.read_text(encoding="utf-8", errors="replace"))}


def test_benchmarks_do_not_import_the_tests():
    assert importers_of("benchmarks", "tests") == set()


def test_tests_do_not_import_the_benchmarks():
    assert importers_of("tests", "benchmarks") == set()


def test_support_imports_neither():
    assert importers_of("support", "tests") | importers_of("support", "benchmarks") == set()
