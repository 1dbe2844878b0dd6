"""Previews of a project, built once per content and kept in a small LRU. No Streamlit.

The page draws the canvas before TensorFlow is imported (`keras_ready` / `load_keras`),
then asks for the `Preview` of the project: the Keras model, shapes per node, problems,
`model.summary()` text, the plot_model DOT and parameter counts. Previews are keyed by
a digest of the project file text (editor.files.project_files.dumps), so undo, redo and reopening a
state cost nothing, and nothing is built twice in one rerun.

The preview model is built without initialising its weights (a Keras StatelessScope
that defers variable creation): its structure, shapes, summary and diagram are exactly
those of the real model. Initialising the U-Net's 31 million weights takes about a
second; building without them takes about 60 ms. Only text is kept (summary, DOT,
counts, shapes, problems), never the model: it cannot be trained by mistake, and the
cache stays light.
The build is `editor.building.build.build_project(weights=False)`; tests/ui/test_builds.py
checks that it gives the same summary as the build with weights.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from editor.errors import UserError
from editor.model.graph import Project
from editor.model.problems import Problem, errors, one_line

_lock = threading.RLock()
_keras_loaded = False
CACHE_SIZE = 16


# ----------------------------------------------------------------------------- TensorFlow

def keras_ready() -> bool:
    """True once TensorFlow and Keras are imported (this process imports them once)."""
    return _keras_loaded


def load_keras() -> None:
    """Import Keras (and TensorFlow with it): seconds the first time, nothing after."""
    global _keras_loaded
    if _keras_loaded:
        return
    with _lock:
        if not _keras_loaded:
            importlib.import_module("keras")
            importlib.import_module("editor.building.build")
            # Streamlit calls keras.backend.clear_session() after every script run, which
            # runs a full garbage collection: ~200 ms over TensorFlow's millions of
            # objects. Freezing them (they live as long as the process anyway) leaves
            # that collection only the objects made since: a few milliseconds.
            gc.collect()
            gc.freeze()
            _keras_loaded = True


# ----------------------------------------------------------------------------- LRU


class LRU:
    """A small thread-safe least-recently-used map (sessions share it).

    get_or_make runs make() outside the lock (a preview build takes seconds, and other
    keys must not wait for it); callers of a key already being made wait for that one
    make() instead of building it again."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._making: dict = {}  # key -> threading.Event set when its make() ends
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            return self._found(key)

    def _found(self, key):
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        return None

    def get_or_make(self, key, make: Callable[[], Any]):
        while True:
            with self._lock:
                found = self._found(key)
                if found is not None:
                    return found
                pending = self._making.get(key)
                if pending is None:
                    done = self._making[key] = threading.Event()
                    self.misses += 1
                    break
            pending.wait()  # the maker ended: its value is cached, or it failed and we try
        try:
            value = make()
            with self._lock:
                self._items[key] = value
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._making[key]
            done.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


_previews = LRU()
_code = LRU()
_template_counts = LRU(size=64)
_deltas = LRU(size=16)
_dots = LRU(size=8)
_svgs = LRU(size=4)  # page images of big diagrams (megabytes each)


def digest(project: Project) -> str:
    """A short fingerprint of the project's content (pydantic's JSON of it: 14 ms at 5,000
    nodes, where the indented file text took 117 ms on every rerun)."""
    return hashlib.sha1(project.model_dump_json().encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- previews


@dataclass
class Preview:
    """What the previews show for one graph of one project state."""

    digest: str
    graph_id: str
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    shapes: dict = field(default_factory=dict)
    model_name: str = ""
    summary: str = ""
    dot: str = ""
    counts: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)  # node id -> editor.building.node_cost.NodeCost, batch 1
    failure: str = ""  # an unexpected failure of the build itself, as one line
    quick: bool = False  # a big graph's quick preview (editor.building.quick_build): no diagram until asked


def cached_preview(digest_: str, graph_id: str) -> Optional[Preview]:
    """The preview if it was already built (never builds; works before Keras is loaded)."""
    return _previews.get((digest_, graph_id))


