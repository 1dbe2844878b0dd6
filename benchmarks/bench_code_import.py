"""Python code import speed: a 500-line model file -> project, before any TensorFlow.

Budget: a 500-line functional model file (three branches, helper blocks, loops,
hand-written heads: about 400 nodes, generated the same way each run) becomes a project
in <= 1 s; the slowest hostile file of tests/code_corpus/hostile is refused (--strict) or
read (the default, leaving lines out) in <= 1 s; a 60,000-line file is refused, before
it is parsed, in <= 100 ms. Baseline in the same run: `ast.parse` of the same text, the
floor for any reader of Python source (the importer parses it once, then walks the tree).
(The tests bound the same files by the reader's step counts, never by a clock.) Everything is
measured in a fresh process that must not load TensorFlow or Keras (the benchmarks run
before this one load both), which it reports.

Published code (issue 24: tests/code_corpus/published/SOURCES.json, fetched from PyPI into
.cache/published by tests/code_corpus/fetch_published.py, never committed): every file is
imported once (default mode) in one more process, and the slowest of them, and Keras's own VGG16
source (keras_vgg16.py), are each imported again in a fresh process of their own: their import
time and that process's peak memory (VmHWM, by support/peak.py's run_with_peak). Targets (issue
24): any code import within 2 s and 500 MB unless it names an application (`applications.X(`);
with applications, 10 s and 1.5 GB.

    .venv/bin/python -m benchmarks.bench_code_import
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import median_ms, report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "code_corpus" / "hostile"
PUBLISHED = ROOT / ".cache" / "published" / "corpus"
APPLICATION_FILE = "keras_vgg16.py"
LINES = 500

HEADER = '''"""Multi-branch classifier: images, tokens and tabular features (generated for the benchmark)."""
import keras
from keras import layers, ops

IMAGE_SHAPE = (64, 64, 3)
SEQUENCE, VOCAB = 48, 8000
FEATURES = 24
CLASSES = 10
STAGES = [(32, 2), (64, 2), (96, 3), (128, 2)]


def conv_bn(x, filters, kernel_size=3, strides=1, name="conv"):
    """Convolution, batch norm and ReLU, the unit every stage repeats."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False, name=name + "_conv")(x)
    x = layers.BatchNormalization(name=name + "_bn")(x)
    return layers.Activation("relu", name=name + "_relu")(x)


def residual(x, filters, name):
    """Two convolutions and a shortcut (projected when the width changes)."""
    shortcut = x
    x = conv_bn(x, filters, name=name + "_a")
    x = layers.Conv2D(filters, 3, padding="same", name=name + "_b_conv")(x)
    x = layers.BatchNormalization(name=name + "_b_bn")(x)
    shortcut = layers.Conv2D(filters, 1, padding="same", name=name + "_proj")(shortcut)
    x = layers.Add(name=name + "_add")([x, shortcut])
    return layers.Activation("relu", name=name + "_out")(x)


