"""`python -m benchmarks` (or `make bench`): print every speed figure with its baseline."""

import importlib
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MODULES = ["benchmarks.bench_core", "benchmarks.bench_training", "benchmarks.bench_ui", "benchmarks.bench_page",
           "benchmarks.bench_import", "benchmarks.bench_train_page",
           "benchmarks.bench_big_graphs", "benchmarks.bench_code_import", "benchmarks.bench_page_latency",
           "benchmarks.bench_blocks_page"]

rows = []
for name in MODULES:
    rows += importlib.import_module(name).run()
if "--json" in sys.argv:
    print(json.dumps(rows, indent=1))
