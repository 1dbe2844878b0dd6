"""The training part of exported code: `train()` on the editor's synthetic data.

With `editor.code.codegen.generate(project, train=settings)` the file also holds:
- editor/train/arrays.py, copied verbatim: the same seed draws the very same arrays the
  editor trains on (tests/test_codegen_train.py checks it);
- editor/train/distributed.py, copied verbatim: `make_strategy`, `is_chief` and
  `fit_distributed`, the training loop that works under MultiWorkerMirroredStrategy
  (where Keras 3's `model.fit` fails); `python -m editor train --strategy multiworker`
  runs the same module;
- INPUTS / TARGET_KINDS: what editor.train.synthetic decided for this project (integer ranges of
  inputs that reach an Embedding, label inputs of loss nodes, the target each loss wants);
- `train()`: builds the model under a tf.distribute strategy (one device by default, a
  GPU when TensorFlow sees one; "mirrored": every GPU of the machine, with `model.fit`;
  "multiworker": several machines, each with its TF_CONFIG, with `fit_distributed`) and
  trains it with the editor's settings; `save`: a .keras path the chief writes;
- a command line: `python model.py [--epochs N ...] [--strategy mirrored] [--save model.keras]`.
Keras is not imported here (the generated file imports it).
"""

from __future__ import annotations

import ast
from pathlib import Path

from editor.building.plan import plan
from editor.train import synthetic
from editor.model.graph import Project
from editor.model.run_settings import STRATEGIES


# Modules copied verbatim into the file (after their docstring and imports).
COPIED = ("arrays.py", "distributed.py")
COPIED_FROM = Path(__file__).resolve().parents[1] / "train"  # editor/train, where both live


def module_body(file_name: str) -> str:
    """An editor module after its docstring and imports: constants and functions."""
    text = (COPIED_FROM / file_name).read_text(encoding="utf-8")
    tree = ast.parse(text)
    start = next(s.lineno for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))
                 and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)))
    return "\n".join(text.splitlines()[start - 1:]).strip("\n")


def _defined(file_name: str) -> set[str]:
    tree = ast.parse((COPIED_FROM / file_name).read_text(encoding="utf-8"))
    names = {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.ClassDef))}
    return names | {t.id for s in tree.body if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)}


# Module-level names the training part defines: node names must not take them.
NAMES = frozenset({
    "argparse", "math", "time", "np", "tf", "INPUTS", "TARGET_KINDS", "LOSS_NODES", "output_shapes",
    "synthetic_data", "train", "main",
}.union(*(_defined(name) for name in COPIED)))

IMPORTS = ["import argparse", "import math", "import time", "", "import numpy as np", "import tensorflow as tf"]