def squeeze_excite(x, filters, ratio, name):
    """Channel attention: pool, bottleneck, gate."""
    s = layers.GlobalAveragePooling2D(name=name + "_pool")(x)
    s = layers.Dense(filters // ratio, activation="relu", name=name + "_reduce")(s)
    s = layers.Dense(filters, activation="sigmoid", name=name + "_expand")(s)
    s = layers.Reshape((1, 1, filters), name=name + "_shape")(s)
    return layers.Multiply(name=name + "_scale")([x, s])


def text_block(x, units, name):
    """A recurrent layer with dropout, as text encoders stack them."""
    x = layers.Bidirectional(layers.LSTM(units, return_sequences=True), name=name + "_bilstm")(x)
    return layers.Dropout(0.2, name=name + "_drop")(x)


def dense_block(x, units, dropout, name):
    x = layers.Dense(units, name=name + "_dense")(x)
    x = layers.LayerNormalization(name=name + "_norm")(x)
    x = layers.Activation("gelu", name=name + "_gelu")(x)
    return layers.Dropout(dropout, name=name + "_drop")(x)


image = keras.Input(shape=IMAGE_SHAPE, name="image")
tokens = keras.Input(shape=(SEQUENCE,), dtype="int32", name="tokens")
table = keras.Input(shape=(FEATURES,), name="table")

x = conv_bn(image, 32, strides=2, name="stem")
for stage, (filters, blocks) in enumerate(STAGES):
    for block in range(blocks):
        x = residual(x, filters, name=f"stage{stage}_block{block}")
    x = squeeze_excite(x, filters, 4, name=f"stage{stage}_se")
    if stage < len(STAGES) - 1:
        x = layers.MaxPooling2D(name=f"stage{stage}_pool")(x)
vision = layers.GlobalAveragePooling2D(name="vision_pool")(x)

t = layers.Embedding(VOCAB, 64, name="embedding")(tokens)
for i, units in enumerate([64, 32]):
    t = text_block(t, units, name=f"text{i}")
text = layers.GlobalMaxPooling1D(name="text_pool")(t)

f = table
for i, units in enumerate([128, 64, 32]):
    f = dense_block(f, units, 0.1 * (i + 1), name=f"table{i}")
'''

FOOTER = '''
merged = layers.Concatenate(name="merged")([vision, text, f] + heads)
merged = dense_block(merged, 256, 0.3, name="fusion")
logits = layers.Dense(CLASSES, name="logits")(merged)
probabilities = layers.Activation("softmax", name="probabilities")(logits)
aux = layers.Dense(1, activation="sigmoid", name="aux")(ops.mean(merged, axis=-1, keepdims=True))
model = keras.Model([image, tokens, table], [probabilities, aux], name="multi_branch")
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-4),
              loss=["sparse_categorical_crossentropy", "binary_crossentropy"],
              loss_weights=[1.0, 0.2], metrics=[["accuracy"], []])
