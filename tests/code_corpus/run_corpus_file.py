"""Runs files of tests/code_corpus/public for real and prints what each builds.

Only for our own, trusted test corpus (tests/test_code_import_corpus.py compares what
the code importer reads, without running anything, with this): each file is run with
runpy as a script (`__name__ == "__main__"`), in the order given, and one line per file
is printed: `CORPUS {json}` with the chosen model's parameter counts (all, trainable),
inputs' and outputs' shapes, output names, number of layers and how many add_loss()
calls it got, or `CORPUS {"file": ..., "error": ...}`.

The chosen model is the one named in a header comment `# model: NAME` (a variable of the
script, or a model's name), else the last keras.Model or Sequential the file's own code
constructs. Keras 3 has not implemented add_loss() on a functional model (it raises
NotImplementedError, "Symbolic only. TODO"): as public Keras 2 code calls it, the runner
counts those calls instead (the losses add no weights and no outputs). Nothing is downloaded:
published transfer-learning code asks Keras for ImageNet weights (`weights="imagenet"`), and the
runner's file_utils.get_file gives a placeholder that load_weights skips (weights change no count).

Published files (tests/code_corpus/published/SOURCES.json, fetched by fetch_published.py) run
with `--published [NAME ...]`: each one's text is theirs plus our appended lines; it runs as a
module of its own package (`__package__` set, so its relative imports work) with the unpacked
distribution on sys.path, as its own package's other modules are imported from there. deepface
imports gdown, a downloader, at the top of its weight helpers: where gdown is not installed the
runner stands an empty module in for it, and its download_weights_if_necessary gives the same
placeholder as get_file (nothing here downloads). Keras 2 example scripts (entries marked
"script") run as scripts, nothing put on sys.path, with no_training.py's datasets and no-op
training in place of the real ones, keras2_names.py's Keras 2 names bound to Keras 3's own
objects, no command-line arguments (sys.argv is the script alone) and, as their current folder,
a new empty one of their own (they write logs, images and checkpoints there).

    python tests/code_corpus/run_corpus_file.py FILE.py [FILE.py ...]
    python tests/code_corpus/run_corpus_file.py --published [NAME ...]
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import importlib.util
import io
import json
import math
import os
import re
import runpy
import sys
import tempfile
import traceback
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras.src.models.functional import Functional  # noqa: E402
from keras.src.models.model import Model  # noqa: E402
from keras.src.models.sequential import Sequential  # noqa: E402
from keras.src.utils import file_utils  # noqa: E402

HEADER = re.compile(r"^#\s*model:\s*([A-Za-z_][\w.-]*)\s*$", re.MULTILINE)

_current = {"path": None, "models": []}


def _recording(cls):
    """cls.__init__, also noting each model the running corpus file itself constructs
    (not those Keras makes inside, e.g. a Sequential model's functional twin)."""
    original = cls.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        caller = sys._getframe(1).f_code.co_filename
        if _current["path"] is not None and os.path.abspath(caller) == _current["path"]:
            _current["models"].append(self)

    cls.__init__ = __init__


def _add_loss(self, loss):
    self._corpus_added_losses = getattr(self, "_corpus_added_losses", 0) + 1


_NO_DOWNLOAD = "<weights not downloaded by run_corpus_file.py>"


def _no_download(*args, **kwargs):
    return _NO_DOWNLOAD


def _loading(original):
    def load_weights(self, filepath, *args, **kwargs):
        if filepath == _NO_DOWNLOAD:
            return None
        return original(self, filepath, *args, **kwargs)
    return load_weights


file_utils.get_file = _no_download
Model.load_weights = _loading(Model.load_weights)
_recording(Functional)
_recording(Sequential)
Functional.add_loss = _add_loss


def _shape(tensor) -> list:
    return [d if d is None else int(d) for d in tensor.shape]


def _execute(path: str, source: str, package: str | None) -> dict:
    """The file run as a script; as a module of `package` when given (relative imports)."""
    if package is None:
        return runpy.run_path(path, run_name="__main__")
    scope = {"__name__": "__main__", "__file__": path, "__package__": package, "__builtins__": builtins}
    exec(compile(source, path, "exec"), scope)  # our test corpus only: files pinned by sha256
    return scope


def run(path: str, package: str | None = None, script: bool = False) -> dict:
    """What the file builds; a `script` runs as its own command (sys.argv), in a scratch folder."""
    path = os.path.abspath(path)
    source = open(path, encoding="utf-8").read()
    _current.update(path=None, models=[])
    keras.backend.clear_session()
    gc.collect()  # the previous file's models: VGG16 alone holds 0.5 GB of weights
    _current.update(path=path)
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        if script:
            stack.enter_context(contextlib.chdir(stack.enter_context(tempfile.TemporaryDirectory())))
            stack.enter_context(_argv([path]))
        scope = _execute(path, source, package)
    _current["path"] = None
    wanted = HEADER.search(source)
    if wanted:
        name = wanted.group(1)
        model = scope.get(name)
        if not isinstance(model, keras.Model):
            named = [m for m in _current["models"] if m.name == name]
            if not named:
                raise LookupError(f"no model called {name!r}")
            model = named[-1]
    elif _current["models"]:
        model = _current["models"][-1]
    else:
        raise LookupError("the file builds no model")
    found = {"model": model.name, "params": int(model.count_params()),
             "trainable_params": sum(math.prod(w.shape) for w in model.trainable_weights),
             "inputs": [_shape(t) for t in model.inputs],
             "outputs": [_shape(t) for t in model.outputs],
             "output_names": [t._keras_history[0].name for t in model.outputs],
             "layers": len(model.layers), "added_losses": getattr(model, "_corpus_added_losses", 0)}
    # Keras's own application files register their functions (@keras_export), and a function
    # keeps its file's globals, the model among them: emptied, the model's weights can go.
    scope.clear()
    return found


@contextlib.contextmanager
def _argv(argv: list[str]):
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


def _published(names: list[str]) -> list[tuple[str, str | None, bool]]:
    """(corpus file, its package, whether it is a script) of each published file named (all when
    none is), each distribution's unpacked folder put on sys.path."""
    import fetch_published

    if importlib.util.find_spec("gdown") is None:
        sys.modules["gdown"] = types.ModuleType("gdown")
    named = {e.name: e for e in fetch_published.entries()}
    chosen = [named[n] for n in names] if names else list(named.values())  # in the order given
    for entry in chosen:
        root, downloaded = fetch_published.root_of(entry)
        if downloaded and not entry.script and str(root) not in sys.path:
            sys.path.insert(0, str(root))
    if any(e.script for e in chosen):
        import keras2_names
        import no_training

        keras2_names.install()
        no_training.install()
    if any(e.distribution == "deepface" for e in chosen):
        from deepface.commons import weight_utils

        weight_utils.download_weights_if_necessary = _no_download
    return [(str(fetch_published.corpus_file(e)), None if e.script else e.package, e.script) for e in chosen]


def main(args: list[str]) -> int:
    runs = _published(args[1:]) if args[:1] == ["--published"] else [(path, None, False) for path in args]
    for path, package, script in runs:
        name = os.path.basename(path)
        try:
            result = {"file": name, **run(path, package, script)}
        except Exception as err:  # one file's failure is reported, the others still run
            result = {"file": name, "error": f"{type(err).__name__}: {err}",
                      "traceback": traceback.format_exc(limit=-3)}
        print("CORPUS " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
