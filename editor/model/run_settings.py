"""What a training run does, its defaults and its bounds: one home, read by all.

The command line's options, the Train tab's fields, exported code's `train()` and the
training engine all take their defaults and limits from here, so they cannot drift.
No numpy, no Keras: the command line reads it before deciding to load TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from editor.errors import UserError
from editor.model.graph import Project

STRATEGIES = ("default", "mirrored", "multiworker")  # tf.distribute strategies of exported code
TASKS = ("learnable", "noise")  # synthetic targets: a learnable function of the inputs, or noise
DEFAULT_NONE_DIM = 16  # the length given to None dimensions of the synthetic data


class SettingsError(UserError):
    """A run setting out of its bounds; the message names the setting and the bounds."""


@dataclass(frozen=True)
class Bound:
    """A numeric run setting's label, lowest and highest value, and help text."""

    label: str
    low: float
    high: float
    help: Optional[str] = None
    what: str = ""  # how a message names it (default: the label in lower case)
    low_open: bool = False  # the lowest value itself is not allowed
    high_open: bool = False

    def check(self, value: float) -> Optional[str]:
        """One line saying what is wrong with `value`, or None."""
        too_low = value <= self.low if self.low_open else value < self.low
        too_high = value >= self.high if self.high_open else value > self.high
        if isinstance(value, float) and not math.isfinite(value) or too_low or too_high:
            what = self.what or self.label.lower()
            left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
            if isinstance(self.low, int) and isinstance(self.high, int) and not (self.low_open or self.high_open):
                return f"{what} must be from {self.low:,} to {self.high:,}"
            return f"{what} must be in {left}{self.low:g}, {self.high:g}{right}"
        return None


BOUNDS = {
    "epochs": Bound("Epochs", 1, 100_000),
    "batch_size": Bound("Batch size", 1, 1_000_000),
    "samples": Bound("Samples", 1, 10_000_000, "Synthetic samples to make"),
    "seed": Bound("Seed", 0, 2**32 - 1, "Same seed, same data"),
    "validation_split": Bound("Validation split", 0.0, 1.0, "Fraction of the samples held out for val_* curves", high_open=True),
    "none_dim": Bound("Length of None dimensions", 1, 100_000, "The length synthetic data gives to None dimensions",
                  what="the length of None dimensions"),
    "learning_rate": Bound("Learning rate", 0.0, 1e12, low_open=True),  # huge is allowed: it shows a NaN stop
}


@dataclass(frozen=True)
class Settings:
    """What a training run does. `optimizer` / `learning_rate` None: the project's."""

    optimizer: Optional[str] = None  # a keras.optimizers class name ("Adam") or string ("adam")
    learning_rate: Optional[float] = None
    batch_size: int = 32
    epochs: int = 5
    samples: int = 512
    validation_split: float = 0.0
    seed: int = 0
    none_dim: int = DEFAULT_NONE_DIM
    task: str = "learnable"

    def __post_init__(self):
        for name, bound in BOUNDS.items():
            value = getattr(self, name)
            problem = None if value is None else bound.check(value)
            if problem:
                raise SettingsError(problem)
        if self.task not in TASKS:
            raise SettingsError(f"task must be one of {', '.join(TASKS)}")

    @property
    def train_samples(self) -> int:
        """Samples fit trains on per epoch (Keras takes the validation split off the end)."""
        if not self.validation_split:
            return self.samples
        return int(math.floor(self.samples * (1.0 - self.validation_split))) or self.samples

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.train_samples / self.batch_size)


DEFAULTS = Settings()


def default(name: str):
    """The default of setting `name` (e.g. default("epochs") == 5)."""
    return getattr(DEFAULTS, name)



def with_optimizer(project: Project, settings: Settings) -> Project:
    """The project with the settings' optimizer / learning rate, where they set one."""
    changes = {"optimizer": settings.optimizer, "learning_rate": settings.learning_rate}
    changes = {k: v for k, v in changes.items() if v}
    if not changes:
        return project
    return project.model_copy(update={"training": project.training.model_copy(update=changes)})
