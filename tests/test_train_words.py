"""Issue 22 #9: the Train tab's words: counts in the singular for one, and "tracing the
model" only while the first batch traces."""

from types import SimpleNamespace

from editor.train import cost, run_progress
from editor.model.run_settings import Settings
from editor.words import counted


def test_counts_say_one_in_the_singular():
    assert counted(1, "epoch") == "1 epoch"
    assert counted(2, "epoch") == "2 epochs"
    assert counted(0, "sample") == "0 samples"
    assert counted(12_500, "step") == "12,500 steps"
    assert counted(1, "batch", "batches") == "1 batch" and counted(3, "batch", "batches") == "3 batches"


def test_the_time_estimate_counts_one_step():
    one = SimpleNamespace(seconds_per_step=0.5, seconds_total=0.5, steps=1)
    assert cost.Estimate.time_summary(one).endswith("for 1 step")


def test_tracing_the_model_is_said_only_until_the_first_batch_is_done():
    settings = Settings(epochs=3, samples=64, batch_size=8)
    run = SimpleNamespace(progress=run_progress.Progress(), settings=settings, steps=settings.steps_per_epoch,
                          stop_reason=None)
    recorder = run_progress.make_recorder(run)
    recorder.on_epoch_begin(0)
    assert run.progress.phase == "epoch 1/3: tracing the model (the first batch takes longer)"
    recorder.on_train_batch_end(0, {"loss": 1.0})
    assert run.progress.phase == "epoch 1/3"
    recorder.on_train_batch_end(1, {"loss": 0.9})
    assert run.progress.phase == "epoch 1/3"
    recorder.on_epoch_begin(1)
    assert run.progress.phase == "epoch 2/3"
