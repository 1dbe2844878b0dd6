"""Tests for editor.code.codegen: the generated file must build the model editor.building.build builds.

Each case generates code, compiles it, imports it from a temporary file (our own output)
and compares `build_model()` with `build_project(project).model`: layer configs and
wiring (model.get_config(), nested models recursively), weight paths, parameter counts,
output shapes, outputs on the same weights and data, and the compile arguments.
"""

import ast
import builtins
import importlib.util
import inspect
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.code import codegen
from editor.model import edits
from editor.code.codegen import CodegenError, Namespace, generate
from editor.model.names import identifier
from editor.model.graph import Graph, Node, Output, Project, Ref, Training
from editor.templates import load_template, template_ids
from support.randomgraphs import random_project

import keras
from editor.building.build import build_project  # noqa: E402  (imports keras)
from editor.building.losses import ExpressionLossFunction  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FORWARD_LIMIT = 3_000_000  # parameters: bigger models are compared structurally only


# ----------------------------------------------------------------------------- helpers

def load_generated(source: str, tmp_path: Path):
    path = tmp_path / "generated_model.py"
    path.write_text(source, encoding="utf-8")
    compile(source, str(path), "exec")
    spec = importlib.util.spec_from_file_location(f"kgs_generated_{id(source)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_both(project: Project, tmp_path: Path):
    """(app result, generated model): both built in this process."""
    keras.backend.clear_session()
    result = build_project(project)
    assert result.ok, [str(p) for p in result.problems]
    source = generate(project)
    assert_only_safe_code(source)
    keras.backend.clear_session()  # so that unnamed inner layers (wrappers) get the same automatic names
    generated = load_generated(source, tmp_path).build_model()
    return result, generated


def _flat(layers_ref):
    """[['x', 0, 0]] (a list of one) and ['x', 0, 0] (a single tensor) name the same output."""
    if isinstance(layers_ref, list) and len(layers_ref) == 1 and isinstance(layers_ref[0], list):
        return layers_ref[0]
    return layers_ref


def assert_same_functional(app: dict, gen: dict, where: str = "model") -> None:
    """Functional configs equal layer by layer; loss layers (ExpressionLoss vs AddLoss) by name, weight and wiring."""
    assert gen["name"] == app["name"], where
    assert _flat(gen["input_layers"]) == _flat(app["input_layers"]), where
    assert _flat(gen["output_layers"]) == _flat(app["output_layers"]), where
    assert [l["name"] for l in gen["layers"]] == [l["name"] for l in app["layers"]], where
    for a, g in zip(app["layers"], gen["layers"]):
        here = f"{where} / layer {a['name']!r}"
        assert g["inbound_nodes"] == a["inbound_nodes"], here
        if a["class_name"] == "ExpressionLoss":
            assert g["class_name"] == "AddLoss", here
            for key in ("name", "trainable", "dtype", "weight"):
                assert g["config"][key] == a["config"][key], here
        elif a["class_name"] == "Functional":
            assert g["class_name"] == "Functional", here
            assert_same_functional(a["config"], g["config"], here)
        else:
            assert g == a, here


def assert_same_model(app, gen) -> None:
    assert len(gen.layers) == len(app.layers)
    assert_same_functional(app.get_config(), gen.get_config())
    assert [w.path for w in gen.weights] == [w.path for w in app.weights]
    assert gen.count_params() == app.count_params()
    assert [tuple(t.shape) for t in gen.outputs] == [tuple(t.shape) for t in app.outputs]


def concrete(shape) -> tuple:
    """A batch of 2, free dimensions 3."""
    return (2, *(3 if d is None else d for d in shape[1:]))


def sample_inputs(model, rng) -> list:
    data = []
    for tensor in model.inputs:
        shape = concrete(tensor.shape)
        if "int" in str(tensor.dtype):
            data.append(rng.integers(0, 2, shape).astype(str(tensor.dtype)))
        else:
            data.append(rng.uniform(0.1, 1.0, shape).astype("float32"))
    return data


def as_list(result) -> list:
    return list(result) if isinstance(result, (list, tuple)) else [result]


def assert_same_outputs(app, gen, rng) -> list:
    """Same weights, same data -> same outputs (loss nodes' values included)."""
    gen.set_weights(app.get_weights())
    x = sample_inputs(app, rng)
    expected = as_list(app(x, training=False))
    actual = as_list(gen(x if len(x) > 1 else x[0], training=False))
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(np.asarray(a), np.asarray(e), rtol=1e-5, atol=1e-6)
    return x


def assert_same_compile(compile_args: dict, gen, rng) -> None:
    """The generated compile() call passes what losses.compile_args gives (single outputs as scalars)."""
    config = gen._compile_config.config
    assert type(gen.optimizer) is type(compile_args["optimizer"])
    unnamed = lambda optimizer: {k: v for k, v in optimizer.get_config().items() if k != "name"}  # adam_1, adam_2...
    assert unnamed(gen.optimizer) == unnamed(compile_args["optimizer"])
    single = len(gen.outputs) == 1
    for key in ("loss", "loss_weights", "metrics"):
        expected, actual = compile_args.get(key), config.get(key)
        if expected is not None and single:
            expected = expected[0]
        if key == "loss_weights" and actual is None and expected is not None:
            actual = 1.0 if single else [1.0] * len(expected)
        if key == "loss" and expected is not None:
            for e, a, output in zip(as_list(expected), as_list(actual), gen.outputs):
                assert_same_loss(e, a, concrete(output.shape), rng)
        else:
            assert actual == expected, key


def assert_same_loss(expected, actual, shape, rng) -> None:
    if not isinstance(expected, ExpressionLossFunction):
        assert actual == expected
        return
    assert callable(actual) and actual.__name__.endswith("_loss")
    y_true, y_pred = (rng.uniform(0.1, 1.0, shape).astype("float32") for _ in range(2))
    ops = keras.ops
    np.testing.assert_allclose(float(ops.mean(actual(y_true, y_pred))), float(ops.mean(expected.call(y_true, y_pred))), rtol=1e-6)


def assert_same_training(app, compile_args, gen, x, rng) -> None:
    """test_on_batch gives the same losses and metrics; then one training step runs."""
    if "loss" not in compile_args and not any(l.__class__.__name__ == "AddLoss" for l in gen._flatten_layers()):
        return  # nothing supervises this model: Keras refuses to train it, as the app's model
    app.compile(**compile_args)
    app.run_eagerly = gen.run_eagerly = True  # tiny models: tracing a tf.function costs more than it saves
    count = len(app.outputs)
    needs = [a or b for a, b in zip(compile_args.get("loss", [None] * count), compile_args.get("metrics", [None] * count))]
    y = [rng.uniform(0.1, 1.0, concrete(t.shape)).astype("float32") if need else None
         for need, t in zip(needs, app.outputs)]
    y = y if "loss" in compile_args else None
    expected = as_list(app.test_on_batch(x, y))
    gen_x, gen_y = (x if len(x) > 1 else x[0]), (y if y is None or len(y) > 1 else y[0])
    actual = as_list(gen.test_on_batch(gen_x, gen_y))
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-6)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Gradients do not exist")  # parts no loss reaches
        try:
            app.train_on_batch(x, y)
        except ValueError as err:  # e.g. the only loss is on a parameter-free path
            assert "No gradients" in str(err)
            with pytest.raises(ValueError, match="No gradients"):
                gen.train_on_batch(gen_x, gen_y)
        else:
            assert all(math.isfinite(v) for v in as_list(gen.train_on_batch(gen_x, gen_y)))


