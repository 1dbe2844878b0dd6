"""Hostile code (issue 14): files that would write a file, open a socket or hang if they
ran are refused in one line each, within the reader's budget, and nothing in them ever runs.

tests/code_corpus/hostile/*.py are model files with one hostile construct each. Their
first line, `# expect: TEXT`, is part of the one-line refusal under --strict. A line that
ends in `# hostile` is part of the construct: a refusal's "line N" names one, and where
the default (lenient) mode reads on instead, the statements holding them are left out
(listed in `skipped`) and the project is the one the file gives without them. A second
line `# canary: KIND` says what running the file would do, aimed at the canaries set up
here from environment variables: `file` creates $KGS_CANARY, `dir` deletes
$KGS_CANARY_DIR, `socket` connects to port $KGS_CANARY_PORT, `cwd` writes into the
working directory (or $KERAS_HOME inside it). "(through keras)" or "(through tensorflow)"
marks the ones only a real Keras or TensorFlow would carry out; the others are run for
real once here, with a stand-in Keras, to show that each canary does fire.

No clock (issue 22: a read took 1.67 s against a 1 s limit under load): the work is
bounded by counts. The reader's steps stay within its budget (MAX_STEPS + 1 means it was
spent, and only then is the file refused as doing too much), its file is checked for
size before it is parsed, and the Python calls made while reading stay within a fixed
multiple of the steps and syntax nodes it counted, so no work escapes the budget. (The
times are in benchmarks/bench_code_import.py.)
"""

from __future__ import annotations

import ast
import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.code.code_import import CodeRefused, import_code
from editor.code.reader import MAX_STEPS
from tests.test_cli import assert_one_line_failure, run
from tests.work import measure

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "code_corpus" / "hostile"
FILES = sorted(HOSTILE.glob("*.py"))
# Python calls per step or syntax node the reader counts: the most any file here takes is
# about 115 (a hostile file's 1,700 skipped classes, each message checked character by
# character); the fixed part is the import's own (choosing the model, the project).
CALLS_PER_COUNT = 150
CALLS_FIXED = 10_000


@dataclass(frozen=True)
class Hostile:
    path: Path
    source: str
    expect: str
    canary: str  # "" when running the file would do nothing outside itself
    lines: frozenset  # the lines marked `# hostile`

    @staticmethod
    def read(path: Path) -> "Hostile":
        source = path.read_text(encoding="utf-8")
        head = source.splitlines()[:2]
        expect = re.fullmatch(r"# expect: (.+)", head[0]).group(1)
        canary = next((m.group(1) for m in [re.fullmatch(r"# canary: (.+)", head[1])] if m), "")
        lines = frozenset(i for i, text in enumerate(source.splitlines(), 1) if text.rstrip().endswith("# hostile"))
        return Hostile(path, source, expect, canary, lines)


class Canaries:
    """What a hostile file would touch if it ran: a file to create, a folder to delete, a
    listening socket to connect to, and an empty working directory."""

    def __init__(self, root: Path):
        self.file = root / "canary.txt"
        self.folder = root / "canary_dir"
        self.folder.mkdir()
        (self.folder / "keep.txt").write_text("keep")
        self.work = root / "work"
        self.work.mkdir()
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.setblocking(False)

    def environment(self) -> dict:
        return {"KGS_CANARY": str(self.file), "KGS_CANARY_DIR": str(self.folder),
                "KGS_CANARY_PORT": str(self.server.getsockname()[1]), "KERAS_HOME": str(self.work / "keras_home")}

    def connected(self) -> bool:
        try:
            self.server.accept()[0].close()
        except BlockingIOError:
            return False
        return True

    def fired(self) -> list[str]:
        """The canaries that went off, by kind."""
        fired = ["file"] * self.file.exists() + ["dir"] * (not (self.folder / "keep.txt").exists())
        fired += ["cwd"] * bool(list(self.work.iterdir())) + ["socket"] * self.connected()
        return fired

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def canaries(tmp_path, monkeypatch):
    found = Canaries(tmp_path)
    for key, value in found.environment().items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(found.work)
    yield found
    found.close()


def assert_one_line(message: str) -> None:
    assert message and message == message.strip(), repr(message)
    assert "\n" not in message and "\r" not in message and "Traceback" not in message, message


def statement_spans(source: str) -> dict[int, int]:
    """First line -> last line of the widest statement starting there."""
    spans: dict[int, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt):
            spans[node.lineno] = max(spans.get(node.lineno, 0), node.end_lineno)
    return spans


def covered(lines, skipped_lines, spans) -> set:
    """The lines among `lines` that some statement starting on a skipped line holds."""
    return {line for line in lines if any(s <= line <= spans.get(s, s) for s in skipped_lines)}