def preview(project: Project, graph_id: str, digest_: Optional[str] = None) -> Preview:
    """The preview of graph `graph_id`, from the cache or built now (needs Keras)."""
    digest_ = digest_ or digest(project)
    return _previews.get_or_make((digest_, graph_id), lambda: _make_preview(project, graph_id, digest_))


def _make_preview(project: Project, graph_id: str, digest_: str) -> Preview:
    load_keras()
    from editor.building import quick_build
    from editor.building.build import build_project, param_counts, summary_text
    from editor.building.diagram import dot_source

    if quick_build.applies(project, graph_id):
        return _quick_preview(project, graph_id, digest_)
    try:
        built = build_project(project, graph_id, weights=False)
        model, shapes, problems = built.model, built.shapes, built.problems
    except Exception as err:  # a bug or an unforeseen Keras failure: one line, never a traceback
        return _failed(project, graph_id, digest_, err)
    result = Preview(digest_, graph_id, model is not None and not errors(problems), problems, shapes)
    if result.ok:
        try:
            result.model_name = model.name
            result.summary = summary_text(model)
            result.dot = dot_source(model)
            result.counts = param_counts(model)
            from editor.building.node_cost import costs_of

            result.costs = costs_of(project, graph_id, built)
        except Exception as err:
            result.ok, result.failure = False, f"model '{model.name}': {one_line(err)}"
    # The model is not kept: a cached preview is text, so the garbage collection
    # Streamlit runs after every rerun has little to walk (see load_keras).
    return result


def _quick_preview(project: Project, graph_id: str, digest_: str) -> Preview:
    """A big graph's preview from editor.building.quick_build: milliseconds per edit, no diagram."""
    from editor.building import quick_build
    from editor.building.node_cost import costs_of

    try:
        quick = quick_build.quick_build(project, graph_id)
    except Exception as err:  # a bug or an unforeseen Keras failure: one line, never a traceback
        return _failed(project, graph_id, digest_, err, quick=True)
    result = Preview(digest_, graph_id, quick.ok, quick.problems, quick.shapes, quick=True)
    if result.ok:
        name = project.graph(graph_id).name
        result.model_name, result.counts = name, quick.counts
        result.summary = quick_build.summary_table(name, quick)
        result.costs = costs_of(project, graph_id, quick_build.as_build_result(quick))
    return result


def _failed(project: Project, graph_id: str, digest_: str, err: Exception, quick: bool = False) -> Preview:
    """A build that failed unexpectedly: the structural problems still land on their nodes;
    the failure says it is ours."""
    from editor.model.validate import check_project

    return Preview(digest_, graph_id, False, check_project(project), quick=quick,
                   failure=f"the editor could not build this graph (a bug: please report it): {one_line(err)}")


def full_dot(project: Project, graph_id: str, digest_: str) -> str:
    """The diagram of a quick preview, built when the person asks for it ('' if it fails)."""
    def make() -> str:
        from editor.building.build import build_project
        from editor.building.diagram import dot_source

        built = build_project(project, graph_id, weights=False)
        return dot_source(built.model) if built.model is not None else ""

    return _dots.get_or_make((digest_, graph_id), make)


# ----------------------------------------------------------------------------- code, counts


@dataclass(frozen=True)
class Code:
    source: str = ""
    error: str = ""


def code(project: Project, digest_: Optional[str] = None, train=None, strategy: str = "default") -> Code:
    """Generated Python for the project (no Keras needed), or the reason it cannot be written.
    `train`: an editor.model.run_settings.Settings to include train() (see editor.code.codegen_train)."""
    digest_ = digest_ or digest(project)

    def make() -> Code:
        from editor.code.codegen import generate

        try:
            return Code(source=generate(project, train=train, strategy=strategy))
        except Exception as err:  # CodegenError names the node; anything else is one line too
            return Code(error=one_line(err))

    return _code.get_or_make((digest_, train, strategy), make)