SAFE_ROOTS = {"keras", "layers", "ops", "super", "float", "self"}


def assert_only_safe_code(source: str) -> None:
    """The file imports only keras and calls only keras, its own names and a few harmless builtins."""
    tree = ast.parse(source)
    for statement in tree.body:
        assert isinstance(statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.If)), ast.dump(statement)[:200]
    defined = set(SAFE_ROOTS)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
    forbidden = set(dir(builtins)) - {"super", "float", "__name__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert [a.name for a in node.names] == ["keras"] and node.names[0].asname is None
        elif isinstance(node, ast.ImportFrom):
            assert node.module == "keras" and {a.name for a in node.names} <= {"layers", "ops"} and node.level == 0
        elif isinstance(node, ast.Call):
            root = node.func
            while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
                root = root.value if not isinstance(root, ast.Call) else root.func
            assert isinstance(root, ast.Name) and root.id in defined, ast.dump(node.func)[:200]
        elif isinstance(node, ast.Name):
            assert node.id not in forbidden, node.id
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            assert ast.unparse(node) == "super().__init__", ast.unparse(node)
        assert not isinstance(node, (ast.Lambda, ast.Global, ast.Nonlocal, ast.Delete, ast.With, ast.Try))


def cheap_to_run(model) -> bool:
    """Small, and no recurrent layer over a long sequence (an eager LSTM over 784 steps takes seconds)."""
    if model.count_params() > FORWARD_LIMIT:
        return False
    for layer in model._flatten_layers():
        if isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional)):
            try:
                steps = layer.input.shape[1]
            except (AttributeError, ValueError):  # called more than once
                return False
            if steps is None or steps > 64:
                return False
    return True


