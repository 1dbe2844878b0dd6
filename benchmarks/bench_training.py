"""Training engine speed: the engine with a polling consumer vs plain `model.fit`.

Budget: the engine keeps >= 95% of plain fit's throughput. Both train the same compiled
model on the same synthetic arrays (one epoch per measurement, the model already traced),
alternating which goes first each round; the figure is the ratio of the medians over
rounds (and, as a check against load drifting on a shared machine, the median of the
per-round ratios). The
engine's side includes its thread and a consumer calling `snapshot()` every 100 ms, as
the UI does (more often than it redraws). On a shared machine wall times swing with other
processes' load; the CPU-time ratio (process time of all threads) is the steadier check
that the engine adds no work.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -m benchmarks.bench_training
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report  # noqa: E402

CASES = (  # template, batch size, samples (one epoch)
    ("mlp", 32, 8192),  # small steps: the engine's per-batch overhead shows most here
    ("cnn", 32, 1024),
)
ROUNDS = 15
BUDGET_RATIO = 0.95


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process: all its threads, TensorFlow's included)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def run() -> list[dict]:
    from editor.templates import load_template
    from editor.train.run_model import compile_model, make_data
    from editor.model.run_settings import Settings
    from editor.train.training import TrainingRun

    rows = []
    for template, batch_size, samples in CASES:
        project = load_template(template)
        settings = Settings(batch_size=batch_size, samples=samples, epochs=1)
        model = compile_model(project, settings)
        data = make_data(project, settings, model)
        x, y = data.fit_args()

        def plain():
            model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=True, verbose=0)

        def engine():
            training_run = TrainingRun(None, settings, model=model, data=data).start()
            while not training_run.wait(0.1):
                training_run.snapshot()  # the UI's poll
            assert training_run.error is None and training_run.snapshot().status == "finished"

        plain(), engine()  # trace once, warm both paths
        plain_s, engine_s, plain_cpu, engine_cpu = [], [], [], []
        for i in range(ROUNDS):
            order = (plain, engine) if i % 2 == 0 else (engine, plain)
            for fn in order:
                wall, cpu = _timed(fn)
                (plain_s if fn is plain else engine_s).append(wall)
                (plain_cpu if fn is plain else engine_cpu).append(cpu)
        plain_ms, engine_ms = statistics.median(plain_s) * 1000, statistics.median(engine_s) * 1000
        cpu_ratio = statistics.median(plain_cpu) / statistics.median(engine_cpu)
        row = report(f"train {template} 1 epoch ({samples // batch_size} batches of {batch_size})",
                     engine_ms, None, plain_ms, "plain model.fit")
        ratio = plain_ms / engine_ms
        paired = statistics.median(p / e for p, e in zip(plain_s, engine_s))  # same round: same machine load
        row.update(throughput_ratio=round(ratio, 3), paired_ratio=round(paired, 3), cpu_ratio=round(cpu_ratio, 3),
                   budget_ratio=BUDGET_RATIO)
        print(f"{'':<44} throughput {ratio:.3f} of plain fit (paired rounds {paired:.3f}, CPU time {cpu_ratio:.3f}; "
              f"{samples / engine_ms * 1000:.0f} vs {samples / plain_ms * 1000:.0f} samples/s)   "
              f"budget >= {BUDGET_RATIO} {'ok' if ratio >= BUDGET_RATIO else 'UNDER'}", flush=True)
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
