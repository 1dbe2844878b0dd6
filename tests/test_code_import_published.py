"""Published code, read without running it (issue 24, "Real code in, never wrong"): model
files that other people wrote and published on PyPI (Keras's own applications, the Keras 2
keras-applications, keras-unet-collection, deepface, image-classifiers, efficientnet, and the
example scripts of the Keras 2.2.4 sdist's examples/: every one that builds a model and runs
here with stand-in data, whatever its import gives; SOURCES.json's "excluded" says why each
other one is not in).

Their code is never committed here: tests/code_corpus/published/SOURCES.json pins each file
(distribution, exact version, path, sha256, license, upstream URL, and the line or two we
append to build one model) and tests/code_corpus/fetch_published.py gets it with pip at test
time into .cache/published/ (`make test` does it first). A file whose sha256 differs refuses.
When a distribution cannot be fetched the tests fail under CI (CI=true) with one line naming
it, and are skipped elsewhere (a machine without network).

Each file is run for real (tests/code_corpus/run_corpus_file.py, once per module, in a
subprocess) for its parameter counts and shapes, then imported with the editor's code
importer (default mode) and classified:

- exact: the imported project builds to the same parameter counts (all, trainable) and the
  same input and output shapes;
- refused: CodeRefused, one line naming the line and the construct;
- wrong: the import succeeded but the model differs. Never allowed.

tests/code_corpus/published/EXPECTED.json records each file's outcome ("exact", or a stable
substring of its refusal), so any change of outcome fails a test: when the importer learns a
construct, update the file's entry (KGS_UPDATE_EXPECTED=1 rewrites them all; review the diff). The share of exact files has its own test,
whose target (80%) is the issue's and may fail until the importer reads more.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path

import pytest

from tests.corpus_runs import run_for_real

from editor.code.code_import import CodeRefused, import_code
from editor.code.package_modules import Package

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "code_corpus"))
import fetch_published  # noqa: E402

CORPUS = HERE / "code_corpus" / "published"
EXPECTED = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
ENTRIES = {e.name: e for e in fetch_published.entries()}
FILES = sorted(ENTRIES)
HEADER = re.compile(r"^#\s*model:\s*([A-Za-z_][\w.-]*)\s*$", re.MULTILINE)
# Issue 24's target is 80% of these files exact; EXPECTED.json records where it stands (48 of 60
# on 2026-12-07, each file imported with its package so that the modules of its own package are
# read: the 22 Keras 2.2.4 example scripts 16 of them), the per-file test keeps every exact file
# exact and test_at_least_80_percent_of_the_files_import_exactly keeps the share.

# What the corpus holds, and a pattern each is found by.
STYLES = {
    "Sequential (.add)": r"\.add\(",
    "Sequential (list)": r"Sequential\(\s*\w+ \+ \w+\)",
    "functional": r"Model\(\s*(inputs=)?\[?\w+",
    "multi-input": r"Model\(\s*\[",
    "shared layers": r"base_network\(input_b\)",
    "frozen layers": r"\.trainable = False",
    "data loading and training left in": r"\.fit\(",
    "helper functions": r"^def \w+\(.*",
    "loops": r"^\s*for .+ in .+:",
    "Keras 2 modules passed in (get_submodules_from_kwargs)": r"get_submodules_from_kwargs\(",
    "tf.keras imports": r"from tensorflow\.keras",
    "keras_export decorators": r"^@keras_export\(",
    "Lambda layers": r"Lambda\(",
}


def corpus_or_stop(ci: bool) -> list:
    """The fetched corpus; when it cannot be had, a failure under CI, a skip elsewhere (one line)."""
    try:
        return fetch_published.ensure()
    except fetch_published.FetchFailed as err:
        line = f"published corpus: {err}"
        if ci:
            pytest.fail(line, pytrace=False)
        pytest.skip(line)


@pytest.fixture(scope="module")
def fetched() -> list:
    return corpus_or_stop(os.environ.get("CI", "").lower() in ("1", "true", "yes"))


def source(name: str) -> str:
    return fetch_published.text_of(ENTRIES[name])


def wanted(name: str):
    found = HEADER.search(ENTRIES[name].append)
    return found.group(1) if found else None


def package(name: str) -> Package:
    """Where the file lives in its distribution, as the command line finds it from a file's path:
    the modules of its own package are read from there (editor.code.package_modules)."""
    entry = ENTRIES[name]
    return Package(f"{entry.package}.{Path(entry.path).stem}".lstrip("."), fetch_published.root_of(entry)[0])


def reads_its_package(name: str) -> bool:
    """Whether the file imports a module of its own package (relatively, or under its top-level name)."""
    import ast

    top = ENTRIES[name].package.split(".")[0]
    return any(isinstance(n, ast.ImportFrom) and (n.level or (n.module or "").split(".")[0] == top)
               for n in ast.walk(ast.parse(source(name))))


def outcome(name: str, real: dict) -> tuple[str, str]:
    """("exact", ""), ("refused", the message) or ("wrong", what differs)."""
    from editor.building.build import build_project

    try:
        project = import_code(source(name), model=wanted(name), filename=name, package=package(name)).project
    except CodeRefused as err:
        return "refused", str(err)
    built = build_project(project, weights=False)
    if not built.ok:
        return "wrong", f"the imported project does not build: {built.first_error}"
    model = built.model
    shape = lambda t: [d if d is None else int(d) for d in t.shape]  # noqa: E731
    got = {"params": model.count_params(),
           "trainable_params": sum(math.prod(w.shape) for w in model.trainable_weights),
           "inputs": [shape(t) for t in model.inputs],
           "outputs": [shape(t) for t in model.outputs[:len(project.main.outputs)]]}
    differs = [f"{key} {got[key]} instead of {real[key]}" for key in got if got[key] != real[key]]
    return ("wrong", "; ".join(differs)) if differs else ("exact", "")


def _run(names: list[str]) -> dict:
    return run_for_real(["--published", *names], timeout=900)


@pytest.fixture(scope="module")
def ran(fetched) -> dict:
    """Every published file run for real, in one subprocess: {file: what it built}. The Keras 2
    scripts first: their data (1 GB of image pairs in mnist_siamese.py) is freed before the
    applications' weights come, which the process keeps for reuse (2.2 GB)."""
    return _run(sorted(FILES, key=lambda name: not ENTRIES[name].script))