def check_project(project: Project, tmp_path: Path, rng, train: bool = True) -> None:
    result, gen = build_both(project, tmp_path)
    assert_same_model(result.model, gen)
    assert_same_compile(result.compile_args, gen, rng)
    if cheap_to_run(result.model):
        x = assert_same_outputs(result.model, gen, rng)
        if train:
            assert_same_training(result.model, result.compile_args, gen, x, rng)


# ----------------------------------------------------------------------------- whole projects

@pytest.mark.parametrize("template_id", template_ids())
def test_templates(template_id, tmp_path):
    check_project(load_template(template_id), tmp_path, np.random.default_rng(0), train=False)


@pytest.mark.parametrize("seed", range(30))
def test_random_projects(seed, tmp_path):
    project = random_project(seed, 3 + (seed * 7) % 38, nested=seed % 3 == 0)
    check_project(project, tmp_path, np.random.default_rng(seed), train=seed % 2 == 0)  # training steps cost most


def test_mlp_template_reads_like_the_documents():
    source = generate(load_template("mlp"))
    assert "input_1 = keras.Input(shape=(784,), name=\"input\")" in source
    assert "hidden1 = layers.Dense(512, activation=\"relu\", name=\"hidden1\")(input_1)" in source
    assert "model = keras.Model(inputs=input_1, outputs=output, name=\"mlp\")" in source
    assert "from keras import ops" not in source and "AddLoss" not in source
    assert 'loss="sparse_categorical_crossentropy"' in source and 'metrics=["accuracy"]' in source


def _node(id, kind, name, inputs=(), **fields):
    return Node(id=id, kind=kind, name=name, inputs=tuple(Ref(node=i) if isinstance(i, str) else i for i in inputs), **fields)


def zoo_project() -> Project:
    """Wrappers, attention, convolutions, embeddings, an application, two-level nesting and seed 000's loss nodes."""
    dense = lambda units, **cfg: {"module": "keras.layers", "class_name": "Dense", "config": {"units": units, **cfg},
                                  "registered_name": None}
    inner = Graph(id="inner", name="inner", nodes=(
        _node("i", "input", "inner_in", shape=(8,)),
        _node("d", "layer", "inner_dense", ["i"], class_name="Dense", config={"units": 8}),
    ), outputs=(Output(ref=Ref(node="d")),))
    outer = Graph(id="outer", name="outer", nodes=(
        _node("i", "input", "outer_in", shape=(16,)),
        _node("p", "layer", "outer_pre", ["i"], class_name="Dense", config={"units": 8}),
        _node("m", "model", "outer_calls_inner", ["p"], graph="inner"),
        _node("d", "layer", "outer_dense", ["m"], class_name="Dense", config={"units": 8, "activation": "relu"}),
        _node("l", "loss", "outer_penalty", ["d"], expression="0.01 * mean(square(t))", input_names=("t",)),
    ), outputs=(Output(ref=Ref(node="d")), Output(ref=Ref(node="m"))))
    main = Graph(id="main", name="zoo", nodes=(
        _node("seq", "input", "sequence", shape=(5, 6)),
        _node("tok", "input", "tokens", shape=(None,), dtype="int32"),
        _node("img", "input", "image", shape=(32, 32, 3)),
        _node("td", "layer", "td", ["seq"], class_name="TimeDistributed", config={"layer": dense(4, activation="relu")}),
        _node("bi", "layer", "bi", ["td"], class_name="Bidirectional",
              config={"layer": {"module": "keras.layers", "class_name": "LSTM",
                                "config": {"units": 3, "return_sequences": True}}, "merge_mode": "concat"}),
        _node("mha", "layer", "mha", ["bi", "bi"], class_name="MultiHeadAttention", config={"num_heads": 2, "key_dim": 3}),
        _node("ls", "layer", "lstm_state", ["mha"], class_name="LSTM", config={"units": 8, "return_state": True}),
        _node("emb", "layer", "emb", ["tok"], class_name="Embedding", config={"input_dim": 10, "output_dim": 8}),
        _node("pool", "layer", "pool", ["emb"], class_name="GlobalAveragePooling1D"),
        _node("conv", "layer", "conv", ["img"], class_name="Conv2D",
              config={"filters": 3, "kernel_size": [3, 3], "padding": "same",
                      "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
                                             "config": {"seed": 1}, "registered_name": None}}),
        _node("app", "application", "mobilenet", ["conv"], class_name="MobileNet",
              config={"input_shape": [32, 32, 3], "alpha": 0.25, "include_top": False, "pooling": "avg"}),
        _node("feat", "layer", "features", [Ref(node="ls", output=0), "pool"], class_name="Concatenate"),
        _node("o1", "model", "outer_1", ["feat"], graph="outer"),
        _node("o2", "model", "inner_again", [Ref(node="ls", output=2)], graph="inner"),
        _node("sum", "layer", "sum", [Ref(node="o1", output=0), "o2", Ref(node="ls", output=1)], class_name="Add"),
        _node("head", "layer", "head", ["sum"], class_name="Dense", config={"units": 2}),
        _node("vis", "layer", "vis", ["app"], class_name="Dense", config={"units": 2}),
        _node("loss1", "loss", "loss1", ["head", "vis"], expression="K.mean(K.abs(y_true - y_pred))",
              input_names=("y_true", "y_pred"), weight=0.5),
        _node("loss2", "loss", "loss2", [Ref(node="o1", output=1), "o2"], expression="mean(abs(a - b))",
              input_names=("a", "b")),
    ), outputs=(Output(ref=Ref(node="head")), Output(ref=Ref(node="vis"))))
    return Project(title="Zoo", graphs=(main, outer, inner), training=Training(optimizer="sgd"))