def without(source: str, lines) -> str:
    """The source with each statement holding a hostile line (the innermost) made `pass`."""
    tree = ast.parse(source)
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    chosen = set()
    for line in lines:
        holding = [n for n in statements if n.lineno <= line <= n.end_lineno]
        if holding:
            chosen.add(id(max(holding, key=lambda n: n.lineno)))

    class Drop(ast.NodeTransformer):
        def visit(self, node):
            if id(node) in chosen:
                return ast.copy_location(ast.Pass(), node)
            return super().visit(node)

    return ast.unparse(Drop().visit(tree))


def imported(function):
    """(the CodeImport or None, the CodeRefused or None), the reader's step count checked:
    within its budget, and spent exactly when the refusal says the code does too much."""
    try:
        result, refused = function(), None
    except CodeRefused as err:
        result, refused = None, err
    counts = result if refused is None else refused
    assert 0 <= counts.steps <= MAX_STEPS + 1, counts.steps
    spent = refused is not None and "the code does too much to read" in str(refused)
    assert (counts.steps == MAX_STEPS + 1) == spent, (counts.steps, str(refused))
    return result, refused


def assert_within_counts(made: int, counts) -> None:
    """The Python calls `made` while reading are what the reader's counts allow: no loop
    escapes its steps, no pass over the file its count of syntax nodes."""
    assert made <= CALLS_PER_COUNT * (counts.steps + counts.parsed) + CALLS_FIXED, \
        f"{made:,} calls for {counts.steps:,} steps and {counts.parsed:,} syntax nodes"


def test_the_corpus_is_large_enough_and_well_formed():
    assert len(FILES) >= 45
    for path in FILES:
        hostile = Hostile.read(path)
        assert hostile.lines, f"{path.name}: no line is marked # hostile"
        assert hostile.canary in ("", "file", "dir", "socket", "cwd") or "(through " in hostile.canary, path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_hostile_file_is_refused_in_one_line_and_nothing_runs(path, canaries):
    hostile = Hostile.read(path)
    _, refused = imported(lambda: import_code(hostile.source, filename=path.name, strict=True))
    assert refused is not None, f"{path.name} was imported under --strict"
    message = str(refused)
    assert_one_line(message)
    assert hostile.expect in message, message
    spans = {}
    if "nested too deeply" not in message:  # (refused while parsing: no line to name, no tree to walk here)
        spans = statement_spans(hostile.source)
        named = {int(n) for n in re.findall(r"\bline (\d+)", message)}
        assert named and covered(hostile.lines, named, spans), f"{message}: not a line marked # hostile"

    result, refused = imported(lambda: import_code(hostile.source, filename=path.name))
    if refused is not None:
        assert_one_line(str(refused))
    else:
        skipped = {int(re.match(r"line (\d+):", s).group(1)) for s in result.skipped}
        assert covered(hostile.lines, skipped, spans) == set(hostile.lines), result.skipped
        clean = import_code(without(hostile.source, hostile.lines), filename=path.name)
        assert result.project == clean.project
    assert canaries.fired() == []


