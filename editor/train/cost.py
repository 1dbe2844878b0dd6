"""What a training run costs before it runs: memory, time per step, where it runs.

Estimated from the model's shapes alone: the model given here is the preview build
(`build_project(weights=False)`), whose weights have shapes but were never allocated,
so estimating a model too big to train allocates nothing (an estimate of a 4 GB
Dense once grew the server by 3 GB).

Memory: what a run adds to the process's resident memory at its peak (measured: see
the constants below): weights, gradients, optimizer slots and the temporaries of the update,
activations x batch, the synthetic data and its copies, TensorFlow's working memory for
the traced step, and 10% headroom. Time: the
model's multiply-adds over this machine's measured matmul speed (no real training step:
the first step traces the graph, which costs more than the estimate is worth).
`check_fits()` refuses above a limit (KGS_MEMORY_LIMIT_MB, else half of MemAvailable:
`memory_limit()`, the one reading of it, for the page and the command line) with a
one-line way out. No Streamlit here; Keras and numpy only when called.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional, Sequence

from editor.errors import UserError
from editor.model.run_settings import Settings
from editor.words import counted, format_bytes, format_seconds


class NotEnoughMemory(UserError):
    """The estimate is above the memory limit; the message says by how much and what to try."""


# Optimizer state: variables of the trained weights' size per weight (checked against
# Keras's own optimizers in tests/test_training.py). Unknown optimizers count 2.
_SLOTS = {
    "adam": 2, "adamw": 2, "adamax": 2, "nadam": 2, "adadelta": 2, "ftrl": 2, "lamb": 2,
    "schedulefreeadamw": 2, "muon": 2, "adagrad": 1, "lion": 1, "rmsprop": 1, "sgd": 0, "adafactor": 1,
}


def optimizer_slots(optimizer) -> int:
    """How many copies of the trained weights the optimizer keeps (adam 2, sgd 0 or 1...)."""
    name = type(optimizer).__name__.lower()
    slots = _SLOTS.get(name, 2)
    if name == "sgd" and getattr(optimizer, "momentum", 0):
        slots += 1
    if name == "rmsprop":
        slots += bool(getattr(optimizer, "momentum", 0)) + bool(getattr(optimizer, "centered", False))
    if name in ("adam", "adamw") and getattr(optimizer, "amsgrad", False):
        slots += 1
    return slots


# What a training run adds to the process at its peak, beyond weights, gradients, optimizer
# slots and activations, from peak RSS measured on this editor's runs (tables in the README;
# tests/test_memory_estimate.py checks runs against it):
# - the optimizer's update makes temporaries of the trained weights' size, one per slot and
#   two for the step (the scaled gradient, the new value): mlp with a 200,000-unit Dense
#   peaked at 7.1 x its weights with Adam and 3.0 x with SGD, where weights, gradients and
#   slots are 4 x and 2 x; VGG16 with SGD at 4.0 x;
# - the synthetic data is held about 4 times (the numpy arrays, the tensors Keras converts
#   them to, tf.data's copies): mnist_mlp on 60,000 samples (188 MB) grew by 3.9 x that;
# - tracing and compiling the train step: 43-108 MB on the small templates, more per
#   trained variable the more slots its update has: a chain of 400 Dense(64) grew by 1.46 GB
#   with Adam (800 variables, 6.7 MB of weights), a chain of 200 by 0.15 GB with SGD.
DATA_COPIES = 4
RUNTIME_BYTES = 96_000_000
RUNTIME_PER_CALL = 250_000  # a layer or operation call
RUNTIME_PER_VARIABLE = 250_000  # a trained variable, times (1 + 3 x optimizer slots)
HEADROOM = 1.1  # the allocator's slack over the sum of the parts


@dataclass(frozen=True)
class Estimate:
    """What a run will need: memory in bytes, time in seconds (see the module doc)."""

    params: int
    trainable_params: int
    weights_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    optimizer_slots: int
    activations_bytes: int  # for one batch
    activations_per_sample: int
    data_bytes: int  # the synthetic arrays (counted DATA_COPIES times in total_bytes)
    batch_size: int
    samples: int
    flops_per_step: float
    seconds_per_step: float
    steps: int  # training steps of the whole run
    sequential_steps: int = 0  # recurrent time steps a training step walks one after another
    device: str = "CPU"
    update_bytes: int = 0  # the optimizer update's temporaries: (slots + 2) x the trained weights
    runtime_bytes: int = RUNTIME_BYTES  # TensorFlow's working memory: the traced, compiled step

    @property
    def data_total_bytes(self) -> int:
        return DATA_COPIES * self.data_bytes

    @property
    def fixed_bytes(self) -> int:
        """What does not shrink with the batch size or the samples."""
        return self.runtime_bytes + self.weights_bytes + self.gradients_bytes + self.optimizer_bytes + self.update_bytes

    @property
    def parts_bytes(self) -> int:
        return self.fixed_bytes + self.activations_bytes + self.data_total_bytes

    @property
    def total_bytes(self) -> int:
        """The estimated peak growth of the process: the parts and HEADROOM."""
        return math.ceil(HEADROOM * self.parts_bytes)

    @property
    def seconds_total(self) -> float:
        return self.seconds_per_step * self.steps

    def memory_summary(self) -> str:
        return (f"about {format_bytes(self.total_bytes)} (weights {format_bytes(self.weights_bytes)}, "
                f"optimizer {format_bytes(self.optimizer_bytes)}, its update {format_bytes(self.update_bytes)}, "
                f"gradients {format_bytes(self.gradients_bytes)}, "
                f"activations {format_bytes(self.activations_bytes)} for batch {self.batch_size}, "
                f"data {format_bytes(self.data_total_bytes)}, TensorFlow {format_bytes(self.runtime_bytes)}, "
                f"{HEADROOM - 1:.0%} headroom)")

    def time_summary(self) -> str:
        return (f"about {format_seconds(self.seconds_per_step)} a step, "
                f"{format_seconds(self.seconds_total)} for {counted(self.steps, 'step')}")

    def summary(self) -> str:
        return f"{self.memory_summary()}; {self.time_summary()}"


def _itemsize(dtype: Any) -> int:
    import numpy as np

    try:
        return np.dtype(str(dtype)).itemsize
    except TypeError:
        return 2 if "16" in str(dtype) else 4


def _elements(shape: Sequence, none_dim: int) -> int:
    n = 1
    for d in shape:
        n *= none_dim if d is None else int(d)
    return n


@dataclass
class _Costs:
    activations: int = 0  # bytes per sample kept for the backward pass
    macs: float = 0.0  # multiply-adds per sample, forward
    sequential_steps: int = 0  # recurrent time steps run one after the other
    calls: int = 0  # layer and operation calls (each adds to the traced step)


def _layer_costs(model, none_dim: int, costs: Optional[_Costs] = None, calls: int = 1) -> _Costs:
    """Activation bytes and multiply-adds per sample of one forward pass.

    Every layer call's outputs are kept for the backward pass; recurrent layers also keep
    their per-step states (about 6 x units a step). Multiply-adds: a layer with weights
    costs its matrix weights once per output position (Dense: per sample, Conv: per pixel,
    recurrent: per step), an Embedding one per output element; a layer without weights
    and an operation (op nodes: `x + y`) one per output element. Nested models count once
    per call.
    """
    import keras

    costs = costs or _Costs()
    ops = [op for op in getattr(model, "operations", ()) if not isinstance(op, keras.layers.Layer)]  # x + y...
    for layer in [*model.layers, *ops]:
        nodes = getattr(layer, "_inbound_nodes", ())
        if isinstance(layer, keras.Model):
            _layer_costs(layer, none_dim, costs, calls * max(1, len(nodes)))
            continue
        matrix = sum(_elements(w.shape, none_dim) for w in getattr(layer, "weights", ()) if len(w.shape) >= 2)
        for node in nodes:
            costs.calls += calls
            outs = [t for t in node.output_tensors if len(t.shape) >= 1]
            out_elems = sum(_elements(t.shape[1:], none_dim) for t in outs)
            costs.activations += calls * sum(_elements(t.shape[1:], none_dim) * _itemsize(t.dtype) for t in outs)
            if hasattr(layer, "cell") and node.input_tensors:
                steps = node.input_tensors[0].shape[1] if len(node.input_tensors[0].shape) > 2 else 1
                steps = none_dim if steps is None else int(steps)
                units = int(getattr(layer.cell, "units", 0) or 0)
                costs.activations += calls * steps * units * 6 * 4
                costs.macs += calls * matrix * steps
                costs.sequential_steps += calls * steps
            elif type(layer).__name__ == "Embedding":
                costs.macs += calls * out_elems
            elif matrix and outs:
                shape = outs[0].shape[1:]
                channels_first = getattr(layer, "data_format", "channels_last") == "channels_first"
                positions = shape[1:] if channels_first else shape[:-1]
                costs.macs += calls * matrix * _elements(positions, none_dim)
            else:
                costs.macs += calls * out_elems
    return costs


@lru_cache(maxsize=1)
def _matmul_flops() -> float:
    """This machine's float32 matmul speed (FLOP/s) on the device Keras uses, measured once."""
    import keras
    import numpy as np

    n = 512
    a = keras.ops.convert_to_tensor(np.random.default_rng(0).standard_normal((n, n), dtype=np.float32))
    keras.ops.convert_to_numpy(keras.ops.matmul(a, a))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        keras.ops.convert_to_numpy(keras.ops.matmul(a, a))
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / max(best, 1e-6)