@pytest.fixture(scope="module")
def outcomes(ran) -> dict:
    """{file: (kind, detail)} for every file, imported once per module. With
    KGS_UPDATE_EXPECTED=1, EXPECTED.json is rewritten from them first (after the importer
    learns a construct: review its diff; a wrong import still fails)."""
    found = {name: outcome(name, ran[name]) for name in FILES if name in ran and "error" not in ran[name]}
    if os.environ.get("KGS_UPDATE_EXPECTED") == "1":
        EXPECTED.clear()
        EXPECTED.update({name: kind if kind == "exact" else detail for name, (kind, detail) in sorted(found.items())
                         if kind != "wrong"})
        (CORPUS / "EXPECTED.json").write_text(json.dumps(EXPECTED, indent=1) + "\n", encoding="utf-8")
    return found


def test_the_manifest_pins_permissive_files_and_appends_only_a_line_or_two():
    assert len(FILES) >= 32
    for name, entry in ENTRIES.items():
        assert entry.license in ("MIT", "Apache-2.0", "BSD"), name
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256), name
        assert re.fullmatch(r"\d+(\.\d+)+", entry.version), name
        assert entry.url.startswith("https://github.com/") and entry.url.endswith(entry.path), name
        ours = [line for line in entry.append.splitlines() if not HEADER.match(line)]
        assert len(ours) <= 2 and (ours or HEADER.search(entry.append)), name
    assert sorted(EXPECTED) == FILES


def test_every_keras2_example_script_is_in_the_corpus_or_excluded_with_a_reason(fetched):
    """The Keras 2.2.4 examples/ part is whole, not picked: each script that builds a model and
    runs here with stand-in data is a corpus file, whatever its import gives; each other one
    is listed in SOURCES.json's "excluded" with its one-line reason."""
    scripts = sorted(p.name for p in (fetch_published.unpacked("keras", "2.2.4") / "examples").glob("*.py"))
    included = [e for e in fetched if (e.distribution, e.version) == ("keras", "2.2.4")]
    excluded = [x for x in fetch_published.manifest()["excluded"] if (x["distribution"], x["version"]) == ("keras", "2.2.4")]
    assert len(scripts) == 42
    assert all(e.script and e.name == "keras2_" + Path(e.path).name for e in included)
    assert all(x["reason"] and "\n" not in x["reason"] for x in excluded)
    assert sorted([Path(e.path).name for e in included] + [Path(x["path"]).name for x in excluded]) == scripts
    assert (len(included), len(excluded)) == (22, 20)


def test_every_application_module_of_both_keras_applications_is_in_the_corpus_or_excluded(fetched):
    """Keras 3.15.1's keras/src/applications/ and keras-applications 1.0.8 are whole too: every
    model module (not the shared imagenet_utils, not tests) is a corpus file or excluded with its
    reason; what each gives on import is whatever it gives."""
    excluded = {x["path"] for x in fetch_published.manifest()["excluded"]}
    for distribution, version, folder in (("keras", "3.15.1", "keras/src/applications"),
                                          ("keras-applications", "1.0.8", "keras_applications")):
        root = fetch_published.root_of(next(e for e in fetched if (e.distribution, e.version) == (distribution, version)))[0]
        modules = sorted(p.name for p in (root / folder).glob("*.py")
                         if p.name not in ("__init__.py", "imagenet_utils.py") and not p.name.endswith("_test.py"))
        included = sorted(Path(e.path).name for e in fetched if (e.distribution, e.version) == (distribution, version)
                          and e.path.startswith(folder + "/"))
        assert sorted(included + [Path(p).name for p in excluded if p.startswith(folder + "/")]) == modules, distribution
        assert len(modules) >= 13