def test_no_hostile_file_loads_tensorflow_or_touches_a_canary(canaries):
    """In a fresh process (other tests load TensorFlow): read every hostile file both ways,
    counting the Python calls of the default reading (--strict reads the same, then refuses
    where the default reads on) once the modules the reader loads on first use are loaded."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "import editor.code.codegen, editor.files.importer, editor.files.safe_archive\n"
        "from editor.code.code_import import CodeRefused, import_code\n"
        "from tests.work import measure\n"
        "refused, work = 0, []\n"
        "for path in sorted(Path(sys.argv[1]).glob('*.py')):\n"
        "    source = path.read_text(encoding='utf-8')\n"
        "    try:\n"
        "        import_code(source, filename=path.name, strict=True)\n"
        "    except CodeRefused:\n"
        "        refused += 1\n"
        "    done = measure(lambda: import_code(source, filename=path.name))\n"
        "    counts = done.result or done.error\n"
        "    work.append([path.name, done.calls, counts.steps, counts.parsed])\n"
        "loaded = sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)\n"
        "print(json.dumps({'refused': refused, 'loaded': loaded, 'work': work}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script, str(HOSTILE)], capture_output=True, text=True,
                          cwd=canaries.work, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["refused"], report["loaded"]) == (len(FILES), [])
    assert canaries.fired() == []
    assert len(report["work"]) == len(FILES)
    for name, made, steps, parsed in report["work"]:
        assert made <= CALLS_PER_COUNT * (steps + parsed) + CALLS_FIXED, \
            f"{name}: {made:,} calls for {steps:,} steps and {parsed:,} syntax nodes"


@pytest.mark.parametrize("name", ["os_system_cache.py", "range_billion.py"])
def test_cli_refuses_a_hostile_file_in_one_line_and_writes_nothing(name, canaries):
    hostile = Hostile.read(HOSTILE / name)
    output = canaries.work.parent / "out.json"
    result = run("import", str(hostile.path), "-o", str(output), "--strict", cwd=canaries.work)
    assert_one_line_failure(result, hostile.expect)
    assert not output.exists()
    assert canaries.fired() == []


# A stand-in for Keras and TensorFlow: every name, call, index and operator gives another
# stand-in, so that a model file runs through to its hostile line without loading either.
STUB = '''
import sys, types


def anything(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return Anything()


class Anything:
    def __getattr__(self, name):
        return anything(name)

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __mro_entries__(self, bases):
        return (object,)

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __call__


def module(name):
    made = sys.modules.setdefault(name, types.ModuleType(name))
    made.__getattr__ = anything
    made.__path__ = []
    return made


for sub in ("layers", "models", "ops", "backend", "utils", "optimizers", "losses", "config", "applications"):
    setattr(module(__name__), sub, module(__name__ + "." + sub))
'''


@pytest.fixture
def stand_in_keras(tmp_path):
    folder = tmp_path / "stubs"
    for package in ("keras", "tensorflow"):
        (folder / package).mkdir(parents=True)
        (folder / package / "__init__.py").write_text(STUB, encoding="utf-8")
    (folder / "tensorflow" / "__init__.py").write_text(STUB + "\nkeras = sys.modules.setdefault('tensorflow.keras', "
                                                       "__import__('keras'))\n", encoding="utf-8")
    return folder


RUNNABLE = [p for p in FILES if (c := Hostile.read(p).canary) and "(through" not in c]


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: p.stem)
def test_each_canary_fires_when_the_file_really_runs(path, canaries, stand_in_keras):
    """The check above can fail: run with Python (and a stand-in Keras), the file sets off its canary."""
    hostile = Hostile.read(path)
    env = {**os.environ, **canaries.environment(), "PYTHONPATH": str(stand_in_keras)}
    subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=canaries.work, env=env,
                   timeout=60, stdin=subprocess.DEVNULL)
    assert hostile.canary in canaries.fired()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "discard", "unique", "view"]),
                          st.sampled_from(["x", "x_1", "x_2", "x_1_1", "dense", "dense_1", "dense_3", "y_01"])),
                max_size=60))
def test_taken_names_are_those_names_unique_gives(operations):
    """The reader's fast naming (thousands of layers stay linear) picks the names it always did."""
    from editor.model import names
    from editor.code.reader import Taken

    records, layers_made = Taken(), set()
    view = Taken(records)  # records' names and layers' names, as the reader names a new layer
    plain: list[str] = []
    for operation, name in operations:
        if operation == "add":
            records.add(name)
            plain.append(name)
        elif operation == "discard" and name in plain:
            records.discard(name)
            plain.remove(name)
        elif operation == "unique":
            assert records.unique(name) == names.unique(name, set(plain))
        elif operation == "view":
            made = view.unique(name)
            assert made == names.unique(name, set(plain) | layers_made)
            view.add(made)
            layers_made.add(made)


def test_a_long_line_run_in_a_loop_is_searched_once(monkeypatch):
    """A loop on one line with a 600 kB comment (too big a file to keep here): the reader looks
    for its `# node:` name once, not at each assignment (before: a minute)."""
    from editor.code.reader import Reader

    searched = []
    search = Reader._comment
    monkeypatch.setattr(Reader, "_comment", lambda self, line: searched.append(line) or search(self, line))
    source = ("import keras\nfrom keras import layers\n"
              "for step in range(10000): a = step; b = step; c = step  # " + " " * 600_000 + ".\n"
              "inputs = keras.Input(shape=(8,))\nmodel = keras.Model(inputs, layers.Dense(1)(inputs))\n")
    _, refused = imported(lambda: import_code(source, strict=True))
    assert "line 3: the code does too much to read" in str(refused)
    assert refused.steps == MAX_STEPS + 1 and searched == [3]


