"""Constructs real code uses (issue 24): decorators that change nothing, branches that never
run, and ordinary Python (sets, isinstance, copy, functools, math, itertools, collections)
as values the reader computes without importing or running anything.

Each snippet that imports is also run for real with Keras (tests/code_corpus/run_corpus_file.py,
in one subprocess): the imported project must build to the parameter count running it gives.
Each refusal is one exact line.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.code.code_import import CodeRefused, import_code
from editor.code.reader import MAX_STEPS
from tests.corpus_runs import run_snippets
from tests.test_code_import_hostile import FUZZ_HEAD, assert_one_line, assert_within_counts, imported
from tests.work import measure


DECORATED = '''
import functools

import keras
import tensorflow as tf
from keras import layers
from keras.src.api_export import keras_export


def logged(function):
    @functools.wraps(function)
    def wrapper(x, filters):
        return function(x, filters)
    return wrapper


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


conv_block = logged(conv_block)


@keras_export(["keras.applications.tiny.TinyNet", "keras.applications.TinyNet"])
def TinyNet(input_shape=(32, 32, 3), classes=10):
    inputs = keras.Input(shape=input_shape)
    x = conv_block(inputs, 16)
    x = conv_block(x, 32)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(classes, activation=head_activation())(x)
    return keras.Model(inputs, outputs, name="tiny")


@keras_export("keras.applications.tiny.head_activation")
def head_activation():
    return "softmax"


@tf.function
def train_step(x):
    return x


@tf.function(jit_compile=True, reduce_retracing=True)
def predict_step(x):
    return x


model = TinyNet(classes=7)
'''

# keras.applications' own pattern: argument checks that raise, branches on `weights` that
# download, type() and isinstance, none of which run with these arguments.
NOT_TAKEN = '''
import keras
from keras import layers
from keras.src.utils import file_utils


def SmallNet(include_top=True, weights=None, input_tensor=None, input_shape=None, classes=10, pooling=None):
    if not (weights in {"imagenet", None} or file_utils.exists(weights)):
        raise ValueError("The `weights` argument should be either `None` or `imagenet`")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"classes={classes} needs include_top=False with imagenet weights")
    if input_tensor is not None and type(input_tensor) is not list:
        raise TypeError("input_tensor must be a list")
    if input_shape is None:
        input_shape = (32, 32, 3)
    elif not isinstance(input_shape, tuple):
        input_shape = tuple(input_shape)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError("input_shape must have 3 items")
    img_input = layers.Input(shape=input_shape)
    x = layers.Conv2D(8, 3, activation="relu")(img_input)
    if include_top:
        x = layers.Flatten()(x)
        x = layers.Dense(classes, activation="softmax")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(img_input, x, name="small")
    if weights == "imagenet":
        weights_path = keras.utils.get_file("small.h5", "https://example.com/small.h5")
        model.load_weights(weights_path)
    elif weights is not None:
        model.load_weights(weights)
    return model


model = SmallNet(input_shape=[28, 28, 1], classes=5)
'''

ORDINARY = '''
import collections
import copy
import functools
import itertools
import math
import operator

import keras
from keras import layers

Block = collections.namedtuple("Block", ["filters", "kernel", "repeats"], defaults=[1])
Head = collections.namedtuple("Head", "units activation")
CONFIG = collections.OrderedDict([("stem", 16), ("head", 10)])
BASE = {"activation": "relu", "padding": "same"}
BLOCKS = [Block(16, 3), Block(32, 3, repeats=2), Block(64, 5)._replace(kernel=3)]
NORMALIZED = {1, 2} | {5}

Conv = functools.partial(layers.Conv2D, padding="same", use_bias=False)


def widen(filters, ratio=1.5):
    return int(math.ceil(filters * ratio / 8) * 8)


inputs = keras.Input(shape=(32, 32, 3))
x = Conv(CONFIG["stem"], 3)(inputs)
for i, block in enumerate(BLOCKS):
    settings = copy.deepcopy(BASE)
    settings["kernel_size"] = block.kernel
    for _ in range(block.repeats):
        x = layers.Conv2D(block.filters, **settings)(x)
    if i in NORMALIZED and "relu" not in {"gelu"}:
        x = layers.BatchNormalization()(x)
x = layers.GlobalAveragePooling2D()(x)
units = functools.reduce(operator.mul, [2, 4, 8], 1)
total = functools.reduce(lambda a, b: a + b, itertools.chain([1, 2], [3]))
pairs = list(itertools.product([1, 2], ["a", "b"]))
widths = list(itertools.accumulate([8, 8, 16]))
steps = list(itertools.islice(itertools.count(4, 4), 3))
padded = list(itertools.zip_longest([1, 2, 3], [10], fillvalue=0))
repeated = list(itertools.repeat(16, 2))
for width in widths + steps:
    x = layers.Dense(width)(x)
x = layers.Dense(units + total + len(pairs) + sum(repeated) + padded[2][1] + widen(10) + len(NORMALIZED))(x)
if isinstance(CONFIG, dict) and isinstance(BLOCKS[0], tuple) and not isinstance(x, list):
    x = layers.Dense(int(math.sqrt(math.prod([4, 4])) * math.floor(math.pi)))(x)
head = Head(CONFIG["head"], "softmax")
shallow = copy.copy([head])
outputs = layers.Dense(shallow[0].units, activation=shallow[0][1])(x)
model = keras.Model(inputs, outputs)
'''

SNIPPETS = {"decorated.py": DECORATED, "not_taken.py": NOT_TAKEN, "ordinary.py": ORDINARY}


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    """Each snippet run for real (our own code, in one subprocess): {file: what it built}."""
    return run_snippets(tmp_path_factory.mktemp("snippets"), SNIPPETS)


def params(project) -> int:
    from editor.building.build import build_project

    built = build_project(project, weights=False)
    assert built.ok, built.first_error
    return built.model.count_params()


def refusal(source: str, **options) -> str:
    with pytest.raises(CodeRefused) as refused:
        import_code(source, **options)
    return str(refused.value)


MODEL = "import keras\ninputs = keras.Input(shape=(4,))\nmodel = keras.Model(inputs, keras.layers.Dense(1)(inputs))\n"


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_imports_to_what_running_it_builds(name, ran):
    real = ran[name]
    assert "error" not in real, real.get("traceback")
    result = import_code(SNIPPETS[name], filename=name, strict=True)
    assert result.skipped == ()
    assert params(result.project) == real["params"]


# ----------------------------------------------------------------------------- decorators

def test_decorators_that_change_nothing_are_read_through():
    project = import_code(DECORATED, strict=True).project
    layers_made = [n.class_name for n in project.main.nodes if n.kind == "layer"]
    assert layers_made == ["Conv2D", "BatchNormalization", "Activation"] * 2 + ["GlobalAveragePooling2D", "Dense"]
    assert project.main.nodes[-1].config["units"] == 7
    tf_export = DECORATED.replace("from keras.src.api_export import keras_export",
                                  "from tensorflow.python.util.tf_export import keras_export")
    assert import_code(tf_export, strict=True).project == project


REGISTERED = '''import keras
from keras import layers


@keras.saving.register_keras_serializable()
def build():
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, layers.Dense(2)(inputs))


model = build()
'''


def test_other_decorators_refuse_naming_the_decorator():
    assert refusal(REGISTERED, strict=True) == refusal(REGISTERED) == (
        "line 6: decorated function build(): @keras.saving.register_keras_serializable() "
        "is not a decorator the editor reads: this line was left out, and the model that build() builds needs it")
    own = REGISTERED.replace("@keras.saving.register_keras_serializable()", "@functools.lru_cache")
    own = "import functools\n" + own
    needed = ": this line was left out, and the model that build() builds needs it"
    assert refusal(own, strict=True) == ("line 7: decorated function build(): @functools.lru_cache "
                                         "is not a decorator the editor reads" + needed)
    bare = REGISTERED.replace("@keras.saving.register_keras_serializable()", "@keras_export")
    bare = "from keras.src.api_export import keras_export\n" + bare
    assert refusal(bare, strict=True) == ("line 7: decorated function build(): @keras_export "
                                          "is not a decorator the editor reads" + needed)


# ----------------------------------------------------------------------------- what runs

def test_branches_that_do_not_run_do_not_refuse():
    result = import_code(NOT_TAKEN, strict=True)
    assert result.skipped == ()
    assert [n.shape for n in result.project.main.nodes if n.kind == "input"] == [(28, 28, 1)]


def test_a_raise_that_runs_refuses_with_its_message():
    imagenet = NOT_TAKEN.replace("classes=5)", "classes=5, weights='imagenet')")
    expected = "line 11: the code raises ValueError: classes=5 needs include_top=False with imagenet weights"
    assert refusal(imagenet) == expected
    assert refusal(imagenet, strict=True) == expected
    shape = NOT_TAKEN.replace("[28, 28, 1]", "[28, 28]")
    assert refusal(shape) == "line 19: the code raises ValueError: input_shape must have 3 items"
    typed = NOT_TAKEN.replace("model = SmallNet(", "model = SmallNet(input_tensor=(1,), ")
    assert refusal(typed) == "line 13: the code raises TypeError: input_tensor must be a list"
    bare = "import keras\nraise SystemExit\n"
    assert refusal(bare) == "line 2: the code raises SystemExit"


def test_an_assert_that_fails_refuses_and_one_the_reader_cannot_decide_is_read_past():
    code = ("import keras\n"
            "shape = (28, 28)\n"
            "assert isinstance(shape, tuple)\n"
            "assert len(shape) == 3, f'shape has {len(shape)} items, needs 3'\n"
            "inputs = keras.Input(shape=shape)\n"
            "assert inputs.shape[-1] == 28\n"
            "model = keras.Model(inputs, keras.layers.Dense(2)(inputs))\n")
    assert refusal(code) == "line 4: the code raises AssertionError: shape has 2 items, needs 3"
    result = import_code(code.replace("== 3", "== 2"), strict=True)
    assert [n.shape for n in result.project.main.inputs] == [(28, 28)]


def test_the_security_screen_still_covers_code_that_never_runs():
    dead = NOT_TAKEN.replace('        model.load_weights(weights)\n',
                             '        model.load_weights(open(weights).read())\n')
    assert refusal(dead) == "line 32: open() is not model-building code"
    dunder = NOT_TAKEN.replace("raise TypeError(", "raise TypeError(input_tensor.__class__, ")
    assert refusal(dunder) == "line 13: the attribute __class__ is not model-building code"
    hidden = "def unused():\n    import subprocess\n" + NOT_TAKEN
    assert refusal(hidden, strict=True).startswith("line 2: import subprocess reaches the system")


# ----------------------------------------------------------------------------- ordinary Python

def value_of(expression: str, setup: str = ""):
    """What the reader computes for `expression` (read, never run), as repr() writes it."""
    from editor.code.reader import Reader

    reader = Reader("import collections, copy, functools, itertools, math, operator\nimport keras\n" + setup +
                    f"\nvalue = {expression}\n")
    reader.strict = True
    reader.read()
    assert reader.skipped == [], [str(s) for s in reader.skipped]
    return repr(reader.globals.vars["value"])


@pytest.mark.parametrize("expression, expected", [
    ("'a' in {'a', 'b'}", "True"), ("3 not in {1, 2}", "True"), ("sorted({3, 1} | {2})", "[1, 2, 3]"),
    ("len({1, 1, 2} - {2})", "1"), ("sorted({x % 3 for x in range(9)})", "[0, 1, 2]"),
    ("list({5, 1, 3})", "[1, 3, 5]"), ("'b' in ('a', 'b')", "True"), ("'k' in {'k': 1}", "True"),
    ("'ell' in 'hello'", "True"), ("isinstance(3, (float, str))", "False"), ("isinstance(True, int)", "True"),
    ("isinstance([1], (list, tuple))", "True"), ("isinstance(None, type(None))", "True"),
    ("type(2.5) is float", "True"), ("type([]) in (list, tuple)", "True"), ("type({}) == dict", "True"),
    ("copy.deepcopy({'a': [1, 2]})", "{'a': [1, 2]}"), ("functools.reduce(operator.add, [[1], [2]])", "[1, 2]"),
    ("functools.partial(max, 4)(9, 2)", "9"), ("functools.partial(int, base=2)('101')", "5"),
    ("math.ceil(7 / 2)", "4"), ("math.floor(-0.5)", "-1"), ("math.log(8, 2)", "3.0"), ("math.prod([2, 3, 4])", "24"),
    ("round(math.pi, 2)", "3.14"), ("math.isqrt(17)", "4"), ("math.gcd(12, 18)", "6"),
    ("list(itertools.product('ab', repeat=2))", "[('a', 'a'), ('a', 'b'), ('b', 'a'), ('b', 'b')]"),
    ("list(itertools.chain.from_iterable([[1], [2, 3]]))", "[1, 2, 3]"),
    ("list(itertools.accumulate([1, 2, 3], operator.mul))", "[1, 2, 6]"),
    ("list(itertools.islice(itertools.count(), 2, 8, 3))", "[2, 5]"),
    ("list(itertools.islice('abcdef', 2))", "['a', 'b']"),
    ("collections.namedtuple('P', 'x, y')(1, y=2).y", "2"), ("collections.namedtuple('P', ['x'])(5)._asdict()", "{'x': 5}"),
    ("list(collections.OrderedDict(b=1, a=2))", "['b', 'a']"), ("any([0, 1]) and not all([0, 1])", "True"),
    ("not set() and {1} == frozenset([1]) and {1} != [1]", "True"), ("sorted({'b', 'a'})", "['a', 'b']"),
    ("operator.contains({'a'}, 'a')", "True"), ("{1, 2}.union([3], (4,)) - {1}.copy()", "{2, 3, 4}"),
    ("frozenset([1]).issubset({1, 2}) and {1}.isdisjoint([2])", "True"), ("[x for x in itertools.repeat('k', 3)]", "['k', 'k', 'k']"),
])
def test_ordinary_python_values_are_what_python_computes(expression, expected):
    assert value_of(expression) == expected == repr(eval(expression, {  # noqa: S307 - our own test expressions
        "collections": __import__("collections"), "copy": __import__("copy"), "functools": __import__("functools"),
        "itertools": __import__("itertools"), "math": __import__("math"), "operator": __import__("operator")}))


def test_isinstance_on_tensors_and_layers_only_where_it_is_certain():
    assert value_of("isinstance(keras.layers.Dense(2), (list, int))") == "False"
    assert value_of("isinstance(keras.layers.Dense(2), keras.layers.Layer)") == "True"
    assert value_of("isinstance(keras.Input(shape=(2,)), list)") == "False"
    assert value_of("isinstance(keras.Input(shape=(2,)), keras.KerasTensor)") == "True"
    assert value_of("isinstance(keras.activations.relu, str)") == "False"
    assert value_of("isinstance(keras.layers.Dense(2), keras.Model)") == "False"
    assert refusal("import keras\nimport numpy as np\nx = isinstance(np.newaxis, float)\n" + MODEL, strict=True) == (
        "line 3: isinstance() of a numpy.newaxis and builtins.float: the editor cannot tell")
    assert value_of("copy.deepcopy({'activation': keras.activations.relu})") == \
        "{'activation': Namespace(path='keras.activations.relu')}"
    assert refusal("import keras\nx = isinstance(keras.layers.Dense(2), keras.layers.Conv2D)\n" + MODEL, strict=True) == (
        "line 2: isinstance() of a layer (Dense) and keras.layers.Conv2D: the editor cannot tell")


def test_a_set_changed_in_place_is_read_and_a_left_out_change_is_refused():
    assert value_of("sorted(seen)", "seen = {3}\nseen.add(1)\nseen.update([2, 2])\nseen.discard(3)") == "[1, 2]"
    code = ("import keras\nwidths = {8}\nwidths.add(measure())\ninputs = keras.Input(shape=(4,))\n"
            "x = inputs\nfor w in sorted(widths):\n    x = keras.layers.Dense(w)(x)\nmodel = keras.Model(inputs, x)\n")
    assert refusal(code) == ("line 3: 'measure' is not defined: this line was left out, "
                             "and the model 'model' needs it")


@pytest.mark.parametrize("setup, expected", [
    ("import keras\nd = keras.layers.Dense(2)\nx = copy.deepcopy(d)\n",
     "line 4: copy.deepcopy() of a layer (Dense): only of data (numbers, text, lists, dicts)"),
    ("import keras\nx = copy.copy(keras.Input(shape=(2,)))\n",
     "line 3: copy.copy() of a tensor: only of data (numbers, text, lists, dicts)"),
    ("for k in {'b', 'a'}:\n    pass\n",
     "line 2: the order of a set of text changes from run to run in Python: sort it first"),
    ("it = itertools.chain([1], [2])\na = list(it)\nb = list(it)\n",
     "line 4: an iterator of itertools.chain read a second time (Python's is used up): make it a list first"),
    ("x = list(itertools.count())\n",
     "line 2: itertools.count() has no end: only itertools.islice() reads it"),
    ("x = functools.partial(1)\n", "line 2: functools.partial() of a int: only of a function of the file, "
                                  "a Keras name or another partial"),
])
def test_ordinary_python_the_reader_cannot_compute_exactly_refuses(setup, expected):
    source = "import collections, copy, functools, itertools, math, operator\n" + setup + MODEL
    assert refusal(source, strict=True) == expected


def test_budget_limits_apply_to_ordinary_python():
    huge = "import itertools\nx = list(itertools.product(range(1000), range(1000)))\n"
    assert refusal(huge, strict=True) == "line 2: a collection of 1,000,000 items (limit 10,000)"
    factorial = "import math\nx = math.factorial(10 ** 6)\n"
    assert refusal(factorial, strict=True) == "line 2: a number too large (limit 1e+15)"
    loop = "import functools\nx = functools.reduce(lambda a, b: a + b, range(10 ** 9))\n"
    with pytest.raises(CodeRefused) as spent:
        import_code(loop, strict=True)
    assert str(spent.value).startswith("line 2: the code does too much to read")
    assert spent.value.steps == MAX_STEPS + 1
    tuples = "import itertools\nx = list(itertools.product([1], repeat=10 ** 9))\n"
    assert refusal(tuples, strict=True) == "line 2: a collection of 1,000,000,000 items (limit 10,000)"
    repeat = "import itertools\nx = list(itertools.repeat(0, 10 ** 9))\n"
    assert refusal(repeat, strict=True) == "line 2: a collection of 1,000,000,000 items (limit 10,000)"


def test_a_function_the_file_never_calls_may_raise():
    """Exported code's builders are called as a script would (no model at the top): one that
    raises is no builder, and the next one is."""
    code = ("import keras\n"
            "def get_config():\n"
            "    raise NotImplementedError('subclasses say')\n"
            "def create_model():\n"
            "    inputs = keras.Input(shape=(3,))\n"
            "    return keras.Model(inputs, keras.layers.Dense(2)(inputs))\n")
    result = import_code(code)
    assert result.skipped == ("line 3: the code raises NotImplementedError: subclasses say",)
    assert [n.kind for n in result.project.main.nodes] == ["input", "layer"]


# Random statements of ordinary Python over a small model (the hostile corpus's fuzz, with the
# values and calls of this file's constructs): read or refused in one line, within the counts.
ATOMS = ("0", "-3", "2.5", "'ab'", "[1, 2]", "(1,)", "{'a': 1}", "{1, 2}", "{'a'}", "set()", "frozenset([1])", "int",
         "list", "tuple", "math.pi", "P", "P(1, 2)", "itertools.count()", "itertools.chain([1], [2])",
         "functools.partial(max, 1)", "collections.OrderedDict(a=1)", "operator.add", "type(1)", "range(10 ** 9)",
         "{q for q in range(3)}", "x", "d", "m", "keras.activations.relu", "lambda q: q")
CALLS = ("isinstance", "type", "set", "frozenset", "any", "all", "callable", "len", "sorted", "list", "copy.copy",
         "copy.deepcopy", "functools.reduce", "functools.partial", "math.ceil", "math.prod", "math.factorial",
         "math.log", "itertools.product", "itertools.islice", "itertools.repeat", "itertools.accumulate",
         "itertools.zip_longest", "itertools.chain.from_iterable", "collections.namedtuple", "collections.OrderedDict",
         "operator.mul", "operator.contains", "P", "P._make", "P(1, 2)._replace", "d")
OPERATORS = ("+", "-", "*", "|", "&", "^", "==", "is", "in", "not in", "and", "or")


def random_expression(r, depth=0) -> str:
    k = r.random()
    if depth > 2 or k < 0.35:
        return r.choice(ATOMS)
    if k < 0.55:
        return f"({random_expression(r, depth + 1)} {r.choice(OPERATORS)} {random_expression(r, depth + 1)})"
    args = [random_expression(r, depth + 1) for _ in range(r.randint(0, 3))]
    args += [f"repeat={random_expression(r, depth + 1)}"] * (r.random() < 0.1)
    return f"{r.choice(CALLS)}({', '.join(args)})"


@settings(max_examples=150, deadline=None)
@given(st.randoms(use_true_random=False))
def test_random_ordinary_python_is_read_or_refused_in_one_line(r):
    import editor.code.codegen  # noqa: F401 - what the reader loads on first use, loaded before counting
    import editor.files.importer  # noqa: F401
    body = "\n".join(f"{r.choice('xyzw')} = {random_expression(r)}" for _ in range(r.randint(1, 4)))
    source = ("import collections, copy, functools, itertools, math, operator\nP = collections.namedtuple('P', 'a b')\n"
              + FUZZ_HEAD + body + "\nmodel = keras.Model(inp, [x])\n")
    done = measure(lambda: imported(lambda: import_code(source, model="model")))
    if done.error is not None:
        raise done.error
    result, refused = done.result
    if refused is not None:
        assert_one_line(str(refused))
    assert_within_counts(done.calls, result or refused)


def test_an_ordered_dict_of_inputs_keeps_its_order_as_keras_flattens_it():
    """keras.tree.flatten sorts a dict's keys but keeps an OrderedDict's order (checked with Keras)."""
    import collections

    import keras

    code = ("import collections\nimport keras\n"
            "b, a = keras.Input(shape=(2,), name='b'), keras.Input(shape=(3,), name='a')\n"
            "joined = keras.layers.Concatenate()([b, a])\n"
            "model = keras.Model(collections.OrderedDict([('b', b), ('a', a)]), joined)\n")
    project = import_code(code, strict=True).project
    assert [n.name for n in project.main.inputs] == ["b", "a"]
    assert keras.tree.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [1, 2]
    assert [n.name for n in import_code(code.replace("collections.OrderedDict(", "dict("), strict=True)
            .project.main.inputs] == ["a", "b"]


@pytest.mark.parametrize("setting, kind", [("{3}", "set"), ("itertools.repeat(3, 2)", "Iterator"),
                                           ("functools.partial(max)", "Partial")])
def test_a_value_no_project_can_hold_is_refused_as_a_setting(setting, kind):
    code = ("import functools, itertools\nimport keras\ninputs = keras.Input(shape=(8, 8, 1))\n"
            f"model = keras.Model(inputs, keras.layers.Conv2D(2, kernel_size={setting})(inputs))\n")
    assert refusal(code, strict=True) == (f"line 4: a {kind} as a setting: this line was left out, "
                                          "and the model 'model' needs it")


def test_setting_a_functions_doc_is_read_past_and_other_dunders_still_refuse():
    """keras.applications' sources end with `preprocess_input.__doc__ = ...`."""
    code = ("import keras\nfrom keras import layers\n\ndef build(units=2):\n    x = keras.Input((4,))\n"
            "    return keras.Model(x, layers.Dense(units)(x))\n\n"
            "build.__doc__ = DOC.format(mode='caffe')\nmodel = build()\n")
    project = import_code(code).project
    assert [n.class_name for n in project.main.nodes if n.kind == "layer"] == ["Dense"]
    copied = code.replace("DOC.format", "keras.applications.vgg16.decode_predictions.__doc__.format")
    assert import_code(copied).project == project
    for line, attribute in (("build().__doc__ = 1", "__doc__"), ("build.__dict__ = 1", "__dict__"),
                            ("build.__class__.__doc__ = 1", "__doc__")):
        with pytest.raises(CodeRefused, match=f"^line 8: the attribute {attribute} is not model-building code$"):
            import_code(code.replace("build.__doc__ = DOC.format(mode='caffe')", line))


