"""A statement left out never changes the imported model (issue 24, "Never wrong").

The default mode may leave out only what the imported model does not depend on: a
statement whose names it reads, or that changes one of its models, layers, lists or
dicts in place, refuses the import in one line naming it and the model. Hypothesis
breaks one statement of each corpus file at a time: the import refuses, or gives the
same project as the unbroken file. No TensorFlow: projects are compared as data.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from editor.code.code_import import CodeRefused, import_code

CORPUS = Path(__file__).parent / "code_corpus"
HEADER = re.compile(r"^#\s*model:\s*([A-Za-z_][\w.-]*)\s*$", re.MULTILINE)


def test_sequential_add_left_out_is_refused_naming_line_and_model():
    code = ("import keras\n"
            "from keras import layers\n"
            "net = keras.Sequential()\n"
            "net.add(keras.Input(shape=(8,)))\n"
            "net.add(layers.Dense(4))\n"
            "net.add(layers.Dense(2, kernel_initializer=my_init()))\n"
            "net.add(layers.Dense(1))\n")
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value) == ("line 6: 'my_init' is not defined: this line was left out, "
                                  "and the model 'net' needs it")


def test_list_of_layers_changed_by_a_left_out_line_is_refused():
    code = ("import keras\n"
            "from keras import layers\n"
            "stack = [keras.Input(shape=(8,)), layers.Dense(4)]\n"
            "stack.append(layers.Dense(2) @ 3)\n"
            "net = keras.Sequential(stack)\n")
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value).startswith("line 4: ")
    assert str(refused.value).endswith("this line was left out, and the model 'net' needs it")


def test_model_depending_on_a_left_out_line_is_refused_not_replaced():
    code = ("import keras\n"
            "from keras import layers\n"
            "inputs = keras.Input(shape=(16,))\n"
            "code = layers.Dense(4)(inputs)\n"
            "encoder = keras.Model(inputs, code)\n"
            "width = measure(code)\n"
            "decoded = layers.Dense(width)(code)\n"
            "autoencoder = keras.Model(inputs, decoded)\n")
    with pytest.raises(CodeRefused) as refused:
        import_code(code)
    assert str(refused.value) == ("line 6: 'measure' is not defined: this line was left out, "
                                  "and the model 'autoencoder' needs it")
    with pytest.raises(CodeRefused) as asked:
        import_code(code, model="autoencoder")
    assert str(asked.value) == str(refused.value)
    assert import_code(code, model="encoder").project.main.name == "functional"


def test_helper_whose_return_or_break_is_left_out_is_refused():
    returns = ("import keras\n"
               "def build(n):\n"
               "    net = keras.Sequential([keras.Input(shape=(n,)), keras.layers.Dense(1)])\n"
               "    return finish(net)\n"
               "net = build(4)\n"
               "net.compile(optimizer='adam', loss='mse')\n")
    with pytest.raises(CodeRefused) as refused:
        import_code(returns)
    assert str(refused.value) == ("line 4: 'finish' is not defined: this line was left out, "
                                  "and the model 'net' needs it")
    breaks = ("import keras\n"
              "inputs = keras.Input(shape=(8,))\n"
              "x = inputs\n"
              "for i in range(5):\n"
              "    if enough(i):\n"
              "        break\n"
              "    x = keras.layers.Dense(4)(x)\n"
              "net = keras.Model(inputs, x)\n")
    with pytest.raises(CodeRefused) as refused:
        import_code(breaks)
    assert str(refused.value) == ("line 5: 'enough' is not defined: this line was left out, "
                                  "and the model 'net' needs it")


def test_left_out_line_the_model_does_not_need_still_imports():
    code = ("import keras\n"
            "from keras import layers\n"
            "import matplotlib.pyplot as plt\n"
            "net = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])\n"
            "net.fit(x_train, y_train)\n"
            "plt.plot(history)\n")
    result = import_code(code)
    assert len(result.skipped) == 3
    assert [n.class_name for n in result.project.main.nodes if n.kind == "layer"] == ["Dense"]


# ----------------------------------------------------------------------------- hypothesis

def _shape(project) -> list:
    """A project as data, its nodes' names left out (a left-out line may take a layer name)."""
    graphs = []
    for graph in project.graphs:
        order = {n.id: i for i, n in enumerate(graph.nodes)}
        nodes = []
        for node in graph.nodes:
            data = node.model_dump(mode="json", exclude={"id", "name", "shares", "graph"})
            if isinstance(data.get("config"), dict):
                data["config"] = {k: v for k, v in data["config"].items() if k != "name"}
            data["inputs"] = [(order[r.node], r.output) for r in node.inputs]
            nodes.append(data)
        outputs = [(order[o.ref.node], o.ref.output, o.loss, o.loss_weight, o.metrics) for o in graph.outputs]
        graphs.append((nodes, outputs))
    return [graphs, project.training.model_dump(mode="json")]


