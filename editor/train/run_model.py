"""The model and data a training run trains: built (or, for estimates, previewed without
weights), compiled with the run's optimizer, its synthetic data, its seed, and the NaN
checks of data and weights. No Streamlit; Keras and numpy only when called.

NaN / Inf: whether a NaN reaches the loss depends on the CPU's kernels (relu(NaN) is 0 on
some), so three checks: the data before the first batch (`non_finite_data`); Keras's
per-batch "loss" (editor.train.run_progress); the trained weights at each epoch's end
(`non_finite_weights`), for a NaN that a kernel hid from the loss.
"""

from __future__ import annotations

from typing import Optional

from editor.train import cost, synthetic
from editor.errors import UserError
from editor.model.graph import Project
from editor.model.run_settings import DEFAULT_NONE_DIM, Settings, with_optimizer


class TrainingError(UserError):
    """A run cannot start (the model does not build, the optimizer is unknown...)."""


def build_model(project: Project, weights: bool = True, seed: Optional[int] = None):
    """The main model, built (not compiled), and its compile arguments. weights=False:
    the preview build (shapes only, nothing allocated), for estimates. seed: set Keras's
    seeds first, under the build lock, so that no other thread's build draws in between."""
    from editor.building import build

    with build.CONSTRUCTION:
        if seed is not None:
            seed_everything(seed)
        result = build.build_project(project, weights=weights)
    if not result.ok:
        raise TrainingError(result.first_error)
    return result.model, result.compile_args


def make_optimizer(project: Project, settings: Settings):
    """The optimizer a run uses: the settings' choice, else the project's (losses.optimizer resolves it)."""
    from editor.building import losses

    return losses.optimizer(with_optimizer(project, settings))


def compile_model(project: Project, settings: Settings, seed: Optional[int] = None):
    """The main model compiled as the project says, with the settings' optimizer (what a
    run trains; compile is quick: Keras traces the step at the first batch). seed: see
    build_model."""
    model, args = build_model(project, seed=seed)
    model.compile(**{**args, "optimizer": make_optimizer(project, settings)})
    return model


def output_shapes(model, project: Project, none_dim: int = DEFAULT_NONE_DIM) -> list[tuple]:
    """Per-sample shapes of the graph's outputs (loss nodes left out), `None` dims resolved
    by tracing the model symbolically on inputs whose free dims have length `none_dim`."""
    count = len(project.main.outputs)
    shapes = [tuple(t.shape)[1:] for t in model.outputs[:count]]
    if all(d is not None for s in shapes for d in s):
        return shapes
    import keras

    specs = [keras.KerasTensor((1, *synthetic.resolve(t.shape[1:], none_dim)), dtype=t.dtype) for t in model.inputs]
    try:
        out = model.compute_output_spec(specs if len(specs) > 1 else specs[0])
    except Exception:  # noqa: BLE001 - fall back on none_dim for every free dim
        return shapes
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    return [tuple(t.shape)[1:] for t in out[:count]]


def make_data(project: Project, settings: Settings, model) -> synthetic.SyntheticData:
    shapes = output_shapes(model, project, settings.none_dim)
    return synthetic.synthetic_data(project, shapes, samples=settings.samples, seed=settings.seed,
                                    none_dim=settings.none_dim, task=settings.task)


def estimate(project: Project, settings: Settings = Settings()) -> cost.Estimate:
    """Memory and time a run of `settings` needs, from the preview build: no weight is
    allocated, however big the model (the Train tab's Estimate, the run's own check)."""
    model, _ = build_model(project, weights=False)
    shapes = output_shapes(model, project, settings.none_dim)
    data_bytes = synthetic.data_bytes(project, shapes, samples=settings.samples, none_dim=settings.none_dim)
    return cost.estimate(model, make_optimizer(project, settings), settings, data_bytes)


def seed_everything(seed: int) -> None:
    """The same seed, the same run: weights, shuffling, dropout (what exported code does).

    Keras keeps its seed generator per thread, so this is called in the training thread,
    through `build_model(seed=)`: Python's global `random`, which Keras draws layers' seeds
    from, is shared by the process, and the build lock keeps other builds out meanwhile.
    TensorFlow's op-seed counter (fit's shuffling) is shared too: two runs training at the
    same moment may still shuffle differently from a lone run.
    TensorFlow's set_seed also clears its kernel cache: a run going in another session
    re-instantiates its compiled step once (a hiccup, not a slowdown).
    """
    import keras

    keras.utils.set_random_seed(int(seed))


def non_finite_data(data: synthetic.SyntheticData) -> Optional[str]:
    """What in the data is NaN or infinite (one line naming the input or output), or None.

    Checked before training: whether a NaN in the inputs reaches the loss depends on the
    CPU's kernels (on some, relu(NaN) is 0), so the loss check alone cannot be relied on.
    """
    import numpy as np

    named = [("input", n, a) for n, a in zip(data.input_names, data.x)]
    named += [("target of output", n, a) for n, a in zip(data.output_names, data.y or [])]
    for what, name, array in named:
        if array is None or array.dtype.kind != "f":
            continue
        bad = ~np.isfinite(array)
        if bad.any():
            sample = int(np.argwhere(bad)[0][0])
            kind = "NaN" if np.isnan(array).any() else "infinite values"
            return f"the data of {what} '{name}' hold {kind} (sample {sample + 1} first)"
    return None


def non_finite_weights(model) -> Optional[str]:
    """'the weights <path> became NaN' (or infinite) for the first trained weight that did,
    else None. Checked at each epoch's end (a few tensor ops, no copy): a NaN weight can
    leave the loss finite where a kernel turns NaN into a number (relu, clip, max)."""
    import keras

    ops = keras.ops
    for weight in model.trainable_weights:
        if not bool(ops.all(ops.isfinite(weight))):
            kind = "NaN" if bool(ops.any(ops.isnan(weight))) else "infinite"
            return f"the weights {weight.path} became {kind}"
    return None