def test_setattr_of_a_functions_doc_is_read_past_and_doc_is_pythons():
    """keras.applications.densenet: `if DenseNet121.__doc__ is not None: setattr(DenseNet121, "__doc__", ...)`."""
    code = ('import keras\nfrom keras import layers\n\ndef build(units=2):\n    """Builds."""\n'
            '    x = keras.Input((4,))\n    return keras.Model(x, layers.Dense(units)(x))\n\n'
            'units = 3 if build.__doc__ == "Builds." else 5\n'
            'if build.__doc__ is not None:\n    setattr(build, "__doc__", build.__doc__ + "More.")\n'
            'model = build(units)\n')
    project = import_code(code).project
    assert [n.config for n in project.main.nodes if n.kind == "layer"] == [{"units": 3}]
    for line in ('setattr(build, "__name__", "x")', 'setattr(build, "__doc__", "x", 1)', 'setattr(keras, "__doc__")'):
        with pytest.raises(CodeRefused, match="^line 11: setattr\\(\\) is not model-building code$"):
            import_code(code.replace('setattr(build, "__doc__", build.__doc__ + "More.")', line))


def test_a_name_scope_is_read_as_its_body_and_a_tensor_is_never_none():
    """keras.applications' NASNet: `with backend.name_scope(...):` and `if p is None:` of a tensor."""
    code = ("import keras\nfrom keras import layers\nfrom keras.src import backend\n"
            "def cell(x, p=None):\n    with backend.name_scope('adjust_block'):\n"
            "        if p is None:\n            p = x\n        y = layers.Dense(3, name='inside')(p)\n"
            "    return y if x is not None else None\n"
            "x = keras.Input((4,))\nmodel = keras.Model(x, cell(x))\n")
    result = import_code(code)
    assert [n.name for n in result.project.main.nodes] == ["input_layer", "inside"]
    assert any("name_scope(...) read as its body" in note for note in result.notes)
    for changed, message in (("with backend.name_scope('adjust_block') as s:", "a with statement"),
                             ("with open('f'):", r"open\(\) is not model-building code")):
        with pytest.raises(CodeRefused, match=message):
            import_code(code.replace("with backend.name_scope('adjust_block'):", changed))


