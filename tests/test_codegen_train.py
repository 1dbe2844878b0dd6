"""Exported code with `train()`: the same synthetic data as the editor, runnable, safe.

The file's `synthetic_data(model, samples, seed)` must give the very arrays
editor.train.run_model.make_data gives (editor.train.arrays is copied into it); running the file
trains (also under MirroredStrategy / MultiWorkerMirroredStrategy on one machine).
"""

import ast
import subprocess
import sys

import numpy as np
import pytest

from editor.code import codegen_train
from editor.code.codegen import generate
from editor.templates import load_template
from tests.helpers import inp, layer, project
from editor.model.graph import Node
from tests.test_codegen import load_generated

import keras
from editor.train import run_model  # noqa: E402
from editor.model.run_settings import Settings  # noqa: E402
from editor.model.graph import Output, Ref  # noqa: E402

SETTINGS = Settings(epochs=1, samples=24, batch_size=8, seed=7)
# Data-kind coverage: classes, one-hot, binary, real, Embedding vocabularies, label
# inputs of loss nodes, None dims, several outputs, loss nodes only.
TEMPLATES = ["mlp", "multi_output", "two_losses_weighted", "shared_loss_function", "shared_embedding", "rnn",
             "multi_input_single_output", "autoencoder", "add_loss_labels", "headline_multi_io",
             "ticket_priority", "custom_loss_layers"]


def _arrays_equal(a, b):
    a = a if isinstance(a, list) else [a]
    b = b if isinstance(b, list) else [b]
    assert len(a) == len(b)
    for u, v in zip(a, b):
        assert (u is None) == (v is None)
        if u is not None:
            assert u.dtype == v.dtype and u.shape == v.shape
            np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_generated_data_is_the_editors_data(template_id, tmp_path):
    project_ = load_template(template_id)
    module = load_generated(generate(project_, train=SETTINGS), tmp_path)
    model = module.build_model()
    x, y = module.synthetic_data(model, SETTINGS.samples, SETTINGS.seed)
    expected_x, expected_y = run_model.make_data(project_, SETTINGS, model).fit_args()
    _arrays_equal(x, expected_x)
    assert (y is None) == (expected_y is None)
    if y is not None:
        _arrays_equal(y, expected_y)


def test_settings_become_the_defaults_and_the_optimizer(tmp_path):
    settings = Settings(epochs=3, batch_size=4, samples=40, validation_split=0.25, seed=11,
                                 optimizer="SGD", learning_rate=0.05)
    source = generate(load_template("mlp"), train=settings, strategy="mirrored")
    module = load_generated(source, tmp_path)
    defaults = module.train.__defaults__
    assert defaults == (3, 4, 40, 0.25, 11, "mirrored", None)
    model = module.build_model()
    assert type(model.optimizer).__name__ == "SGD"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)


def test_train_learns_and_is_repeatable(tmp_path):
    module = load_generated(generate(load_template("mlp"), train=SETTINGS), tmp_path)
    _, first = module.train(epochs=3, samples=64, batch_size=16)
    _, second = module.train(epochs=3, samples=64, batch_size=16)
    losses = first.history["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert second.history["loss"] == pytest.approx(losses)  # set_random_seed: the same run


@pytest.mark.parametrize("template_id,strategy", [("mlp", "multiworker"), ("two_losses_weighted", "mirrored")])
def test_generated_file_trains_from_the_command_line(template_id, strategy, tmp_path):
    path = tmp_path / f"{template_id}.py"
    path.write_text(generate(load_template(template_id), train=SETTINGS), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), "--epochs", "2", "--samples", "16", "--batch-size", "8",
                           "--strategy", strategy], capture_output=True, text=True, timeout=300,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Total params:" in done.stdout
    final = dict(line.split(": ") for line in done.stdout.splitlines() if line.startswith("loss: "))
    assert float(final["loss"]) == float(final["loss"])  # a number, not NaN


