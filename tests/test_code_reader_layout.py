"""The code reader by job (issue 23): no module over 500 lines, typed values instead of tuple tags, a typed memo."""

from __future__ import annotations

from pathlib import Path

import editor.code
from editor.code.code_values import BoundMethod, DtypeOf, ModelValue, Optimizer, Sym
from editor.code.reader import Memo, Reader

SOURCE = """import keras
from keras import layers
x = keras.Input(shape=(8,))
model = keras.Model(x, layers.Dense(1)(x))
opt = keras.optimizers.Adam(1e-3)
compile_it = model.compile
kind = x.dtype
names = []
add_name = names.append
"""


def test_no_module_of_the_code_reader_is_over_500_lines():
    folder = Path(editor.code.__file__).parent
    lengths = {str(p.relative_to(folder)): len(p.read_text(encoding="utf-8").splitlines())
               for p in sorted(folder.rglob("*.py"))}
    assert {"reader/core.py", "reader/statements.py", "reader/expressions.py", "reader/budget.py",
            "reader/records.py", "code_calls.py"} <= set(lengths)
    assert "code_reader.py" not in lengths
    assert {name: n for name, n in lengths.items() if n > 500} == {}


def test_methods_dtypes_and_optimizers_are_typed_values():
    reader = Reader(SOURCE).read()
    found = reader.globals.vars
    assert found["opt"] == Optimizer("adam", {"learning_rate": 0.001})
    assert isinstance(found["compile_it"], BoundMethod) and found["compile_it"].name == "compile"
    assert isinstance(found["compile_it"].owner, ModelValue)
    assert isinstance(found["kind"], DtypeOf) and isinstance(found["kind"].tensor, Sym)
    assert found["add_name"] == BoundMethod([], "append")
    assert reader.skipped == []


def test_the_memo_is_typed_and_keeps_what_a_loop_left_out_once():
    reader = Reader("import keras\nfor i in range(3):\n    a = 1\n    b = i.shape\n").read()
    assert isinstance(reader.memo, Memo)
    assert [str(s) for s in reader.skipped] == ["line 4: the attribute .shape of a int is not model-building code"]
    assert reader.memo.skips == {(4, "the attribute .shape of a int is not model-building code")}
    assert list(reader.memo.assigned.values()) == [["b"]]