def test_each_distribution_declares_the_license_the_manifest_records(fetched):
    for dist, version in dict.fromkeys((e.distribution, e.version) for e in fetched):
        declared = fetch_published.declared_license(dist, version)
        recorded = {e.license for e in fetched if (e.distribution, e.version) == (dist, version)}
        assert recorded == {fetch_published.spdx(declared)}, f"{dist}=={version} declares {declared!r}"


def test_the_corpus_covers_the_styles(fetched):
    texts = [source(n) for n in FILES]
    missing = [style for style, pattern in STYLES.items() if not any(re.search(pattern, t, re.MULTILINE) for t in texts)]
    assert missing == []


def test_a_file_whose_sha256_differs_is_refused_in_one_line(fetched):
    entry = ENTRIES[FILES[0]]
    changed = fetch_published.Entry(**{**entry.__dict__, "sha256": "0" * 64})
    with pytest.raises(fetch_published.FetchFailed) as err:
        fetch_published.write_checked(changed)
    message = str(err.value)
    assert "\n" not in message and f"{entry.name}: {entry.distribution}=={entry.version} {entry.path} has sha256" in message
    assert message.endswith("not the pinned 000000000000...")


def test_a_distribution_that_cannot_be_fetched_fails_under_ci_and_skips_elsewhere(monkeypatch):
    def unreachable():
        raise fetch_published.FetchFailed("could not fetch deepface==0.0.103 from PyPI: No matching distribution")

    monkeypatch.setattr(fetch_published, "ensure", unreachable)
    with pytest.raises(pytest.fail.Exception) as failed:
        corpus_or_stop(ci=True)
    assert str(failed.value) == "published corpus: could not fetch deepface==0.0.103 from PyPI: No matching distribution"
    with pytest.raises(pytest.skip.Exception) as skipped:
        corpus_or_stop(ci=False)
    assert "deepface==0.0.103" in str(skipped.value)


@pytest.mark.slow
@pytest.mark.parametrize("name", FILES)
def test_published_file_runs(name, ran):
    real = ran.get(name)
    assert real is not None, f"{name} printed nothing"
    assert "error" not in real, real.get("traceback")


@pytest.mark.slow
@pytest.mark.parametrize("name", FILES)
def test_published_file_imports_exactly_or_is_refused_in_one_line(name, outcomes):
    """Never wrong; a refusal is one line naming the line and the construct; the outcome is
    the one EXPECTED.json records."""
    kind, detail = outcomes[name]
    assert kind != "wrong", f"{name} imports wrong: {detail}"
    if kind == "refused":
        assert "\n" not in detail and "Traceback" not in detail, detail
        assert re.match(r"line \d+( of [\w./]+)?: ", detail) or "choose one with --model" in detail, detail
        assert EXPECTED[name] != "exact", f"{name} was exact and is now refused: {detail}"
        assert EXPECTED[name] in detail, f"{name} is refused for another reason: {detail}"
    else:
        assert EXPECTED[name] == "exact", f"{name} now imports exactly: record it as \"exact\" in EXPECTED.json"


def test_at_least_80_percent_of_the_files_import_exactly(outcomes):
    """The issue's target, over what the files give now (not over EXPECTED.json): a file added
    to the corpus counts whatever its import gives."""
    exact = sorted(name for name, (kind, _) in outcomes.items() if kind == "exact")
    assert len(outcomes) == len(FILES) and len(exact) >= 0.8 * len(FILES), f"{len(exact)} of {len(FILES)} exact"


# ----------------------------------------------------------------------------- breaking one statement

def _small_exact() -> list[str]:
    """The exact files that name no application (an import of those takes seconds), and read no
    module of their package (the statements broken are the file's own)."""
    return [n for n in FILES if EXPECTED.get(n) == "exact" and not n.startswith(("keras_", "kapps_"))
            and not reads_its_package(n)]


@pytest.mark.slow
def test_breaking_one_statement_of_a_published_file_refuses_or_changes_nothing(fetched):
    """Issue 24's hypothesis test on code others wrote: leave out any one statement (wrapped
    in `with unknown():`) or make one call's first argument unreadable, and the import either
    refuses or gives the very project the whole file gives."""
    import ast

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.test_code_import_never_wrong import _shape, _statements, assert_refused_or_same

    files = [(name, ast.unparse(ast.parse(source(name))), wanted(name)) for name in _small_exact()]
    assert len(files) >= 8
    sites = []
    for f, (_, text, _) in enumerate(files):
        for s, statement in enumerate(_statements(ast.parse(text))):
            calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call)]
            sites += [(f, s, -1)] + [(f, s, k) for k in range(min(len(calls), 2))]
    bases = {f: _shape(import_code(text, model=model, filename=name).project)
             for f, (name, text, model) in enumerate(files)}

    @settings(max_examples=250, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sites))
    def breaking(site):
        f, s, k = site
        assert_refused_or_same(files[f], bases[f], s, k)

    breaking()