def test_zoo_of_layers_nested_models_and_loss_nodes(tmp_path):
    project = zoo_project()
    source = generate(project)
    assert "inner = build_inner()\n    outer = build_outer(inner)" in source  # built once, passed down
    assert "layers.TimeDistributed(layers.Dense(4, activation=\"relu\"), name=\"td\")(sequence)" in source
    assert "lstm_state[2]" in source and 'model.compile(optimizer="sgd")' in source
    assert "keras.applications.MobileNet(weights=None, input_shape=[32, 32, 3]" in source
    assert source.count("class AddLoss") == 1
    check_project(project, tmp_path, np.random.default_rng(1))


def test_shared_layer_defined_once_before_first_call(tmp_path):
    nodes = (
        _node("a", "input", "input1", shape=(None,), dtype="int32"),
        _node("b", "input", "input2", shape=(None,), dtype="int32"),
        _node("f2", "layer", "feat2", ["b"], class_name="Embedding", config={"input_dim": 100, "output_dim": 64},
              shares="f1"),
        _node("f1", "layer", "shared_embedding", ["a"], class_name="Embedding", config={"input_dim": 100, "output_dim": 64}),
        _node("c", "layer", "merged", ["f1", "f2"], class_name="Concatenate"),
    )
    project = Project(graphs=(Graph(id="g", name="shared", nodes=nodes, outputs=(Output(ref=Ref(node="c"), loss="mse"),)),))
    source = generate(project)
    body = source[source.index("def build_model"):]
    definition = 'shared_embedding_layer = layers.Embedding(100, 64, name="shared_embedding")'
    assert body.count("layers.Embedding") == 1 and definition in body
    assert body.index(definition) < body.index("shared_embedding_layer(input2)") < body.index("shared_embedding_layer(input1)")
    check_project(project, tmp_path, np.random.default_rng(2))


# ----------------------------------------------------------------------------- hostile text

HOSTILE = [
    'x"); import os; os.system("echo pwned"); ("', "__import__", "class", "1abc", "a b", "名字", "line\nbreak",
    "cr\rname", "ls\u2028sep", "tab\tname", "print", "model", "keras", "build_model", "AddLoss", "\\", "'''",
    '"""', "#comment", "ﬁle", "file", "nul\x00byte",
]


