"""Reading the modules of the imported file's own package (editor.code.package_modules), and
`eval` of a plain name (editor.code.reader.eval_names): a small package written in tmp_path,
imported with its Package as the command line finds it from the file's path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from editor.code import package_modules
from editor.code.code_import import CodeRefused, import_code
from editor.code.package_modules import Package, package_of
from tests.test_cli import assert_one_line_failure, run

BLOCKS = '''from keras import layers


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", name=f"conv_{filters}")(x)
    return layers.BatchNormalization()(x)
'''
HEADS = '''import keras

from .activations import *


def head(x, classes):
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.layers.Dense(classes, activation="softmax")(x)
'''
ACTIVATIONS = '''from keras.layers import Layer, ReLU, ELU

DEFAULT = "ReLU"
_PRIVATE = "ELU"


class Swish(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def call(self, x):
        return x
'''
NET = '''import keras

from ..blocks import conv_block
from pkg.heads import head
from pkg.activations import *

inputs = keras.Input((32, 32, 3))
x = conv_block(inputs, 8)
x = eval(DEFAULT)()(x)
model = keras.Model(inputs, head(x, 10), name="net")
'''


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def package(tmp_path) -> Path:
    """pkg/ (blocks, heads, activations) with pkg/models/net.py, the file imported."""
    write(tmp_path, {"pkg/__init__.py": "", "pkg/blocks.py": BLOCKS, "pkg/heads.py": HEADS,
                     "pkg/activations.py": ACTIVATIONS, "pkg/models/__init__.py": "", "pkg/models/net.py": NET})
    return tmp_path


def imported(root: Path, source: str, module: str = "pkg.models.net", **kwargs):
    return import_code(source, filename=module.rpartition(".")[2] + ".py", package=Package(module, root), **kwargs)


def refusal(root: Path, source: str, module: str = "pkg.models.net", **kwargs) -> str:
    with pytest.raises(CodeRefused) as caught:
        imported(root, source, module, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message, message
    return message


def kinds(result) -> list[str]:
    return [node.class_name or node.kind for node in result.project.main.nodes]


def test_the_package_of_a_file_is_found_walking_up_its_folders(package):
    assert package_of(package / "pkg" / "models" / "net.py") == Package("pkg.models.net", package.resolve())
    assert package_of(package / "pkg" / "__init__.py") == Package("pkg", package.resolve(), init=True)
    (package / "loose.py").write_text("x = 1\n")
    assert package_of(package / "loose.py") is None


def test_relative_absolute_and_star_imports_read_the_modules_of_the_package(package):
    result = imported(package, NET)
    assert kinds(result) == ["input", "Conv2D", "BatchNormalization", "ReLU", "GlobalAveragePooling2D", "Dense"]
    assert result.project.main.nodes[1].name == "conv_8"
    assert result.skipped == ("line 7 of pkg/activations.py: class Swish: a class is Python code the editor does "
                              "not run",)


def test_a_star_import_binds_the_public_names_only(package):
    source = NET.replace("eval(DEFAULT)", "eval('_PRIVATE')")
    assert refusal(package, source) == "line 9: eval() is not model-building code ('_PRIVATE' is not a name the code defines)"


def test_a_class_of_a_module_is_refused_where_it_is_used(package):
    source = NET.replace("eval(DEFAULT)()", "Swish()")
    assert refusal(package, source) == ("line 7 of pkg/activations.py: class Swish: a class is Python code the editor "
                                        "does not run: this line was left out, and the model that Swish() builds needs it")


def test_each_module_is_read_once(package, monkeypatch):
    read = []
    parse = package_modules.Modules._parsed
    monkeypatch.setattr(package_modules.Modules, "_parsed", lambda self, r, d, f: read.append(f.module) or parse(self, r, d, f))
    imported(package, NET + "from pkg import heads\nfrom pkg.heads import head as again\n")
    assert read == ["pkg.blocks", "pkg.heads", "pkg.activations"]


def sized(module: str) -> str:
    """A model whose width is `size` from `module`."""
    return (f"import keras\nfrom {module} import size\ninputs = keras.Input((3,))\n"
            "model = keras.Model(inputs, keras.layers.Dense(size)(inputs))\n")


NEEDED = ": this line was left out, and the model 'model' needs it"


def test_a_module_that_fails_the_screen_is_not_read_and_a_model_that_needs_it_is_refused(package):
    write(package, {"pkg/bad.py": "import keras\nsize = 4\n\ndef helper():\n    return open('/etc/passwd')\n"})
    assert refusal(package, sized("pkg.bad")) == ("line 2: module pkg.bad is not read: line 5 of pkg/bad.py: "
                                                  "open() is not model-building code" + NEEDED)
    unneeded = sized("pkg.bad").replace("Dense(size)", "Dense(2)")
    result = imported(package, unneeded)  # not needed: left out, as any statement the model does not need
    assert result.skipped == ("line 2: module pkg.bad is not read: line 5 of pkg/bad.py: open() is not model-building code",)
    assert refusal(package, unneeded, strict=True) == result.skipped[0]


def test_a_module_outside_the_package_is_never_read(package):
    (package / "outside.py").write_text("import keras\nsize = 4\n")
    os.symlink(package / "outside.py", package / "pkg" / "linked.py")
    assert refusal(package, sized("pkg.linked")) == \
        "line 2: module pkg.linked is outside pkg/ (a link out of the package): not read" + NEEDED
    assert refusal(package, sized("...")) == "line 2: a relative import above the top-level package pkg" + NEEDED


def test_a_missing_module_or_name_is_refused_where_it_is_needed(package):
    assert refusal(package, sized("pkg.nothing")) == \
        "line 2: no module pkg.nothing in pkg/: the file's package has no such .py file" + NEEDED
    assert refusal(package, sized("pkg.blocks")) == "line 2: cannot import name 'size' from pkg.blocks" + NEEDED


def test_modules_that_import_each_other_are_not_read_as_a_cycle(package):
    write(package, {"pkg/a.py": "from pkg.b import two\nsize = 1\n", "pkg/b.py": "from pkg.a import size\ntwo = 2\n"})
    result = imported(package, sized("pkg.a"))  # (Python reads the cycle, as the reader does not, and finds size)
    assert result.skipped == ("line 1 of pkg/b.py: the modules import each other (pkg.a -> pkg.b -> pkg.a): "
                              "a cycle is not read",)
    assert result.project.main.nodes[1].config["units"] == 1
    write(package, {"pkg/c.py": "from pkg.models.net import model\nsize = 3\n"})
    assert imported(package, sized("pkg.c")).skipped == (
        "line 1 of pkg/c.py: the modules import each other (pkg.models.net): a cycle is not read",)


def test_the_modules_read_are_limited_in_number_and_bytes(package, monkeypatch):
    monkeypatch.setattr(package_modules, "MAX_MODULES", 2)
    assert refusal(package, NET) == ("line 4: in module pkg.heads, line 3 of pkg/heads.py: module pkg.activations: "
                                     "more than 2 modules of the package to read")
    monkeypatch.setattr(package_modules, "MAX_MODULES", 24)
    monkeypatch.setattr(package_modules, "MAX_MODULE_BYTES", 300)
    assert refusal(package, NET).startswith("line 4: module pkg.heads: the package's modules are over 300 bytes")


def test_a_module_runs_with_its_own_name(package):
    write(package, {"pkg/scripted.py": "width = 4\nif __name__ == '__main__':\n    width = 99\n"})
    source = "import keras\nfrom pkg.scripted import width\ninputs = keras.Input((3,))\n" \
             "model = keras.Model(inputs, keras.layers.Dense(width)(inputs))\n"
    assert imported(package, source).project.main.nodes[1].config["units"] == 4


def test_without_a_package_a_relative_import_says_how_to_have_it_read(package):
    with pytest.raises(CodeRefused) as caught:
        import_code(NET.replace("eval(DEFAULT)", "keras.layers.ReLU"))
    assert str(caught.value) == (
        "line 3: " + package_modules.RELATIVE_HINT + ": this line was left out, and the model that conv_block() builds needs it")
    assert "python -m editor import FILE.py" in package_modules.RELATIVE_HINT


def test_strict_reads_the_package_and_refuses_other_imports(package):
    write(package, {"pkg/clean.py": "from keras import layers\n\ndef block(x):\n    return layers.Dense(4)(x)\n",
                    "pkg/plotting.py": "import matplotlib\n"})
    source = "import keras\nfrom pkg.clean import block\ninputs = keras.Input((3,))\n" \
             "model = keras.Model(inputs, block(inputs))\n"
    assert kinds(imported(package, source, strict=True)) == ["input", "Dense"]
    assert "import matplotlib" in refusal(package, "from pkg import plotting\n" + source, strict=True)


def test_a_keras_file_reads_its_own_folder_only_and_keeps_imagenet_utils_keras(tmp_path):
    """keras/src/applications/resnet_v2.py reads resnet.py; imagenet_utils stays the API the reader knows."""
    folder = tmp_path / "keras" / "src" / "applications"
    write(folder, {"__init__.py": "", "imagenet_utils.py": "open('x')\n",
                   "base.py": "from keras.src import layers\n\ndef top(x):\n    return layers.Dense(2)(x)\n"})
    for parent in (tmp_path / "keras", tmp_path / "keras" / "src"):
        (parent / "__init__.py").write_text("open('never read')\n")
    source = ("import keras\nfrom keras.src.applications import imagenet_utils\nfrom keras.src.applications import base\n"
              "inputs = keras.Input((3,))\nmodel = keras.Model(inputs, base.top(inputs))\n")
    result = imported(tmp_path, source, module="keras.src.applications.small")
    assert kinds(result) == ["input", "Dense"]


def test_the_command_line_reads_the_package_of_the_file_it_is_given(package, tmp_path):
    output = tmp_path / "net.json"
    result = run("import", str(package / "pkg" / "models" / "net.py"), "-o", str(output))
    assert result.returncode == 0, result.stderr
    saved = json.loads(output.read_text())
    assert [n.get("class_name", n["kind"]) for n in saved["graphs"][0]["nodes"]] == [
        "input", "Conv2D", "BatchNormalization", "ReLU", "GlobalAveragePooling2D", "Dense"]
    loose = tmp_path / "loose.py"
    loose.write_text(NET.replace("eval(DEFAULT)", "keras.layers.ReLU"))
    assert_one_line_failure(run("import", str(loose), "-o", str(tmp_path / "x.json")), "python -m editor import FILE.py")


# ----------------------------------------------------------------------------- eval

EVAL_HEAD = "import keras\nfrom keras.layers import ReLU, Dense\ninputs = keras.Input((3,))\n"


def test_eval_of_a_computed_plain_name_is_that_names_value():
    source = EVAL_HEAD + "name = 'Re' + 'LU'\nmodel = keras.Model(inputs, eval(name)()(Dense(2)(inputs)))\n"
    assert [n.class_name or n.kind for n in import_code(source).project.main.nodes] == ["input", "Dense", "ReLU"]


@pytest.mark.parametrize("argument, why", [
    ("text", "of 'Dense(2)', which is not a plain name"),
    ("dunder", "of '__builtins__', which is not a plain name"),
    ("'Conv2D'", "'Conv2D' is not a name the code defines"),
    ("inputs", "of a tensor: only of a name"),
    ("missing", "of a value the reader does not know: 'missing' is not defined"),
    ("left_out", "'left_out' is the value of line 4, which was left out"),
])
def test_eval_of_anything_but_a_defined_plain_name_refuses_in_one_line(argument, why):
    source = EVAL_HEAD + "left_out = settings.name\ntext = 'Dense(2)'\ndunder = '__builtins__'\n" \
                         f"layer = eval({argument})\nmodel = keras.Model(inputs, Dense(2)(inputs))\n"
    source = source.replace("eval(left_out)", "eval('left_out')")
    with pytest.raises(CodeRefused) as caught:
        import_code(source)
    assert str(caught.value) == f"line 7: eval() is not model-building code ({why})"


@pytest.mark.parametrize("argument", ["'Dense(2)'", "'__builtins__'", "'None'", "'Dense', {}", "*names"])
def test_the_screen_refuses_an_eval_that_can_be_no_name_lookup_even_where_it_never_runs(argument):
    never = EVAL_HEAD + "def never():\n    return eval({})\nmodel = keras.Model(inputs, Dense(2)(inputs))\n"
    with pytest.raises(CodeRefused) as caught:
        import_code(never.format(argument))
    assert str(caught.value) == "line 5: eval() is not model-building code"
    assert [n.kind for n in import_code(never.format("'Dense'")).project.main.nodes] == ["input", "layer"]


def test_import_of_a_package_module_binds_it_as_python_does(package):
    plain = ("import keras\nimport pkg.blocks\nimport pkg.blocks as blocks\ninputs = keras.Input((8, 8, 3))\n"
             "x = pkg.blocks.conv_block(inputs, 4)\nmodel = keras.Model(inputs, blocks.conv_block(x, 2))\n")
    assert kinds(imported(package, plain)) == ["input", "Conv2D", "BatchNormalization", "Conv2D", "BatchNormalization"]
    assert refusal(package, plain.replace("pkg.blocks.conv_block", "pkg.blocks.nothing")) == \
        "line 5: module pkg.blocks has no attribute 'nothing'" + NEEDED


def test_a_package_version_module_is_read_and_other_dunders_still_refuse(package):
    """`from .__version__ import __version__` (image-classifiers' __init__) names a module and
    a text of the package, no way into Python's machinery: read. Every other dunder refuses."""
    write(package, {"pkg/__version__.py": "VERSION = (1, 0, 0)\n__version__ = '.'.join(map(str, VERSION))\n",
                    "pkg/__init__.py": "from .__version__ import __version__\n\n\ndef width():\n    return 8\n"})
    source = NET.replace("x = conv_block(inputs, 8)", "from .. import width\nx = conv_block(inputs, width())")
    assert kinds(imported(package, source))[:3] == ["input", "Conv2D", "BatchNormalization"]
    write(package, {"pkg/__init__.py": "from .__version__ import __class__\n\n\ndef width():\n    return 8\n"})
    assert "import __class__ is not model-building code" in refusal(package, source)