def test_star_args_keyword_only_and_double_star_kwargs_bind_as_python_binds_them():
    """keras-yolo3's DarknetConv2D(*args, **kwargs) and compose(*funcs) with reduce and lambdas."""
    code = ("from functools import reduce\nimport keras\nfrom keras import layers\n"
            "def compose(*funcs):\n    return reduce(lambda f, g: lambda *a, **kw: g(f(*a, **kw)), funcs)\n"
            "def conv(*args, name_prefix='c', bias=False, **kwargs):\n"
            "    options = {'use_bias': bias}\n    options.update(kwargs)\n    options.setdefault('padding', 'same')\n"
            "    return layers.Conv2D(*args, name=name_prefix + str(len(args)), **options)\n"
            "def block(x, *, filters, extra=2):\n"
            "    return compose(conv(filters, 3), conv(filters, 1, name_prefix='d', strides=extra))(x)\n"
            "inputs = keras.Input((8, 8, 3))\nmodel = keras.Model(inputs, block(inputs, filters=4))\n")
    nodes = import_code(code).project.main.nodes
    assert [(n.name, n.config) for n in nodes if n.kind == "layer"] == [
        ("c2", {"filters": 4, "kernel_size": 3, "use_bias": False, "padding": "same"}),
        ("d2", {"filters": 4, "kernel_size": 1, "use_bias": False, "strides": 2, "padding": "same"})]
    for call, message in (("block(inputs, 4)", "block() takes 1 arguments, 2 given"),
                          ("block(inputs)", "block() is missing 'filters'"),
                          ("block(inputs, filters=4, x=inputs)", "block() got multiple values for argument 'x'"),
                          ("block(inputs, filters=4, other=1)", "block() has no argument 'other'")):
        with pytest.raises(CodeRefused, match=f"line 14: {re.escape(message)}"):
            import_code(code.replace("block(inputs, filters=4)", call))