'''


def _head(r: random.Random, index: int) -> list[str]:
    """One explicit projection head over the three branches (the part written out by hand)."""
    name, units = f"head{index}", r.choice([16, 24, 32, 48])
    source = r.choice(["vision", "text", "f"])
    activation = r.choice(["relu", "tanh", "swish"])
    return [
        "",
        f"# head {index}: {activation} projection of the {source} branch",
        f'h = layers.Dense({units}, activation="{activation}", name="{name}_in")({source})',
        f'h = layers.Dropout({r.choice([0.1, 0.2, 0.3])}, name="{name}_drop")(h)',
        f'g = layers.Dense({units}, activation="sigmoid", name="{name}_gate")({source})',
        f'h = layers.Multiply(name="{name}_gated")([h, g])',
        f'h = layers.Dense({units // 2}, name="{name}_out")(h)',
        f'h = layers.LayerNormalization(name="{name}_norm")(h)',
        "heads.append(h)",
    ]


def model_source(lines: int = LINES, seed: int = 14) -> str:
    """The benchmark's model file: the header, explicit heads until `lines`, the footer."""
    r = random.Random(seed)
    text = HEADER.splitlines() + ["", "heads = []"]
    footer = FOOTER.splitlines()
    index = 0
    while len(text) + len(footer) + 9 <= lines:
        text += _head(r, index)
        index += 1
    text += footer
    text += [f"# padding line {i}" for i in range(lines - len(text))]
    return "\n".join(text) + "\n"


def measure() -> dict:
    """The figures, in this process (run fresh: TensorFlow must not be loaded by any of it)."""
    import ast

    from editor.code.code_import import CodeRefused, import_code

    source = model_source()
    result = import_code(source, filename="bench_model.py")
    assert result.skipped == (), result.skipped
    figures = {"lines": len(source.splitlines()), "nodes": sum(len(g.nodes) for g in result.project.graphs),
               "parse_ms": median_ms(lambda: ast.parse(source), repeat=15),
               "import_ms": median_ms(lambda: import_code(source, filename="bench_model.py"), repeat=15)}

    def read(path: Path, text: str, strict: bool):
        try:
            import_code(text, filename=path.name, strict=strict)
        except CodeRefused:
            return
        if strict:
            raise AssertionError(f"{path.name} was not refused")

    worst = max((median_ms(lambda: read(p, p.read_text(encoding="utf-8"), strict), repeat=3, warmup=0),
                 p.name + ("" if strict else ", default mode"))
                for p in sorted(HOSTILE.glob("*.py")) for strict in (True, False))
    long_file = "import keras\n" + "".join(f"x{i} = 1\n" for i in range(60_000))

    def refuse_long():
        try:
            import_code(long_file, filename="long.py")
        except CodeRefused as err:
            assert "60,001 lines" in str(err), err
            return
        raise AssertionError("the 60,000-line file was not refused")

    figures.update(hostile_ms=worst[0], hostile_file=worst[1], hostile_files=len(list(HOSTILE.glob("*.py"))),
                   long_ms=median_ms(refuse_long, repeat=5),
                   loaded=sorted(m for m in ("tensorflow", "keras") if m in sys.modules))
    return figures


APPLICATION_FILES = {  # name -> (source, what the import must end in): each read in a fresh process
    "ConvNeXtXLarge() refused by its size": ("import keras\nkeras.applications.ConvNeXtXLarge()\n", "refused"),
    "five applications refused by their number": ("import keras\n" + "m = keras.applications.MobileNet()\n" * 5,
                                                  "refused"),
    "MobileNetV2 transfer learning (imagenet kept)": (
        "import keras\nfrom keras import layers\n"
        "base = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights='imagenet')\n"
        "base.trainable = False\ninputs = keras.Input((160, 160, 3))\nx = base(inputs, training=False)\n"
        "model = keras.Model(inputs, layers.Dense(1)(layers.GlobalAveragePooling2D()(x)))\n", "imported"),
    "NASNetLarge (the most layers allowed)": ("import keras\nmodel = keras.applications.NASNetLarge(weights=None)\n",
                                              "imported"),
}


def applications() -> list[dict]:
    """Files that name keras.applications: each read in a fresh process (Keras loaded by the
    import itself, counted), its time inside the process and its peak memory (VmHWM). Budget:
    10 s and 1.5 GB; a file refused by the applications' limits builds nothing (2 s, 500 MB)."""
    from support.peak import run_with_peak

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    rows = []
    for name, (source, wanted) in APPLICATION_FILES.items():
        code = ("import json, sys, time\nfrom editor.code.code_import import CodeRefused, import_code\n"
                "start = time.perf_counter()\ntry:\n    import_code(sys.argv[1])\n    ended = 'imported'\n"
                "except CodeRefused:\n    ended = 'refused'\n"
                "print(json.dumps([ended, (time.perf_counter() - start) * 1000, 'keras' in sys.modules]))\n")
        done, peak = run_with_peak(["-c", code, source], env, ROOT)
        assert done.returncode == 0, done.stderr
        ended, ms, keras_loaded = json.loads(done.stdout.strip().splitlines()[-1])
        assert ended == wanted, (name, ended)
        budget = 10_000 if wanted == "imported" else 2_000
        row = report(f"{name} (peak {peak / 2**20:,.0f} MB{', Keras loaded' if keras_loaded else ''})", ms, budget)
        row.update(peak_mb=round(peak / 2**20), peak_budget_mb=1_500 if wanted == "imported" else 500)
        rows.append(row)
    return rows


def _package(name: str):
    """The package of a published file, as the corpus test (and the command line) reads it."""
    sys.path.insert(0, str(ROOT / "tests" / "code_corpus"))
    import fetch_published

    from editor.code.package_modules import Package

    entry = next(e for e in fetch_published.entries() if e.name == name)
    return Package(f"{entry.package}.{Path(entry.path).stem}".lstrip("."), fetch_published.root_of(entry)[0])


def import_published(path: Path) -> tuple[float, str]:
    """Milliseconds to import one published file (default mode, with its package) and how it ended."""
    import time

    from editor.code.code_import import CodeRefused, import_code

    text = path.read_text(encoding="utf-8")
    wanted = re.search(r"^#\s*model:\s*([A-Za-z_][\w.-]*)\s*$", text, re.MULTILINE)
    package = _package(path.name)
    start = time.perf_counter()
    try:
        import_code(text, model=wanted.group(1) if wanted else None, filename=path.name, package=package)
        ended = "imported"
    except CodeRefused:
        ended = "refused"
    return (time.perf_counter() - start) * 1000, ended


def measure_published() -> dict:
    """Each published file's import time, in this one process: {file: ms} (after one import
    unmeasured, which loads the importer's modules)."""
    sys.path.insert(0, str(ROOT / "tests" / "code_corpus"))
    import fetch_published

    files = [fetch_published.corpus_file(e) for e in fetch_published.ensure()]
    import_published(files[0])
    return {p.name: round(import_published(p)[0], 1) for p in files}


def published_alone(name: str, env: dict) -> dict:
    """One published file imported in a fresh process: its time, outcome and the process's peak."""
    sys.path.insert(0, str(ROOT))
    from support.peak import run_with_peak

    done, peak = run_with_peak(["-m", "benchmarks.bench_code_import", "--one", str(PUBLISHED / name)], env, ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {**figures, "file": name, "peak_mb": peak / 2**20}


def run() -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_code_import", "--measure"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["loaded"] == [], f"the code import loaded {figures['loaded']}"
    return [
        report(f"import {figures['lines']}-line model code ({figures['nodes']} nodes)", figures["import_ms"], 1000,
               figures["parse_ms"], "ast.parse of it"),
        report(f"slowest of {figures['hostile_files']} hostile files ({figures['hostile_file']})",
               figures["hostile_ms"], 1000),
        report("a 60,000-line file refused before parsing", figures["long_ms"], 100),
        *applications(),
        *run_published(env),
    ]


def run_published(env: dict) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_code_import", "--published"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    times = json.loads(done.stdout.strip().splitlines()[-1])
    slowest = max(times, key=times.get)
    # a file that names keras.applications (a model, or its helpers: Keras's own sources) has
    # the applications' budget; any other, the plain one
    names_one = {name: re.search(r"\bkeras(\.src)?\.applications\b", (PUBLISHED / name).read_text(encoding="utf-8"))
                 is not None for name in times}
    plain = max((name for name in times if not names_one[name]), key=times.get)
    labels = {slowest: "slowest published file", plain: "slowest naming no application",
              APPLICATION_FILE: "Keras's VGG16 source"}
    rows = []
    for name in dict.fromkeys([slowest, plain, APPLICATION_FILE]):
        budget_ms, budget_mb = (10000, 1536) if names_one[name] else (2000, 500)
        alone = published_alone(name, env)
        label = labels[name]
        rows.append(report(f"{label} ({name}, {alone['ended']})", alone["ms"], budget_ms))
        print(f"{'':<44} peak {alone['peak_mb']:7.0f} MB   budget {budget_mb} MB "
              f"{'ok' if alone['peak_mb'] <= budget_mb else 'OVER'}", flush=True)
        rows[-1].update(peak_mb=round(alone["peak_mb"]), peak_budget_mb=budget_mb)
    return rows


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
    elif "--published" in sys.argv:
        print(json.dumps(measure_published()))
    elif "--one" in sys.argv:
        ms, ended = import_published(Path(sys.argv[sys.argv.index("--one") + 1]))
        print(json.dumps({"ms": ms, "ended": ended}))
    else:
        run()