def everything_project():
    """What the editor compiles, in one small model: two supervised outputs with their own
    losses, loss weights and metrics, an output no loss supervises, a loss node on a label input."""
    return project(
        inp("x", "x", [8]), inp("t", "label", [2]),
        layer("h", "hidden", "Dense", "x", units=16, activation="relu"),
        layer("a", "classes", "Dense", "h", units=3, activation="softmax"),
        layer("b", "value", "Dense", "h", units=1),
        layer("c", "features", "Dense", "h", units=2),
        Node(id="l", kind="loss", name="match", expression="mean(square(t - f))", input_names=("t", "f"),
             inputs=(Ref(node="t"), Ref(node="c")), weight=0.5),
        outputs=(Output(ref=Ref(node="a"), loss="sparse_categorical_crossentropy", metrics=("accuracy",)),
                 Output(ref=Ref(node="b"), loss="mse", loss_weight=0.3, metrics=("mae",)),
                 Output(ref=Ref(node="c"))),
    )


@pytest.mark.parametrize("template_id", ["everything", "custom_loss_layers", "mlp"])
def test_the_distributed_loop_trains_as_fit_does(template_id, tmp_path):
    """fit_distributed (the multiworker loop) on one device, unshuffled: fit's losses, metrics,
    val_* values and weights. Loss weights, metrics, loss nodes, outputs without a loss."""
    p = everything_project() if template_id == "everything" else load_template(template_id)
    module = load_generated(generate(p, train=SETTINGS), tmp_path)
    runs = []
    for loop in (False, True):
        keras.utils.set_random_seed(3)
        model = module.build_model()
        x, y = module.synthetic_data(model, 44, 3)  # 33 to train on (a partial batch of 1), 11 held out (8 + 3)
        if loop:
            history = module.fit_distributed(model, x, y, strategy=module.tf.distribute.get_strategy(), batch_size=8,
                                             epochs=2, validation_split=0.25, shuffle=False, verbose=False)
        else:
            history = model.fit(x, y, batch_size=8, epochs=2, validation_split=0.25, shuffle=False, verbose=0)
        runs.append((history.history, [w.numpy() for w in model.weights]))
    (fit_history, fit_weights), (loop_history, loop_weights) = runs
    assert set(loop_history) == set(fit_history)
    assert "val_loss" in loop_history and len(loop_history["loss"]) == 2
    for key, values in fit_history.items():
        assert loop_history[key] == pytest.approx(values, rel=1e-4, abs=1e-6), key
    for got, expected in zip(loop_weights, fit_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_summary_only_does_not_train(tmp_path):
    path = tmp_path / "mlp.py"
    path.write_text(generate(load_template("mlp"), train=SETTINGS), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), "--summary-only"], capture_output=True, text=True,
                          timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Total params: 541,794" in done.stdout and "loss: " not in done.stdout


def test_node_names_cannot_take_the_training_names(tmp_path):
    names = ["train", "features", "INPUTS", "tf", "make_arrays", "main", "target"]
    nodes = [inp("i", "np", [4])]
    prev = "i"
    for k, name in enumerate(names):
        nodes.append(layer(f"n{k}", name, "Dense", prev, units=3))
        prev = f"n{k}"
    p = project(*nodes, outputs=[Output(ref=Ref(node=prev), loss="mse")], name="train")
    module = load_generated(generate(p, train=SETTINGS), tmp_path)
    _, history = module.train(epochs=1, samples=8, batch_size=4)
    assert len(history.history["loss"]) == 1


def test_user_text_reaches_the_training_part_only_as_literals():
    hostile = 'x"); import os; os.system("touch /tmp/pwned'
    p = project(inp("i", "inp", [4]), layer("d", "dense", "Dense", "i", units=2),
                outputs=[Output(ref=Ref(node="d"), loss="mse")])
    p = p.model_copy(update={"title": hostile, "description": hostile + "\n" + hostile})
    tree = ast.parse(generate(p, train=SETTINGS))
    fixed = codegen_train.NAMES
    for statement in tree.body:
        if isinstance(statement, ast.Assign):  # INPUTS, TARGET_KINDS, ...: literals only
            assert statement.targets[0].id in fixed
            ast.literal_eval(statement.value)
        else:
            assert isinstance(statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.If))
    imported = {a.name for s in tree.body if isinstance(s, ast.Import) for a in s.names}
    assert imported == {"argparse", "math", "time", "numpy", "tensorflow", "keras"}


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="strategy must be one of default, mirrored, multiworker"):
        generate(load_template("mlp"), train=SETTINGS, strategy="tpu")
