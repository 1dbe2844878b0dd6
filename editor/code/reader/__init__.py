"""Model-building Python code, read without running it: an abstract interpreter over `ast`.

Nothing in the file is imported, exec'd or eval'd. The reader knows the subset
model-building code uses (imports of keras / tensorflow.keras, constants, assignments
and unpacking, `for` over ranges and lists, `if` on constants, comprehensions, `def`
helpers, layer construction and calls, keras.Input / Model / Sequential, keras.ops and
backend functions, compile, add_loss, Lambda of an expressible body) and computes with
the values of editor.code.code_values. Everything costs steps from a fixed budget.

Two kinds of "no": `Refused` ends the whole reading (dunders, exec/open/getattr, imports
of os, socket and other system modules, file and network calls, a spent step budget,
recursion, oversized constants); `Skip` gives up on one top-level statement (numpy data,
model.fit, a while loop, an import of matplotlib...), which is listed with its line and
reason while the rest is read. The file runs as a script would (`__name__` is
"__main__"), but nothing of it is ever executed by Python.

By job: core (the Reader, its memo, the file's own text), statements, expressions,
budget (the step budget, size checks, the screen of hostile constructs), records (layer,
model and op calls: the future nodes), python_values / python_modules / python_types (ordinary
Python computed by the reader: sets, isinstance, copy, functools, math, itertools,
collections, operator), python_statements (decorators that change nothing, a `raise` or a
failing `assert` that runs), eval_names (`eval` of a plain name, read as a look-up of it);
editor.code.code_calls says what Keras calls mean, editor.code.package_modules reads the modules
of the file's own package.
"""

from editor.code.code_values import Refused, Skip
from editor.code.reader.budget import (MAX_BYTES, MAX_CALL_DEPTH, MAX_ITEMS, MAX_LINES, MAX_NESTING, MAX_STEPS,
                                       MAX_TEXT, MAX_TOKENS)
from editor.code.reader.core import Memo, Reader
from editor.code.reader.records import Taken
from editor.code.reader.statements import Scope

__all__ = ["MAX_BYTES", "MAX_CALL_DEPTH", "MAX_ITEMS", "MAX_LINES", "MAX_NESTING", "MAX_STEPS", "MAX_TEXT",
           "MAX_TOKENS", "Memo", "Reader", "Refused", "Scope", "Skip", "Taken"]
