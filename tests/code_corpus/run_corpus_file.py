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
counts those calls instead (the losses add no weights and no outputs).

    python tests/code_corpus/run_corpus_file.py FILE.py [FILE.py ...]
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import runpy
import sys
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras.src.models.functional import Functional  # noqa: E402
from keras.src.models.sequential import Sequential  # noqa: E402

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


_recording(Functional)
_recording(Sequential)
Functional.add_loss = _add_loss


def _shape(tensor) -> list:
    return [d if d is None else int(d) for d in tensor.shape]


def run(path: str) -> dict:
    path = os.path.abspath(path)
    source = open(path, encoding="utf-8").read()
    keras.backend.clear_session()
    _current.update(path=path, models=[])
    with contextlib.redirect_stdout(io.StringIO()):
        scope = runpy.run_path(path, run_name="__main__")
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
    return {"model": model.name, "params": int(model.count_params()),
            "trainable_params": sum(math.prod(w.shape) for w in model.trainable_weights),
            "inputs": [_shape(t) for t in model.inputs],
            "outputs": [_shape(t) for t in model.outputs],
            "output_names": [t._keras_history[0].name for t in model.outputs],
            "layers": len(model.layers), "added_losses": getattr(model, "_corpus_added_losses", 0)}


def main(paths: list[str]) -> int:
    for path in paths:
        name = os.path.basename(path)
        try:
            result = {"file": name, **run(path)}
        except Exception as err:  # one file's failure is reported, the others still run
            result = {"file": name, "error": f"{type(err).__name__}: {err}",
                      "traceback": traceback.format_exc(limit=-3)}
        print("CORPUS " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