_FUNCTIONS = '''\
def output_shapes(model, none_dim):
    """Per-sample shapes of the outputs that TARGET_KINDS describes, None dims given none_dim."""
    outputs = model.outputs[:len(TARGET_KINDS)]
    if any(d is None for t in outputs for d in t.shape[1:]):
        specs = [keras.KerasTensor((1, *(none_dim if d is None else d for d in t.shape[1:])), dtype=t.dtype)
                 for t in model.inputs]
        outputs = model.compute_output_spec(specs if len(specs) > 1 else specs[0])
        outputs = (list(outputs) if isinstance(outputs, (list, tuple)) else [outputs])[:len(TARGET_KINDS)]
    return [tuple(none_dim if d is None else d for d in t.shape[1:]) for t in outputs]


def synthetic_data(model, samples, seed, none_dim={none_dim}, task={task}):
    """(x, y) for model.fit: inputs and targets shaped to the model, as the editor makes them."""
    inputs = [(tuple(none_dim if d is None else d for d in shape), dtype, high, label)
              for shape, dtype, high, label in INPUTS]
    shapes = output_shapes(model, none_dim)
    targets = [None if kind is None else (kind, shape) for kind, shape in zip(TARGET_KINDS, shapes)]
    x, y = make_arrays(inputs, targets, samples, seed, task)
    x = x[0] if len(x) == 1 else x
    if all(t is None for t in y):
        return x, None  # only loss nodes supervise the model: it trains on x alone
    y = y + [None] * LOSS_NODES
    return x, (y[0] if len(y) == 1 else y)


def train(epochs={epochs}, batch_size={batch_size}, samples={samples}, validation_split={validation_split},
          seed={seed}, strategy={strategy}, save=None):
    """Build the model under `strategy` and train it on synthetic data; returns (model, history).

    "multiworker" trains with fit_distributed (Keras 3's model.fit fails under
    MultiWorkerMirroredStrategy: keras-team/keras#20585); the others with model.fit.
    `save`: a .keras path; only the chief writes it."""
    distribution = make_strategy(strategy)  # first: MultiWorkerMirroredStrategy wants TensorFlow untouched
    keras.utils.set_random_seed(seed)  # weights and shuffling too: the same run every time
    with distribution.scope():
        model = build_model()
    x, y = synthetic_data(model, samples, seed)
    if strategy == "multiworker":
        history = fit_distributed(model, x, y, strategy=distribution, batch_size=batch_size, epochs=epochs,
                                  validation_split=validation_split, seed=seed)
    else:
        history = model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_split=validation_split,
                            shuffle=True)
    if save and is_chief(distribution):
        model.save(save)
    return model, history


def main():
    parser = argparse.ArgumentParser(description="Build the model, print its summary, train it on synthetic data.")
    parser.add_argument("--epochs", type=int, default={epochs})
    parser.add_argument("--batch-size", type=int, default={batch_size})
    parser.add_argument("--samples", type=int, default={samples})
    parser.add_argument("--validation-split", type=float, default={validation_split})
    parser.add_argument("--seed", type=int, default={seed})
    parser.add_argument("--strategy", choices={strategies}, default={strategy},
                        help="multiworker: set TF_CONFIG on each worker (the cluster and this worker's index)")
    parser.add_argument("--save", metavar="model.keras", help="save the trained model (the chief only)")
    parser.add_argument("--summary-only", action="store_true", help="print the summary, do not train")
    args = parser.parse_args()
    if args.summary_only:
        build_model().summary()
        return
    model, history = train(args.epochs, args.batch_size, args.samples, args.validation_split, args.seed,
                           args.strategy, args.save)
    if not is_chief(model.distribute_strategy):
        return  # the chief reports for every worker
    model.summary()
    for name, values in history.history.items():
        print(f"{{name}}: {{values[-1]:.4f}}")'''


def arrays_source() -> str:
    """editor/train/arrays.py after its docstring and imports: constants and functions."""
    return module_body("arrays.py")


def blocks(project: Project, settings, strategy: str, value) -> list[list[str]]:
    """The training part of the file, as blocks of lines (codegen joins them). `settings`:
    an editor.model.run_settings.Settings (its defaults become the file's); `value` writes a literal."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, not '{strategy}'")
    graph = project.main
    vocab = synthetic.vocabulary_limits(project, graph)
    labels = set(synthetic.label_inputs(graph))
    inputs = [(tuple(n.shape or ()), n.dtype, synthetic.input_high(n, vocab), n.id in labels) for n in graph.inputs]
    kinds = [None if (k := synthetic.target_kind(o.loss)) == "none" else k for o in graph.outputs]
    loss_nodes = len(plan(graph).loss_nodes)  # the outputs the compile lists are padded for
    spec = [
        "# One entry per model input: (shape per sample, dtype, integer values below this (None:",
        "# real values), True for a label input that only loss nodes read).",
        "INPUTS = [",
        *(f"    {value(entry)}," for entry in inputs),
        "]",
        "# The targets each model output's loss wants (None: no loss); loss nodes add outputs that take none.",
        f"TARGET_KINDS = {value(kinds)}",
        f"LOSS_NODES = {loss_nodes}",
    ]
    functions = _FUNCTIONS.format(
        epochs=value(settings.epochs), batch_size=value(settings.batch_size), samples=value(settings.samples),
        validation_split=value(float(settings.validation_split)), seed=value(settings.seed),
        none_dim=value(settings.none_dim), task=value(settings.task), strategy=value(strategy),
        strategies=value(list(STRATEGIES)),
    )
    header = ["# ---- training on synthetic data: the arrays the editor draws, the same for the same seed"]
    loop = ["# ---- where to train, and the training loop for several workers (editor/train/distributed.py)"]
    return [header + [""] + arrays_source().splitlines(), spec,
            *[b.splitlines() for b in functions.split("\n\n\n")][:2],
            loop + [""] + module_body("distributed.py").splitlines(),
            *[b.splitlines() for b in functions.split("\n\n\n")][2:]]