# A training step reaches a fraction of peak matmul speed (convolutions, memory traffic,
# small matrices); ~0.35 matched mlp / cnn / unet steps on the 2-core dev machine within x2.
_EFFICIENCY = 0.35
_STEP_OVERHEAD_S = 0.002  # Python + TensorFlow dispatch per step, measured on mlp with tiny batches
_RECURRENT_STEP_S = 0.0003  # one time step of a recurrent layer, forward + backward (rnn template: 784 steps ~ 0.3 s)


def estimate(model, optimizer, settings: Settings, data_bytes: int) -> Estimate:
    """Memory and time a run of `settings` needs, from `model`'s shapes (a preview build:
    nothing is allocated) and the synthetic data's size in bytes."""
    weights = sum(_elements(w.shape, 1) * _itemsize(w.dtype) for w in model.weights)
    trainable = sum(_elements(w.shape, 1) * _itemsize(w.dtype) for w in model.trainable_weights)
    slots = optimizer_slots(optimizer)
    costs = _layer_costs(model, settings.none_dim)
    act_per_sample = 2 * costs.activations  # and the gradients of the activations, backward
    flops = 6.0 * costs.macs * settings.batch_size  # 2 flops a multiply-add, backward ~ 2x forward
    step = _STEP_OVERHEAD_S + costs.sequential_steps * _RECURRENT_STEP_S + flops / (_matmul_flops() * _EFFICIENCY)
    return Estimate(
        params=sum(_elements(w.shape, 1) for w in model.weights),
        trainable_params=sum(_elements(w.shape, 1) for w in model.trainable_weights),
        weights_bytes=weights,
        gradients_bytes=trainable,
        optimizer_bytes=slots * trainable,
        optimizer_slots=slots,
        update_bytes=(slots + 2) * trainable,
        runtime_bytes=(RUNTIME_BYTES + RUNTIME_PER_CALL * costs.calls
                       + RUNTIME_PER_VARIABLE * (1 + 3 * slots) * len(model.trainable_weights)),
        activations_bytes=act_per_sample * settings.batch_size,
        activations_per_sample=act_per_sample,
        data_bytes=data_bytes,
        batch_size=settings.batch_size,
        samples=settings.samples,
        flops_per_step=flops,
        seconds_per_step=step,
        sequential_steps=costs.sequential_steps,
        steps=settings.steps_per_epoch * settings.epochs,
        device=device_name(),
    )