def _files() -> list[tuple[str, str, str]]:
    """(name, unparsed source, wanted model) of each corpus file that imports (no applications)."""
    found = []
    for path in sorted((CORPUS / "public").glob("*.py")) + sorted((CORPUS / "seeds").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "applications" in text:
            continue
        header = HEADER.search(text)
        found.append((path.name, ast.unparse(ast.parse(text)), header.group(1) if header else None))
    return found


FILES = _files()


def _sites() -> list[tuple[int, int, int]]:
    """(file, statement, call) of every top-level or function-body statement: call -1
    leaves the statement out (`with unknown():`), call k breaks the k-th call's first argument."""
    sites = []
    for f, (_, source, _) in enumerate(FILES):
        for s, statement in enumerate(_statements(ast.parse(source))):
            calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call)]
            sites += [(f, s, -1)] + [(f, s, k) for k in range(min(len(calls), 3))]
    return sites


def _statements(tree: ast.Module) -> list[ast.stmt]:
    found = list(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            found += node.body
    return found


def _broken(source: str, s: int, k: int) -> str:
    tree = ast.parse(source)
    statement = _statements(tree)[s]
    if k < 0:
        wrapper = ast.With(items=[ast.withitem(ast.Call(ast.Name("unknown", ast.Load()), [], []))],
                           body=[statement], lineno=statement.lineno)
        for body in [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            if statement in body:
                body[body.index(statement)] = wrapper
                break
    else:
        call = [n for n in ast.walk(statement) if isinstance(n, ast.Call)][k]
        unreadable = ast.BinOp(ast.Name("a", ast.Load()), ast.MatMult(), ast.Name("b", ast.Load()))
        call.args = [unreadable] + call.args[1:]
    return ast.unparse(ast.fix_missing_locations(tree))


SITES = _sites()
_BASE: dict[int, object] = {}


def _base(f: int):
    if f not in _BASE:
        name, source, wanted = FILES[f]
        try:
            _BASE[f] = _shape(import_code(source, model=wanted, filename=name).project)
        except CodeRefused:
            _BASE[f] = None
    return _BASE[f]


@settings(max_examples=800, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SITES))
def test_breaking_one_statement_refuses_or_changes_nothing(site):
    f, s, k = site
    base = _base(f)
    if base is not None:
        assert_refused_or_same(FILES[f], base, s, k)


def assert_refused_or_same(file: tuple[str, str, str], base: list, s: int, k: int) -> None:
    """Statement `s` of the file (name, source, wanted model) broken as _broken(s, k) says: the
    import refuses, or gives the project `base` (_shape) the whole file gives."""
    name, source, wanted = file
    broken = _broken(source, s, k)
    try:
        result = import_code(broken, model=wanted, filename=name)
    except CodeRefused:
        return
    assert _shape(result.project) == base, f"{name}: statement {s} broken ({k}) changed the model:\n{broken}"


@pytest.mark.parametrize("weight, what", [("w", "tensor"), ('"2"', "str"), ("True", "bool")])
def test_a_loss_weight_that_is_not_a_number_is_refused_not_read_as_one(weight, what):
    code = ("import keras\nfrom keras import layers\nx = keras.Input((4,))\n"
            "a = layers.Dense(1, name='a')(x)\nb = layers.Dense(1, name='b')(x)\nw = keras.Input((1,))\n"
            "model = keras.Model(x, [a, b])\n"
            f"model.compile(optimizer='adam', loss=['mse', 'mse'], loss_weights=[0.5, {weight}])\n")
    with pytest.raises(CodeRefused) as err:
        import_code(code)
    assert str(err.value) == (f"line 8: compile(loss_weights=...) with a {what} for output 'b': "
                              "the editor reads numbers only")


@pytest.mark.parametrize("freeze, trainable", [
    ("for l in feature_layers:\n    l.trainable = False\n", 18),
    ("feature_layers[0].trainable = False\n", 90),
    ("x = feature_layers[1]\nx.trainable = False\n", 58),
])
def test_layers_frozen_after_the_model_is_built_keep_keras_trainable_count(freeze, trainable):
    """Keras's own mnist_transfer_cnn freezes its feature layers after building the model."""
    from editor.building.build import build_project

    code = ("from keras.layers import Dense, Input\nfrom keras.models import Sequential\n"
            "feature_layers = [Dense(8, activation='relu'), Dense(8)]\n"
            "model = Sequential([Input(shape=(4,))] + feature_layers + [Dense(2)])\n" + freeze)
    model = build_project(import_code(code).project, weights=False).model
    assert (model.count_params(), sum(int(w.numpy().size) for w in model.trainable_weights)) == (130, trainable)


def test_training_false_on_a_call_is_said_not_silently_dropped():
    code = ("import keras\nfrom keras import layers\ninner = keras.Sequential([keras.Input((4,)), layers.Dense(4)])\n"
            "x = keras.Input((4,))\ny = inner(x, training=False)\ny = layers.Dropout(0.5)(y, training=False)\n"
            "model = keras.Model(x, layers.Dense(1)(y))\n")
    notes = import_code(code, model="model").notes
    assert [n.split(" dropped")[0] for n in notes if "training=False" in n] == [
        "line 5: training=False on model 'sequential'", "line 6: training=False on 'dropout'"]