def diff_deltas(old: Project, new: Project):
    """editor.diff.deltas of two project states (two builds), cached by their content."""
    load_keras()
    from editor.diff import deltas

    return _deltas.get_or_make((digest(old), digest(new)), lambda: deltas(old, new))


def template_counts(template_id: str) -> Optional[dict]:
    """Parameter counts of a template's main model (None if it does not build). Needs Keras."""
    from editor.templates import TEMPLATE_DIR, load_template

    path = TEMPLATE_DIR / f"{template_id}.json"
    key = (template_id, path.stat().st_mtime if path.exists() else 0)

    def make():
        project = load_template(template_id)
        found = preview(project, project.main.id)
        return found.counts if found.ok else {}

    counts = _template_counts.get_or_make(key, make)
    return counts or None


def screen_dot(dot: str) -> str:
    """The DOT text for drawing on the page: Keras asks Graphviz for 200 dpi (print
    size), which makes the browser's drawing about three times too big; 72 dpi is 1:1."""
    return re.sub(r"^dpi=[0-9.]+;$", "dpi=72;", dot, count=1, flags=re.M)


def file_stem(text: str) -> str:
    """A safe file name stem for downloads of `text` (a model name)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "model"


class DiagramNotDrawn(UserError):
    """Graphviz did not draw the diagram (missing, too slow, out of memory): one line why."""


# Graphviz's `dot` on the server, bounded so that no diagram can hang or exhaust it.
# Measured (residual stacks, support.big_graphs, graphviz 2.43, -Tsvg): 331 nodes 0.2 s
# and 37 MB, 1,002 nodes 0.9 s and 191 MB, 2,002 nodes 2.8 s and 678 MB.
DOT_TIMEOUT_S = 30.0
DOT_MEMORY_BYTES = 2 * 10**9  # address space (ulimit -v): a few times the 2,002-node peak


def render_dot(dot: str, fmt: str, timeout: float = DOT_TIMEOUT_S, memory_bytes: int = DOT_MEMORY_BYTES) -> bytes:
    """PNG or SVG of DOT text with Graphviz's `dot` (what keras.utils.plot_model runs), in
    a process given at most `timeout` seconds and `memory_bytes` of address space.
    Raises DiagramNotDrawn with one line saying why."""
    import shutil
    import subprocess

    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}")
    program = shutil.which("dot")
    if program is None:
        raise DiagramNotDrawn("Graphviz's dot program is not installed on the server")
    # The limit is set by a shell in the child (no preexec_fn: not safe in Streamlit's threads).
    command = ["sh", "-c", 'ulimit -v "$1" && exec "$2" "-T$3"', "sh", str(memory_bytes // 1024), program, fmt]
    try:
        done = subprocess.run(command, input=dot.encode("utf-8"), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DiagramNotDrawn(f"Graphviz took longer than {timeout:g} s to lay it out") from None
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode < 0 or "memory" in said.lower() or "alloc" in said.lower():
            raise DiagramNotDrawn(f"Graphviz needed more than {memory_bytes / 1e9:g} GB of memory to lay it out")
        raise DiagramNotDrawn(f"Graphviz failed: {one_line(RuntimeError(said or f'exit status {done.returncode}'))}")
    return done.stdout


def page_svg(dot: str, key) -> tuple[str, str]:
    """(SVG text at screen size, '') or ('', why not) for the page's image of a big
    diagram, made once per `key` (project digest, graph id): a failure, minutes of
    Graphviz perhaps, is not tried again on every rerun."""
    def make() -> tuple[str, str]:
        try:
            return render_dot(screen_dot(dot), "svg").decode("utf-8", "replace"), ""
        except DiagramNotDrawn as err:
            return "", str(err)

    return _svgs.get_or_make(key, make)


def clear_caches() -> None:
    """Forget every preview (tests, benchmarks)."""
    _previews.clear()
    _code.clear()
    _template_counts.clear()
    _deltas.clear()
    _dots.clear()
    _svgs.clear()