def available_memory() -> Optional[int]:
    """MemAvailable from /proc/meminfo in bytes (None where there is no such file)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def default_limit() -> Optional[int]:
    free = available_memory()
    return None if free is None else free // 2


def memory_limit() -> Optional[int]:
    """Bytes a run may need: KGS_MEMORY_LIMIT_MB (megabytes, 10^6 bytes; a positive number,
    anything else is ignored), else None (check_fits: half of the free memory). The one
    reading of the variable: the page and `python -m editor train` both come here."""
    text = os.environ.get("KGS_MEMORY_LIMIT_MB", "").strip()
    try:
        megabytes = float(text)
    except ValueError:
        return None
    return int(megabytes * 1_000_000) if math.isfinite(megabytes) and megabytes > 0 else None


def check_fits(est: Estimate, limit_bytes: Optional[int] = None) -> None:
    """Raise NotEnoughMemory (one line: the figures and a way out) if `est` is over the limit.

    Default limit: KGS_MEMORY_LIMIT_MB (memory_limit()), else half of the free memory
    (MemAvailable). The ways out are worked out on the parts, before the headroom.
    """
    described = "the limit"
    if limit_bytes is None:
        limit_bytes = memory_limit()
    if limit_bytes is None:
        limit_bytes = default_limit()
        described = "half of the free memory"
        if limit_bytes is None:
            return
    if est.total_bytes <= limit_bytes:
        return
    ways = []
    room = int(limit_bytes / HEADROOM) - est.fixed_bytes
    data, per_batch = est.data_total_bytes, est.activations_per_sample
    if room <= 0:
        ways.append("a smaller model or input size" + (", or optimizer sgd" if est.optimizer_slots else ""))
    elif data + per_batch <= room:  # a smaller batch is enough
        batch = est.batch_size
        while batch > 1 and data + batch * per_batch > room:
            batch //= 2
        ways += [f"batch size {batch}", "a smaller input size"]
    else:  # the synthetic data is too big as well
        batch = max(1, min(est.batch_size, int(room / 2 // max(1, per_batch))))
        samples = int((room - batch * per_batch) / max(1.0, data / max(1, est.samples)))
        if batch < est.batch_size:
            ways.append(f"batch size {batch}")
        if samples >= 1:
            ways.append(counted(samples, "sample"))
        ways.append("a smaller input size")
    raise NotEnoughMemory(
        f"training needs {est.memory_summary()} but {described} is {format_bytes(limit_bytes)}: "
        f"try {', or '.join(ways)}"
    )


@lru_cache(maxsize=1)
def device_name() -> str:
    """Where TensorFlow trains: 'GPU:0 (name)' when it sees a GPU, else 'CPU'."""
    try:
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return f"GPU:0 ({details.get('device_name', 'GPU')})"
    except Exception:  # noqa: BLE001 - another backend, or no TensorFlow device API
        pass
    return "CPU"