def hostile_project() -> Project:
    nested = Graph(id="nested", name='nested"""\nimport os', nodes=(
        _node("i", "input", "sum", shape=(4,)),
        _node("d", "layer", "exec", ["i"], class_name="Dense", config={"units": 4}),
    ), outputs=(Output(ref=Ref(node="d")),))
    nodes = [_node("in0", "input", HOSTILE[0], shape=(4,)), _node("in1", "input", HOSTILE[1], shape=(4,))]
    previous = "in0"
    for i, name in enumerate(HOSTILE[2:], start=2):
        nodes.append(_node(f"n{i}", "layer", name, [previous], class_name="Dense", config={"units": 4}))
        previous = f"n{i}"
    nodes += [
        _node("sh", "layer", "share the 'print' layer", ["in1"], class_name="Dense", config={"units": 4}, shares="n10"),
        _node("m", "model", "eval", ["sh"], graph="nested"),
        _node("cat", "layer", "concat()", [previous, "m"], class_name="Concatenate"),
        _node("l", "loss", '"); os.system("pwned', ["cat", "m"], expression="mean(abs(ops)) + mean(keras * 0)",
              input_names=("ops", "keras")),
    ]
    outputs = (Output(ref=Ref(node="cat"), loss="expr:mean(square(y_true - y_pred))"),
               Output(ref=Ref(node="m"), loss="mse", metrics=("mae",)))
    main = Graph(id="main", name='evil"""\nname', nodes=tuple(nodes), outputs=outputs)
    return Project(title='"""\nimport os\nos.system("echo pwned")', graphs=(main, nested),
                   description='say """hi"""\n\nimport os\r\nos.system("pwned")\u2028still a comment\x0c\x00 """',
                   training=Training(optimizer="adam", learning_rate=0.001))


def test_hostile_names(tmp_path, capfd):
    """Any name a user types yields safe code that keeps the name exactly; the editor itself
    refuses names TensorFlow cannot scope (they build, then fail inside fit/predict)."""
    project = hostile_project()
    problems = [p for p in build_project(project).problems if p.severity == "error"]
    assert problems and all("names may hold only letters" in p.message for p in problems
                            if p.check == "check_unique_names")
    source = generate(project)
    assert_only_safe_code(source)
    gen = load_generated(source, tmp_path).build_model()
    names = {layer.name for layer in gen.layers}
    assert set(HOSTILE) | {"concat()", '"); os.system("pwned'} <= names  # a model node's layer is named after its graph
    assert 'nested"""\nimport os' in names and gen.name == 'evil"""\nname'
    assert "pwned" not in capfd.readouterr().out
    x = sample_inputs(gen, np.random.default_rng(0))
    as_list(gen(x))  # eager calls work...
    with pytest.raises(Exception, match="is not a valid (root )?scope name"):
        gen.predict_on_batch(x)  # ...but not inside a tf.function: why editor.model.validate refuses them
    # That failure leaves its name scope on Keras's (thread-local) scope stack, and every
    # later variable of this thread would be created under it: start afresh.
    keras.backend.clear_session()


def test_hostile_description_stays_a_comment():
    source = generate(hostile_project())
    header = source[: source.index("import keras")]
    assert all(line.startswith("#") or not line for line in header.splitlines())
    assert "\x00" not in source and "\u2028" not in source and "\r" not in source


def test_hostile_class_names_and_config_keys():
    bad = Project(graphs=(Graph(id="g", name="g", nodes=(
        _node("i", "input", "i", shape=(4,)),
        _node("d", "layer", "d", ["i"], class_name='Dense(1)); import os; (', config={"units": 3}),
    ), outputs=(Output(ref=Ref(node="d")),)),))
    with pytest.raises(CodegenError, match="not a Keras class name"):
        generate(bad)
    app = bad.model_copy(update={"graphs": (Graph(id="g", name="g", nodes=(
        _node("i", "input", "i", shape=(4,)),
        _node("d", "application", "d", ["i"], class_name="__import__"),
    ), outputs=(Output(ref=Ref(node="d")),)),)})
    with pytest.raises(CodegenError):
        generate(app)
    odd_keys = Project(graphs=(Graph(id="g", name="g", nodes=(
        _node("i", "input", "i", shape=(4,)),
        _node("d", "layer", "d", ["i"], class_name="Dense",
              config={"units": 3, "a b": 1, "class": 2, "ﬁ": 3, "name": "ignored", "x); import os; (": 4}),
    ), outputs=(Output(ref=Ref(node="d")),)),))
    source = generate(odd_keys)
    assert_only_safe_code(source)
    assert 'layers.Dense(3, name="d", **{"a b": 1, "class": 2, "ﬁ": 3, "x); import os; (": 4})' in source


# ----------------------------------------------------------------------------- small parts

def test_empty_graph_generates_code_that_compiles():
    source = generate(Project(graphs=(Graph(id="main", name="empty"),)))
    compile(source, "empty.py", "exec")
    assert "model = keras.Model(inputs=[], outputs=[], name=\"empty\")" in source
    assert "from keras import layers" not in source