# Random statements over a small model, from fragments that mix every kind of value the reader
# has (numbers, text, lists, dicts, ranges, tensors, layers, models, Keras names, functions).
FUZZ_HEAD = """import keras
from keras import layers
inp = keras.Input((4,))
x = layers.Dense(4)(inp)
d = layers.Dense(2)
def f(a, b=1):
    return a
m = keras.Model(inp, x)
"""
FUZZ_ATOMS = ("0", "-3", "2.5", "1e300", "10**15", "True", "None", "'ab'", "'{}'", "'%s'", "[1, 2]", "[]", "(1,)",
              "{'a': 1}", "range(3)", "range(10**15)", "x", "d", "m", "keras", "layers", "f", "lambda q: q", "[x, x]",
              "{1: x}", "[[1], [2]]", "((1, [2]),)", "...", "x[:, 1]")
FUZZ_OPERATORS = ("+", "-", "*", "/", "//", "%", "**", "@", "==", "<", "in", "and", "or", "&", "<<")
FUZZ_CALLS = ("len", "range", "list", "dict", "zip", "min", "max", "sum", "int", "str", "sorted", "print",
              "keras.ops.add", "keras.ops.mean", "keras.ops.reshape", "keras.ops.concatenate", "layers.Dense",
              "layers.Concatenate", "layers.Lambda", "layers.LSTM", "keras.Input", "keras.Model", "keras.Sequential",
              "m", "d", "f", "layers.add", "keras.optimizers.Adam", "m.compile", "m.add_loss", "m.get_layer",
              "[].append", "{}.get", "'a'.format", "'a'.join", "'a'.replace")
FUZZ_KEYWORDS = ("axis", "name", "units", "shape", "activation", "inputs", "outputs", "training", "loss", "return_state")


def fuzz_expression(r, depth=0) -> str:
    k = r.random()
    if depth > 2 or k < 0.35:
        return r.choice(FUZZ_ATOMS)
    if k < 0.55:
        return f"({fuzz_expression(r, depth + 1)} {r.choice(FUZZ_OPERATORS)} {fuzz_expression(r, depth + 1)})"
    if k < 0.85:
        args = [fuzz_expression(r, depth + 1) for _ in range(r.randint(0, 3))]
        args += [f"{r.choice(FUZZ_KEYWORDS)}={fuzz_expression(r, depth + 1)}" for _ in range(r.randint(0, 2))]
        args += [f"*{fuzz_expression(r, depth + 1)}"] * (r.random() < 0.1)
        return f"{r.choice(FUZZ_CALLS)}({', '.join(args)})"
    if k < 0.92:
        return f"{fuzz_expression(r, depth + 1)}[{fuzz_expression(r, depth + 1)}]"
    if k < 0.96:
        return f"{fuzz_expression(r, depth + 1)}[{r.choice(['1', '', 'x'])}:{r.choice(['2', '', 'x', repr('a')])}:0]"
    return f"[{fuzz_expression(r, depth + 1)} for q in {fuzz_expression(r, depth + 1)}]"


@settings(max_examples=150, deadline=None)
@given(st.randoms(use_true_random=False))
def test_random_statements_are_read_or_refused_in_one_line(r):
    """Whatever Python would raise on such values (TypeError, IndexError, OverflowError...) is a
    skipped line or a one-line refusal, never a traceback, and within the reader's counts."""
    import editor.code.codegen  # noqa: F401 - what the reader loads on first use, loaded before counting
    import editor.files.importer  # noqa: F401

    body = "\n".join(f"{r.choice('xyzw')} = {fuzz_expression(r)}" for _ in range(r.randint(1, 4)))
    source = FUZZ_HEAD + body + "\nmodel = keras.Model(inp, [x])\n"
    done = measure(lambda: imported(lambda: import_code(source, model="model")))
    if done.error is not None:
        raise done.error
    result, refused = done.result
    if refused is not None:
        assert_one_line(str(refused))
    assert_within_counts(done.calls, result or refused)


def test_keras_applications_are_built_at_most_twice_per_file(monkeypatch):
    """Each keras.applications call loads Keras and builds the model (seconds): a loop of
    them is refused at the third, before any is built (a first read counts them; here with a
    stand-in build)."""
    from types import SimpleNamespace

    from editor.files import importer
    from tests.helpers import inp, layer, project

    small = project(inp("image", "image", (8,)), layer("dense", "dense", "Dense", "image", units=2), outputs=["dense"],
                    name="tiny")
    built = []
    monkeypatch.setattr(importer, "import_application", lambda name, arguments=None: built.append(name) or
                        SimpleNamespace(project=small))
    source = "import keras\nfor i in range(1000):\n    backbone = keras.applications.VGG16(weights=None)\nmodel = backbone\n"
    with pytest.raises(CodeRefused, match="^line 3: more than 2 keras.applications models in one file$"):
        import_code(source)
    assert built == []
    assert [n.name for n in import_code(source.replace("1000", "1")).project.main.nodes] == ["image", "dense"]