def test_unknown_kind_and_cycles_raise():
    weird = Node.model_construct(id="w", kind="weird", name="w", inputs=(), config={}, shares=None)
    with pytest.raises(CodegenError, match="unknown kind 'weird'"):
        generate(Project(graphs=(Graph(id="main", name="m", nodes=(weird,)),)))
    cycle = (_node("a", "layer", "a", ["b"], class_name="Dense"), _node("b", "layer", "b", ["a"], class_name="Dense"))
    with pytest.raises(CodegenError, match="cycle"):
        generate(Project(graphs=(Graph(id="main", name="m", nodes=cycle),)))


def test_optimizer_with_learning_rate():
    project = load_template("mlp")
    for optimizer, expected in [("rmsprop", "keras.optimizers.RMSprop(learning_rate=0.01)"),
                                ("SGD", "keras.optimizers.SGD(learning_rate=0.01)"),
                                ("made_up", 'keras.optimizers.get({"class_name": "made_up", "config": {"learning_rate": 0.01}})')]:
        source = generate(project.model_copy(update={"training": Training(optimizer=optimizer, learning_rate=0.01)}))
        assert f"optimizer={expected}" in source


def test_identifiers_are_legal_and_unique():
    assert identifier("1abc") == "_1abc" and identifier("a b") == "a_b" and identifier("名字") == "名字"
    assert identifier('x"); import os; ("') == "x_import_os" and identifier("!!!") == "x"
    names = Namespace()
    got = [names.name(text) for text in ["class", "input", "sum", "keras", "model", "ops", "ﬁle", "file", "a b", "a_b", "a b"]]
    assert got[:6] == ["class_1", "input_1", "sum_1", "keras_1", "model_1", "ops_1"]
    assert len(set(got)) == len(got) and all(n.isidentifier() for n in got)
    folded = [unicode_fold(n) for n in got]  # Python reads identifiers NFKC-folded: still unique
    assert len(set(folded)) == len(folded)


def unicode_fold(name: str) -> str:
    import unicodedata
    return unicodedata.normalize("NFKC", name)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_an_identifier(text):
    name = Namespace().name(text)
    assert name.isidentifier() and unicode_fold(name) == name
    ast.parse(f"{name} = 1")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_values_round_trip(obj):
    text = codegen.value(obj)
    assert eval(text, {"__builtins__": {}, "float": float}) == obj  # our own literal, builtins removed
    assert_only_safe_code(f"def f():\n    return {text}")


def test_special_floats_and_tuples():
    assert codegen.value([float("inf"), -float("inf"), (1,), (), (1, "a")]) == '[float("inf"), -float("inf"), (1,), (), (1, "a")]'
    assert math.isnan(eval(codegen.value(float("nan")), {"__builtins__": {}, "float": float}))
    assert codegen.value({"module": "keras.layers", "class_name": "Dense", "config": {"units": 2}}) == "layers.Dense(2)"
    assert codegen.value({"module": "os", "class_name": "system", "config": {}}).startswith("{")
    with pytest.raises(CodegenError):
        codegen.value(object())


def test_positional_arguments_match_keras_signatures():
    for class_name, names in codegen.POSITIONAL.items():
        parameters = list(inspect.signature(getattr(keras.layers, class_name).__init__).parameters)[1:]
        assert parameters[: len(names)] == list(names), class_name


def test_optimizer_class_names_match_keras():
    for lower, class_name in codegen.OPTIMIZERS.items():
        assert type(keras.optimizers.get(lower)) is getattr(keras.optimizers, class_name)


def test_importing_codegen_does_not_import_keras():
    code = ("import sys, editor.code.codegen, editor.code.codegen as c; c.generate; "
            "assert not {'keras', 'tensorflow'} & set(sys.modules), sorted(m for m in sys.modules if 'keras' in m)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_header_states_what_stays_true_after_edits():
    """The header is read off the graph (not the template's description, whose parameter
    count goes stale after an edit): an edit shows in it, the description never does."""
    project = load_template("headline_multi_io")
    source = generate(project)
    header = source[: source.index("import keras")]
    assert "# Inputs: main_input (100,) int32, aux_input (5,) float32." in header
    assert "5,200,610" not in header and "From “" not in header
    graph = project.main
    main_output = next(n for n in graph.nodes if n.name == "main_output")
    edited = project.replace_graph(edits.rename(graph, main_output.id, "retweets"))
    header = generate(edited)[: generate(edited).index("import keras")]
    assert "# Outputs: retweets (binary_crossentropy), aux_output (binary_crossentropy, weight" in header
