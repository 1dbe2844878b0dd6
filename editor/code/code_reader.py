"""Model-building Python code, read without running it: an abstract interpreter over `ast`.

Nothing in the file is imported, exec'd or eval'd. The walker below knows the subset
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
"""

from __future__ import annotations

import ast
import itertools
import json
import math
import operator
import re
import string
from typing import Any, Optional

from editor.code import code_calls
from editor.model import expr
from editor.code.code_calls import MERGE_FUNCTIONS, OPTIMIZER_CLASSES
from editor.code.code_values import (MAX_NUMBER, Function, Layer, LayerHandle, ModelValue, Namespace, Record, Refused, Skip, Sym,
                                Unknown, checked, named_expression)
from editor.model.expr import BinOp, Call, Name, Neg, Num, Slice, Subscript
from editor.model.graph import ARG_CALL_CLASSES, LIST_CALL_CLASSES, LIST_KEYWORDS, TENSOR_KEYWORDS

# A file's size, checked before it is parsed: parsing makes a syntax node of about each
# token (60,000 lines of `x = 1` took 2 to 8 s and 200 MB to parse and walk before the step
# budget refused them; 1 MB of dense lists, 500 MB). A 500-line model file has 7,000 tokens
# and takes 6,500 steps: the step budget reads about 4,000 such lines.
MAX_BYTES = 1_000_000  # UTF-8, as the page and the command line count a file
MAX_LINES = 10_000
MAX_TOKENS = 200_000  # names, numbers and symbols, counted as _TOKEN finds them
MAX_STEPS = 50_000  # nodes evaluated, items walked (the 500-line benchmark model: 6,500; documents: < 1,000)
MAX_CALL_DEPTH = 16  # nested calls of the file's own functions
# Syntax nested deeper than this is refused before reading: the reader recurses, and the
# process's recursion limit is not ours to rely on (editor.building.build raises it for Keras).
MAX_NESTING = 200
MAX_TEXT = 10_000  # characters in one string
MAX_ITEMS = 10_000  # items in one list, tuple, dict or range walked

FORBIDDEN = frozenset({
    "exec", "eval", "compile", "open", "getattr", "setattr", "delattr", "hasattr", "__import__", "globals",
    "locals", "vars", "input", "breakpoint", "exit", "quit", "help", "memoryview", "type", "object", "super",
    "classmethod", "staticmethod", "property", "dir", "id", "callable", "issubclass", "bytearray", "bytes"})
# Forbidden builtins public code also names its variables (keras.io's siamese example:
# `input = layers.Input(...)`): in a file that binds one, the name is that variable.
SHADOWABLE = frozenset({"input", "type", "id"})
MODULES = frozenset({"keras", "tensorflow", "numpy", "math", "typing", "__future__"})
# Modules that reach the system, files, processes or the network: an import refuses the
# file. (Other modules, e.g. matplotlib, are left out with a note: nothing runs either way.)
SYSTEM_MODULES = frozenset({
    "os", "sys", "subprocess", "socket", "shutil", "pickle", "cPickle", "marshal", "shelve", "dill", "joblib", "ctypes",
    "cffi", "importlib", "imp", "builtins", "__builtin__", "io", "pathlib", "urllib", "urllib2", "urllib3", "requests",
    "http", "httplib", "ftplib", "telnetlib", "smtplib", "poplib", "imaplib", "xmlrpc", "socketserver", "ssl", "select",
    "selectors", "asyncio", "multiprocessing", "threading", "_thread", "concurrent", "signal", "code", "codeop", "pty",
    "tty", "termios", "fcntl", "resource", "tempfile", "glob", "fnmatch", "zipfile", "tarfile", "gzip", "bz2", "lzma",
    "zipimport", "sqlite3", "dbm", "webbrowser", "inspect", "gc", "runpy", "types", "posix", "nt", "pwd", "grp", "mmap",
    "platform", "getpass", "atexit", "faulthandler", "trace", "pdb", "bdb", "sysconfig", "site", "distutils",
    "setuptools", "pip", "pkgutil", "ensurepip", "venv", "uuid", "hashlib", "hmac", "secrets", "logging", "warnings",
    "cloudpickle", "paramiko", "boto3", "google", "h5py"})
# Names documents use without importing them, read as what they always mean there.
SNIPPET_NAMES = {"keras": "keras", "tf": "tensorflow", "K": "keras.backend", "layers": "keras.layers", "np": "numpy",
                 "Input": "keras.Input", "Model": "keras.Model", "Sequential": "keras.Sequential"}
BUILTINS = ("range", "len", "list", "tuple", "dict", "zip", "enumerate", "min", "max", "abs", "int", "float", "str",
            "round", "sum", "reversed", "sorted", "bool", "isinstance")


class _Return(Exception):
    def __init__(self, value):
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Scope:
    def __init__(self, parent: Optional["Scope"] = None):
        self.vars: dict[str, Any] = {}
        self.parent = parent

    def find(self, name: str):
        scope = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        raise KeyError(name)


class Taken:
    """Names in use (counted: two inputs may share one), and the first free one of a base as
    names.unique gives it. Naming the n-th layer looks at a few names, not at a set of all
    n and every base_1, base_2... before it (thousands of layers took seconds)."""

    def __init__(self, *also: "Taken"):
        self.counts: dict[str, int] = {}
        self.also = also  # names taken there are taken here too
        self.freed: dict[str, int] = {}  # base -> names of it given back (a hint noted before is stale)
        self.hints: dict[str, tuple[int, int]] = {}  # base -> (freed then, k: base, base_1.. base_{k-1} taken)

    def __contains__(self, name: str) -> bool:
        return name in self.counts or any(name in t for t in self.also)

    def _freed(self, base: str) -> int:
        return self.freed.get(base, 0) + sum(t._freed(base) for t in self.also)

    def add(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def discard(self, name: str) -> None:
        if self.counts.get(name, 0) > 1:
            self.counts[name] -= 1
        else:
            self.counts.pop(name, None)
        head, _, tail = name.rpartition("_")
        for base in (name, head) if tail.isdigit() else (name,):  # the bases `name` is a candidate of
            self.freed[base] = self.freed.get(base, 0) + 1

    def unique(self, base: str) -> str:
        freed = self._freed(base)
        noted, k = self.hints.get(base, (freed, 0))
        k = k if noted == freed else 0
        candidate = base if k == 0 else f"{base}_{k}"
        while candidate in self:
            k += 1
            candidate = f"{base}_{k}"
        self.hints[base] = (freed, k)
        return candidate


class Reader:
    """Reads one file; `records`, `models`, `skipped` and `notes` are what it found."""

    def __init__(self, source: str, filename: str = "<code>"):
        self.source, self.filename = source, filename
        self.steps = 0
        self.parsed = 0  # syntax nodes of the file (0 until it is parsed)
        self.depth = 0
        self.records: list[Record] = []
        self.models: list[tuple[str, ModelValue]] = []  # (variable, model) as assigned
        self.all_models: list[ModelValue] = []
        self.skipped: list[Skip] = []
        self.notes: list[str] = []
        self.star: list[str] = []  # `from keras.layers import *`
        self.names_used: set[str] = set()
        self.record_names = Taken()  # the records' names
        self.layer_names = Taken(self.record_names)  # and those of layers made (taken when the layer is made)
        self.globals = Scope()
        self.memo: dict = {}  # what is worked out once per syntax node or line, however often it is run

    # --- entry

    def read(self) -> "Reader":
        _check_size(self.source)
        try:
            tree = ast.parse(self.source, filename=self.filename)
        except SyntaxError as err:
            where = f"line {err.lineno}: " if err.lineno else ""
            raise Refused(f"{where}not Python: {(err.msg or 'invalid syntax').splitlines()[0]}") from None
        except (RecursionError, MemoryError, ValueError):
            raise Refused("the code is nested too deeply to read") from None
        self._screen(tree)
        try:
            self.block(tree.body, self.globals)
        except (_Break, _Continue, _Return):
            raise Refused("return, break or continue outside a function or loop") from None
        return self

    def block(self, statements: list, scope: Scope) -> None:
        """Each statement in turn; one the editor cannot express is left out (listed once,
        with its line and reason), and the names it would have set are unknown from then on."""
        for statement in statements:
            try:
                self.statement(statement, scope)
            except Skip as skip:
                if ("skip", skip.line, skip.reason) not in self.memo:
                    self.memo["skip", skip.line, skip.reason] = True
                    self.skipped.append(skip)
                if id(statement) not in self.memo:  # a statement left out in a loop is walked once
                    self.memo[id(statement)] = _assigned_names(statement)
                for name in self.memo[id(statement)]:
                    scope.vars[name] = Unknown(skip.line, skip.reason)
            except RecursionError:
                raise Refused(f"line {statement.lineno}: nested too deeply to read") from None

    def _screen(self, tree: ast.AST) -> None:
        """What is refused wherever it is, even in code never reached: dunders, exec & co.
        (The one class skipped is a verbatim copy of the editor's own exported AddLoss
        layer: it is never run either, the reader knows what it does.)"""
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
        forbidden = FORBIDDEN - (SHADOWABLE & bound)
        stack = [(tree, 0)]
        while stack:
            node, depth = stack.pop()
            self.parsed += 1
            if isinstance(node, ast.ClassDef) and self.is_add_loss(node):
                continue
            where = getattr(node, "lineno", 0)
            if depth > MAX_NESTING:
                raise Refused(f"line {where}: nested too deeply to read (more than {MAX_NESTING} levels)")
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
            if isinstance(node, ast.Name) and node.id != "__name__" and (node.id.startswith("__") or node.id in forbidden):
                called = "()" if node.id in forbidden or node.id == "__import__" else ""
                raise Refused(f"line {where}: {node.id}{called} is not model-building code")
            if isinstance(node, ast.Attribute) and node.attr.startswith("__"):
                raise Refused(f"line {where}: the attribute {node.attr} is not model-building code")
            if isinstance(node, ast.alias) and (node.name.startswith("__") and node.name != "__future__"):
                raise Refused(f"line {where}: import {node.name} is not model-building code")
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and len(node.value) > MAX_TEXT:
                raise Refused(f"line {where}: a string of {len(node.value):,} characters (limit {MAX_TEXT:,})")

    # --- budget

    def step(self, node: ast.AST) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            self.charge(0, getattr(node, "lineno", 0))

    def charge(self, count: int, line: int) -> None:
        """`count` steps at once: work that grows with a value (copying, comparing or sorting
        a list, searching many nodes) costs what it does, so that a loop of cheap-looking
        statements on big lists still ends within the budget."""
        self.steps += count
        if self.steps > MAX_STEPS:
            self.steps = MAX_STEPS + 1  # the work charged is not done: the count says "budget spent"
            raise Refused(f"line {line}: the code does too much to read "
                          f"(more than {MAX_STEPS:,} steps): not model-building code")

    def charge_size(self, value: Any, line: int) -> None:
        """Steps for walking `value` whole, as comparing, hashing or printing it would."""
        self.charge(_size(value, MAX_STEPS - self.steps + 1), line)

    # --- statements

    def statement(self, node: ast.stmt, scope: Scope) -> None:
        self.step(node)
        line = node.lineno
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, scope)
        elif isinstance(node, ast.Assign):
            value = self.value(node.value, scope)
            for target in node.targets:
                self.assign(target, value, scope, line)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.value(node.value, scope), scope, line)
        elif isinstance(node, ast.AugAssign):
            if not isinstance(node.target, ast.Name):
                raise Skip(line, "augmented assignment to something other than a name")
            current = self.name(node.target.id, scope, line)
            self.assign(node.target, self.binary(node.op, current, self.value(node.value, scope), line), scope, line)
        elif isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Constant):
                return  # a docstring
            self.value(node.value, scope)
        elif isinstance(node, ast.FunctionDef):
            if node.decorator_list:
                raise Skip(line, f"decorated function {node.name}()")
            args = node.args
            if args.vararg or args.kwarg or args.posonlyargs or args.kwonlyargs:
                raise Skip(line, f"function {node.name}() with *args, **kwargs or keyword-only arguments")
            defaults = {a.arg: self.value(d, scope) for a, d in zip(args.args[len(args.args) - len(args.defaults):], args.defaults)}
            scope.vars[node.name] = Function(node, scope, defaults, node.name)
        elif isinstance(node, ast.Return):
            raise _Return(self.value(node.value, scope) if node.value is not None else None)
        elif isinstance(node, ast.For):
            if node.orelse:
                raise Skip(line, "for ... else")
            for item in self.iterate(self.value(node.iter, scope), line):
                self.assign(node.target, item, scope, line)
                try:
                    self.block(node.body, scope)
                except _Break:
                    break
                except _Continue:
                    continue
        elif isinstance(node, ast.If):
            condition = self.value(node.test, scope)
            self.block(node.body if self.truth(condition, line) else node.orelse, scope)
        elif isinstance(node, ast.Pass):
            return
        elif isinstance(node, ast.Break):
            raise _Break()
        elif isinstance(node, ast.Continue):
            raise _Continue()
        elif isinstance(node, ast.ClassDef):
            if self.is_add_loss(node):
                scope.vars["AddLoss"] = Namespace("kgs.AddLoss")  # the loss layer of the editor's own exported code
                return
            raise Skip(line, f"class {node.name} (a custom layer or model) is Python code the editor does not run")
        elif isinstance(node, ast.Assert):
            return
        elif isinstance(node, ast.While):
            raise Skip(line, "while loops are not model-building code")
        else:
            raise Skip(line, f"{_STATEMENTS.get(type(node), type(node).__name__.lower())} is not model-building code")

    def _import(self, node, scope: Scope) -> None:
        if isinstance(node, ast.ImportFrom) and node.level:
            raise Skip(node.lineno, "a relative import is not model-building code")
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        outside = next((m for m in modules if m.split(".")[0] not in MODULES), None)
        if outside is not None:
            system = outside.split(".")[0] in SYSTEM_MODULES
            raise Skip(node.lineno, f"import {outside} {'reaches the system: it' if system else ''} is not model-building code"
                       .replace("  ", " "))
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.vars[alias.asname] = Namespace(_canonical(alias.name))
                else:
                    top = alias.name.split(".")[0]
                    scope.vars[top] = Namespace(_canonical(top))
            return
        module = _canonical(node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.star.append(module)
                continue
            scope.vars[alias.asname or alias.name] = Namespace(_canonical(f"{module}.{alias.name}"))

    def assign(self, target: ast.AST, value: Any, scope: Scope, line: int) -> None:
        if isinstance(target, ast.Name):
            wanted = self.node_comment(line) or target.id
            if isinstance(value, Sym) and value.made is None and value.hint is None:
                value.hint = wanted
            elif isinstance(value, Sym) and value.made is not None and value.made[0].kind in ("layer", "model") \
                    and value.made[0].named_by_call and value.made[0].line == line:
                record = value.made[0]  # a shared layer's or nested model's call takes its variable's name
                self.record_names.discard(record.name)
                record.name = self.record_names.unique(wanted)
                self.record_names.add(record.name)
                record.named_by_call = False
            if isinstance(value, ModelValue):
                self.models.append((target.id, value))
            scope.vars[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self.unpack(value, len(target.elts), line)
            for sub, item in zip(target.elts, items):
                self.assign(sub, item, scope, line)
        elif isinstance(target, ast.Subscript):  # inputs[name] = keras.Input(...): an item of a dict or list
            container, key = self.value(target.value, scope), self.value(target.slice, scope)
            if isinstance(container, dict):
                container[self.hashable(key, line)] = value
                self.size(container, line)
            elif isinstance(container, list) and isinstance(key, int) and not isinstance(key, bool):
                if not -len(container) <= key < len(container):
                    raise Skip(line, f"index {key} is out of range")
                container[key] = value
            else:
                raise Skip(line, f"assignment to an item of a {_kind(container)}")
        elif isinstance(target, ast.Starred):
            raise Skip(line, "starred assignment")
        else:
            raise Skip(line, f"assignment to {type(target).__name__.lower()}: only names and tuples of names")

    def is_add_loss(self, node: ast.ClassDef) -> bool:
        """The editor's exported AddLoss class, verbatim: compared with the file's lines split
        once (ast.get_source_segment splits the whole file in Python for each class)."""
        from editor.code.codegen import ADD_LOSS_CLASS

        if node.name != "AddLoss" or node.col_offset or node.end_lineno - node.lineno != ADD_LOSS_CLASS.count("\n"):
            return False
        text = self.source_lines()[node.lineno - 1:node.end_lineno]
        text[-1] = text[-1].encode()[:node.end_col_offset].decode("utf-8", "replace")
        return "\n".join(text) == ADD_LOSS_CLASS.rstrip("\n")

    def is_named_op(self, node: ast.AST) -> bool:
        """The `named_op` helper of exported code, as codegen writes it."""
        from editor.code.codegen import NAMED_OP

        if "named_op" not in self.memo:
            self.memo["named_op"] = ast.dump(ast.parse(NAMED_OP).body[0])
        return ast.dump(node) == self.memo["named_op"]

    def node_comment(self, line: int) -> Optional[str]:
        """The node name exported code keeps in a comment where its variable cannot be it:
        `class_1 = dense_layer(x)  # node: "class"` (a JSON string: read, never run). Each
        line is searched once (a loop on one long line would search it each time round)."""
        if ("comment", line) not in self.memo:
            self.memo["comment", line] = self._comment(line)
        return self.memo["comment", line]

    def source_lines(self) -> list[str]:
        """The file's lines as ast numbers them (split once)."""
        if "lines" not in self.memo:
            self.memo["lines"] = re.split(r"\r\n|\r|\n", self.source)
        return self.memo["lines"]

    def _comment(self, line: int) -> Optional[str]:
        lines = self.source_lines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        found = re.search(r'#\s*node:\s*("(?:[^"\\]|\\.)*")\s*$', text)
        if not found:
            return None
        try:
            name = json.loads(found.group(1))
        except ValueError:
            return None
        return name if isinstance(name, str) and 0 < len(name) <= 128 else None

    def unpack(self, value: Any, count: int, line: int) -> list:
        if isinstance(value, Sym) and value.multi:
            record, _ = value.made
            return [Sym.of(record, i) for i in range(count)]
        if isinstance(value, (list, tuple)):
            if len(value) != count:
                raise Skip(line, f"unpacking {len(value)} values into {count} names")
            return list(value)
        raise Skip(line, f"unpacking a {_kind(value)}")

    def iterate(self, value: Any, line: int) -> list:
        if isinstance(value, range):
            # a range too long to list takes as many steps as the loop would: the budget ends it
            self.charge(len(value) if len(value) <= MAX_ITEMS else MAX_STEPS + 1, line)
            return list(value)
        if isinstance(value, (list, tuple, dict, str)):
            self.charge(len(value), line)
            return list(value)
        raise Skip(line, f"a for loop over a {_kind(value)}")

    @staticmethod
    def truth(value: Any, line: int) -> bool:
        if isinstance(value, (Sym, Layer, ModelValue, Namespace, Function, Unknown)):
            raise Skip(line, f"a condition on a {_kind(value)}: only constants decide here")
        return bool(value)

    # --- expressions

    def value(self, node: ast.AST, scope: Scope) -> Any:
        self.step(node)
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and abs(node.value) > MAX_NUMBER:
                raise Refused(f"line {line}: the number is too large (limit {MAX_NUMBER:g})")
            if isinstance(node.value, (complex, bytes)):
                raise Skip(line, f"a {_kind(node.value)} constant")
            return node.value
        if isinstance(node, ast.Name):
            return self.name(node.id, scope, line)
        if isinstance(node, ast.Attribute):
            return self.attribute(self.value(node.value, scope), node.attr, line)
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        if isinstance(node, ast.BinOp):
            return self.binary(node.op, self.value(node.left, scope), self.value(node.right, scope), line)
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, scope)
            if isinstance(operand, Sym):
                if isinstance(node.op, ast.USub):
                    return Sym(Neg(operand.tree), operand.leaves)
                if isinstance(node.op, ast.UAdd):
                    return operand
                raise Skip(line, "this operator on a tensor")
            return self.constant_op(node.op, (operand,), line)
        if isinstance(node, ast.Compare):
            left = self.value(node.left, scope)
            if len(node.ops) != 1:
                raise Skip(line, "a chained comparison")
            right = self.value(node.comparators[0], scope)
            return self.binary(node.ops[0], left, right, line)
        if isinstance(node, ast.BoolOp):
            values = [self.value(v, scope) for v in node.values]
            result = values[0]
            for v in values[1:]:
                truth = self.truth(result, line)
                result = (v if truth else result) if isinstance(node.op, ast.And) else (result if truth else v)
            return result
        if isinstance(node, ast.IfExp):
            return self.value(node.body if self.truth(self.value(node.test, scope), line) else node.orelse, scope)
        if isinstance(node, (ast.List, ast.Tuple)):
            items = []
            for item in node.elts:
                if isinstance(item, ast.Starred):
                    items += self.iterate(self.value(item.value, scope), line)
                else:
                    items.append(self.value(item, scope))
            self.size(items, line)
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):
                raise Skip(line, "** in a dict")
            result = {self.hashable(self.value(k, scope), line): self.value(v, scope) for k, v in zip(node.keys, node.values)}
            self.size(result, line)
            return result
        if isinstance(node, ast.Subscript):
            return self.subscript(self.value(node.value, scope), node.slice, scope, line)
        if isinstance(node, ast.Slice):
            parts = [None if p is None else self.value(p, scope) for p in (node.lower, node.upper, node.step)]
            return slice(*parts)
        if isinstance(node, ast.Lambda):
            args = node.args
            if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
                raise Skip(line, "a lambda with *args or **kwargs")
            defaults = {a.arg: self.value(d, scope) for a, d in zip(args.args[len(args.args) - len(args.defaults):], args.defaults)}
            return Function(node, scope, defaults, "lambda")
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.DictComp)):
            return self.comprehension(node, scope, line)
        if isinstance(node, ast.JoinedStr):
            text = ""
            for part in node.values:
                text += self.formatted(part, scope, line) if isinstance(part, ast.FormattedValue) else part.value
                if len(text) > MAX_TEXT:
                    raise Refused(f"line {line}: a string of more than {MAX_TEXT:,} characters")
            return text
        raise Skip(line, f"{type(node).__name__.lower()} expressions are not model-building code")

    def formatted(self, part: ast.FormattedValue, scope: Scope, line: int) -> str:
        """One {field} of an f-string as Python computes it: the conversion (!r, !s, !a), then
        the format spec (itself an f-string: `{x:>{width}}`), whose widths are capped as
        str.format's are (`{1:{10**9}}` is a gigabyte of spaces)."""
        value = self.value(part.value, scope)
        if not isinstance(value, (str, int, float, bool, type(None))):  # str() of a list walks all of it
            raise Skip(line, f"a {_kind(value)} in an f-string: only text and numbers")
        if part.conversion != -1:
            value = {"s": str, "r": repr, "a": ascii}[chr(part.conversion)](value)
            if len(value) > MAX_TEXT:  # repr() of a 10,000-character text may be 4 times longer
                raise Refused(f"line {line}: a string of more than {MAX_TEXT:,} characters")
        spec = "" if part.format_spec is None else self.value(part.format_spec, scope)
        _check_width(sum(int(n) for n in re.findall(r"\d+", spec)), line)
        try:
            return format(value, spec)
        except (ValueError, TypeError) as err:  # f"{'a':d}", f"{None:>4}"
            raise Skip(line, f"a format string Python refuses: {err}") from None

    def size(self, value, line: int) -> None:
        if len(value) > MAX_ITEMS:
            raise Refused(f"line {line}: a collection of {len(value):,} items (limit {MAX_ITEMS:,})")

    def hashable(self, value, line: int):
        if isinstance(value, (str, int, float, bool, tuple)) or value is None:
            self.charge_size(value, line)  # hashing a tuple walks it
            try:
                hash(value)
            except TypeError:  # a tuple holding a list
                raise Skip(line, "a dict key that holds a list or dict") from None
            return value
        raise Skip(line, f"a dict key that is a {_kind(value)}")

    def comprehension(self, node, scope: Scope, line: int) -> list | dict:
        if len(node.generators) != 1 or node.generators[0].is_async:
            raise Skip(line, "a comprehension with more than one for")
        generator = node.generators[0]
        results = []
        for item in self.iterate(self.value(generator.iter, scope), line):
            inner = Scope(scope)
            self.assign(generator.target, item, inner, line)
            if all(self.truth(self.value(c, inner), line) for c in generator.ifs):
                if isinstance(node, ast.DictComp):  # loss={name: "mse" for name in HEADS}
                    results.append((self.hashable(self.value(node.key, inner), line), self.value(node.value, inner)))
                else:
                    results.append(self.value(node.elt, inner))
        self.size(results, line)
        return dict(results) if isinstance(node, ast.DictComp) else results

    def name(self, name: str, scope: Scope, line: int) -> Any:
        self.names_used.add(name)
        try:
            value = scope.find(name)
        except KeyError:
            value = self._unbound(name, line)
        if isinstance(value, Unknown):
            raise Skip(line, f"uses '{name}', which line {value.line} left out")
        return value

    def _unbound(self, name: str, line: int) -> Any:
        if name == "__name__":
            return "__main__"  # read as a script is run: documents build their model under this `if`
        if name in BUILTINS:
            return Namespace(f"builtins.{name}")
        if name in ("print",):
            return Namespace("print")
        order = ("keras.optimizers", "keras.models", "keras", "keras.backend", "keras.ops", "keras.layers")
        for module in sorted(self.star, key=lambda m: order.index(m) if m in order else len(order)):
            # from keras.layers import *: what each module holds (layers last: any capitalized name)
            holds = {"keras.layers": name[:1].isupper() or name in MERGE_FUNCTIONS,
                     "keras.models": name in ("Model", "Sequential"),
                     "keras": name in ("Input", "Model", "Sequential"),
                     "keras.optimizers": name.lower() in OPTIMIZER_CLASSES,
                     "keras.backend": name in expr.FUNCTIONS or name in expr.ALIASES,
                     "keras.ops": name in expr.FUNCTIONS or name in expr.ALIASES}
            if holds.get(module):
                return Namespace(_canonical(f"{module}.{name}"))
        if name in SNIPPET_NAMES:  # code from documents often leaves its imports out
            self.notes.append(f"line {line}: '{name}' is not defined: read as {SNIPPET_NAMES[name]}")
            self.globals.vars[name] = Namespace(SNIPPET_NAMES[name])
            return self.globals.vars[name]
        raise Skip(line, f"'{name}' is not defined")

    def attribute(self, value: Any, attr: str, line: int) -> Any:
        if isinstance(value, Namespace):
            return Namespace(_canonical(f"{value.path}.{attr}"))
        if isinstance(value, ModelValue):
            if attr in ("compile", "add_loss", "add", "summary", "fit", "evaluate", "predict", "save", "save_weights",
                        "load_weights", "get_layer", "train_on_batch", "predict_on_batch", "build"):
                return ("method", value, attr)
            if attr in ("input", "inputs"):
                return value.inputs[0] if attr == "input" and len(value.inputs) == 1 else list(value.inputs)
            if attr in ("output", "outputs"):
                return value.outputs[0] if attr == "output" and len(value.outputs) == 1 else list(value.outputs)
            if attr == "name":
                return value.name
            if attr == "layers" and value.layers is not None:
                return list(value.layers)
        if isinstance(value, LayerHandle) and attr in ("output", "name"):
            return Sym.of(value.record) if attr == "output" else value.record.name
        if isinstance(value, Sym) and attr == "shape":
            raise Skip(line, "a tensor's shape is only known when the model is built")
        if isinstance(value, Sym) and attr == "dtype":
            return ("dtype_of", value)  # ops.cast(y_true, y_pred.dtype): a cast to the same type
        if isinstance(value, (list, dict)) and attr in ("append", "extend", "items", "keys", "values", "get"):
            return ("method", value, attr)
        if isinstance(value, str) and attr in ("format", "lower", "upper", "join", "replace", "strip"):
            return ("method", value, attr)
        raise Skip(line, f"the attribute .{attr} of a {_kind(value)} is not model-building code")

    def subscript(self, value: Any, index_node: ast.AST, scope: Scope, line: int) -> Any:
        index = self.value(index_node, scope)
        if isinstance(value, Sym):
            if value.multi and isinstance(index, int):
                record, _ = value.made
                return Sym.of(record, index)
            items = index if isinstance(index, tuple) else (index,)
            parts = []
            for item in items:
                if item is ...:
                    parts.append(...)
                elif isinstance(item, slice):
                    if not all(p is None or isinstance(p, int) for p in (item.start, item.stop, item.step)):
                        raise Skip(line, "a tensor slice with bounds that are not integers")
                    parts.append(Slice(item.start, item.stop, item.step))
                elif isinstance(item, int) and not isinstance(item, bool):
                    parts.append(item)
                else:
                    raise Skip(line, f"indexing a tensor with a {_kind(item)}")
            return Sym(Subscript(value.tree, tuple(parts)), value.leaves)
        if isinstance(value, (list, tuple, str)):
            if isinstance(index, slice) or (isinstance(index, int) and not isinstance(index, bool)):
                if isinstance(index, slice):
                    self.charge(len(value), line)  # at most what a slice copies
                try:
                    return value[index]
                except IndexError:
                    raise Skip(line, f"index {index} is out of range") from None
                except (TypeError, ValueError) as err:  # [1, 2]["a":], "abc"[::0]
                    raise Skip(line, f"cannot slice: {err}") from None
        if isinstance(value, dict):
            try:
                return value[self.hashable(index, line)]
            except KeyError:
                raise Skip(line, f"no key {index!r}") from None
        raise Skip(line, f"indexing a {_kind(value)}")

    # --- arithmetic

    def binary(self, op: ast.AST, left: Any, right: Any, line: int) -> Any:
        if isinstance(left, Sym) or isinstance(right, Sym):
            return self.symbolic(op, left, right, line)
        return self.constant_op(op, (left, right), line)

    def symbolic(self, op: ast.AST, left: Any, right: Any, line: int) -> Sym:
        symbols = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
                   ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
        if type(op) not in symbols:
            raise Skip(line, f"the operator {type(op).__name__} on tensors is not one the editor has")
        a, b = self.operand(left, line), self.operand(right, line)
        self.charge(len(a[1]) + len(b[1]), line)  # the tensors it reads, copied into the new expression
        if symbols[type(op)] == "+" and isinstance(a[0], Num) and a[0].value == 0:
            return Sym(b[0], b[1])  # l = 0; l += loss: the sum starts at the first term
        return Sym(BinOp(symbols[type(op)], a[0], b[0]), {**a[1], **b[1]})

    def operand(self, value: Any, line: int) -> tuple:
        if isinstance(value, Sym):
            return value.tree, value.leaves
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (Num(value) if value >= 0 else Neg(Num(-value))), {}
        raise Skip(line, f"arithmetic of a tensor and a {_kind(value)}")

    def constant_op(self, op: ast.AST, values: tuple, line: int) -> Any:
        functions = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
                     ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
                     ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
                     ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
                     ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
                     ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not}
        if type(op) not in functions:
            raise Skip(line, f"the operator {type(op).__name__}")
        plain = (int, float, bool, str, tuple, list, type(None), dict)
        if not all(isinstance(v, plain) for v in values):
            raise Skip(line, f"arithmetic on a {_kind(next(v for v in values if not isinstance(v, plain)))}")
        if any(isinstance(v, (str, tuple, list, dict)) for v in values):
            self.charge_size(values, line)  # comparing or copying them walks them
        if isinstance(op, ast.Pow) and isinstance(values[1], (int, float)) and abs(values[1]) > 64:
            raise Refused(f"line {line}: a power too large to compute")
        if isinstance(op, ast.Mod) and isinstance(values[0], str):
            _check_percent(values[0], line)
        if isinstance(op, ast.Mult) and any(isinstance(v, (str, list, tuple)) for v in values):
            count = next((v for v in values if isinstance(v, int)), 0)
            other = next((v for v in values if isinstance(v, (str, list, tuple))), "")
            if count * len(other) > MAX_TEXT:
                raise Refused(f"line {line}: a string or list of more than {MAX_TEXT:,} items")
        try:
            result = functions[type(op)](*values)
        except (ArithmeticError, TypeError, ValueError) as err:
            raise Skip(line, f"cannot compute: {err}") from None
        if isinstance(result, (int, float)) and not isinstance(result, bool) and (
                abs(result) > MAX_NUMBER if math.isfinite(result) else True):
            raise Refused(f"line {line}: a number too large (limit {MAX_NUMBER:g})")
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_TEXT:
            raise Refused(f"line {line}: a string or list of more than {MAX_TEXT:,} items")
        return result

    # --- calls

    def call(self, node: ast.Call, scope: Scope) -> Any:
        line = node.lineno
        target = self.value(node.func, scope)
        args: list = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args += self.iterate(self.value(arg.value, scope), line)
            else:
                args.append(self.value(arg, scope))
        kwargs: dict = {}
        for kw in node.keywords:
            if kw.arg is None:
                spread = self.value(kw.value, scope)
                if not isinstance(spread, dict) or not all(isinstance(k, str) for k in spread):
                    raise Skip(line, "** of something other than a dict of names")
                kwargs.update(spread)
            else:
                kwargs[kw.arg] = self.value(kw.value, scope)
        return self.apply(target, args, kwargs, node, scope)

    def apply(self, target: Any, args: list, kwargs: dict, node: ast.AST, scope: Scope) -> Any:
        line = node.lineno
        if isinstance(target, Function):
            return self.call_function(target, args, kwargs, line)
        if isinstance(target, Layer):
            return self.call_layer(target, args, kwargs, line)
        if isinstance(target, ModelValue):
            return self.call_model(target, args, kwargs, line)
        if isinstance(target, tuple) and target and target[0] == "method":
            return self.method(target[1], target[2], args, kwargs, node, scope)
        if isinstance(target, Namespace):
            return code_calls.call(self, target.path, args, kwargs, node, scope)
        raise Skip(line, f"calling a {_kind(target)}")

    def call_function(self, function: Function, args: list, kwargs: dict, line: int) -> Any:
        node = function.node
        params = [a.arg for a in node.args.args]
        if len(args) > len(params):
            raise Skip(line, f"{function.name}() takes {len(params)} arguments, {len(args)} given")
        bound = dict(function.defaults)
        bound.update(zip(params, args))
        for key, value in kwargs.items():
            if key not in params:
                raise Skip(line, f"{function.name}() has no argument '{key}'")
            bound[key] = value
        missing = [p for p in params if p not in bound]
        if missing:
            raise Skip(line, f"{function.name}() is missing '{missing[0]}'")
        if function.name == "named_op" and self.is_named_op(node):
            return bound["tensor"]  # exported code's naming of an operation: the tensor itself
        self.depth += 1
        if self.depth > MAX_CALL_DEPTH:
            raise Refused(f"line {line}: calls nested deeper than {MAX_CALL_DEPTH} (recursion is not model-building code)")
        inner = Scope(function.scope)
        inner.vars.update(bound)
        try:
            if isinstance(node, ast.Lambda):
                return self.value(node.body, inner)
            try:
                self.block(node.body, inner)
            except _Return as result:
                return result.value
            return None
        finally:
            self.depth -= 1

    def method(self, owner: Any, name: str, args: list, kwargs: dict, node: ast.AST, scope: Scope) -> Any:
        line = node.lineno
        if isinstance(owner, ModelValue):
            return code_calls.model_method(self, owner, name, args, kwargs, node, scope)
        if isinstance(owner, list) and name in ("append", "extend"):
            if len(args) != 1 or kwargs:
                raise Skip(line, f"list.{name}() takes one argument")
            owner.append(args[0]) if name == "append" else owner.extend(self.iterate(args[0], line))
            self.size(owner, line)
            return None
        if isinstance(owner, dict) and name in ("items", "keys", "values"):
            self.charge(len(owner), line)
            return list(getattr(owner, name)())
        if isinstance(owner, dict) and name == "get":
            if not 1 <= len(args) <= 2 or kwargs:
                raise Skip(line, "dict.get() takes a key and a default")
            return owner.get(self.hashable(args[0], line), *args[1:])
        if isinstance(owner, str):
            if not all(isinstance(a, (str, int, float)) for a in [*args, *kwargs.values()]):
                raise Skip(line, f"str.{name}() of something other than text or numbers")
            if name == "format":
                _check_format(owner, line)
            if name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
                times = min([owner.count(args[0]), *[a for a in args[2:3] if isinstance(a, int) and a >= 0]])
                if len(owner) + times * (len(args[1]) - len(args[0])) > MAX_TEXT:  # before Python makes it
                    raise Refused(f"line {line}: a string of more than {MAX_TEXT:,} characters")
            if name == "join" and len(args) != 1:
                raise Skip(line, "str.join() takes one list")
            if name == "join":
                parts = self.iterate(args[0], line)
                result = owner.join(str(p) for p in parts)
            else:
                try:
                    result = getattr(owner, name)(*args, **kwargs)
                except (LookupError, ValueError, TypeError) as err:  # "{x}".format(1), "{:d}".format("a")
                    raise Skip(line, f"str.{name}(): {err}") from None
            if len(result) > MAX_TEXT:
                raise Refused(f"line {line}: a string of more than {MAX_TEXT:,} characters")
            return result
        raise Skip(line, f"{name}() of a {_kind(owner)}")

    # --- layers and models

    def new_record(self, kind: str, base: str, line: int, name: Optional[str] = None, **fields) -> Record:
        record = Record(index=len(self.records), kind=kind, name=name or self.record_names.unique(base), line=line,
                        **fields)
        self.records.append(record)
        self.record_names.add(record.name)
        return record

    def make(self, value: Any, line: int) -> tuple:
        """(record, output) of a tensor, making an op node of an expression where needed."""
        if not isinstance(value, Sym):
            raise Skip(line, f"a {_kind(value)} where a tensor is expected")
        if value.made is not None:
            return value.made
        if not value.leaves:
            raise Skip(line, "an expression of no tensor where a tensor is expected")
        text, order, refs = named_expression(value, line)
        base = value.hint or _op_base(value.tree)
        record = self.new_record("op", base, line, expression=text, input_names=order, inputs=refs)
        value.made = (record, 0)
        return value.made

    def call_layer(self, layer: Layer, args: list, kwargs: dict, line: int) -> Sym:
        if not args:
            raise Skip(line, f"calling layer '{layer.name}' without a tensor")
        if layer.class_name == "AddLoss":  # the editor's exported loss layer: a loss node over its arguments
            params = [a.arg for a in layer.function.node.args.args]
            if len(params) != len(args) or kwargs:
                raise Skip(line, f"the loss '{layer.name}' takes {len(params)} tensors")
            result = self.call_function(layer.function, [Sym(Name(p), {p: None}) for p in params], {}, line)
            if not isinstance(result, Sym):
                raise Skip(line, f"the loss '{layer.name}' is not an expression of tensors")
            text = checked(result.tree, params, line)
            record = self.new_record("loss", layer.name, line, expression=text, input_names=params,
                                     inputs=[self.make(a, line) for a in args], weight=layer.config["weight"])
            return Sym.of(record)
        if layer.function is not None:  # Lambda(lambda x: ...): its body, as an op node
            if kwargs or len(args) != 1:
                raise Skip(line, f"calling Lambda '{layer.name}' with more than one argument")
            result = self.call_function(layer.function, args, {}, line)
            if not isinstance(result, Sym):
                raise Skip(line, f"Lambda '{layer.name}' gives a {_kind(result)}, not a tensor expression")
            result = Sym(result.tree, result.leaves, hint=layer.name) if result.made is None else result
            record, output = self.make(result, line)
            return Sym.of(record, output)
        inputs, keywords = [], []
        if len(args) == 1 and isinstance(args[0], (list, tuple)):
            inputs = [self.make(a, line) for a in args[0]]
        else:
            inputs = [self.make(a, line) for a in args]
        for key, value in kwargs.items():
            if key in TENSOR_KEYWORDS and value is not None:
                values = value if isinstance(value, (list, tuple)) else [value]
                if key not in LIST_KEYWORDS and len(values) != 1:
                    raise Skip(line, f"'{key}' takes one tensor")
                keywords += [(key, self.make(v, line)) for v in values]
            elif key == "training" and value in (None, True, False):
                if value is True:
                    self.notes.append(f"line {line}: training=True on '{layer.name}' dropped (Keras sets it in fit)")
            elif key == "mask" and value is None:
                continue
            else:
                raise Skip(line, f"calling layer '{layer.name}' with {key}=, which the editor cannot express")
        style = "list" if len(args) == 1 and isinstance(args[0], (list, tuple)) else "args" if len(args) > 1 else "single"
        expected = "list" if layer.class_name in LIST_CALL_CLASSES else "args" if layer.class_name in ARG_CALL_CLASSES \
            else "single"
        if style != expected:
            raise Skip(line, f"layer '{layer.name}' ({layer.class_name}) called with "
                             f"{ {'list': 'a list of tensors', 'args': 'several tensors', 'single': 'one tensor'}[style] }")
        fields = {"inputs": inputs + [ref for _, ref in keywords],
                  "input_names": ([""] * len(inputs) + [k for k, _ in keywords]) if keywords else []}
        if layer.owner is None:
            record = self.new_record("layer", layer.name, line, name=layer.name if layer.name not in
                                     self.record_names else None,
                                     class_name=layer.class_name, config=dict(layer.config), **fields)
            layer.owner = record
        else:
            record = self.new_record("layer", f"{layer.name}_call", line, class_name=layer.class_name, shares=layer.owner,
                                     **fields)
            record.named_by_call = True
        return Sym.of(record, 0, multi=layer.outputs is not None)

    def call_model(self, model: ModelValue, args: list, kwargs: dict, line: int) -> Sym:
        if kwargs and set(kwargs) - {"training", "mask"}:
            raise Skip(line, f"calling model '{model.name}' with {', '.join(sorted(kwargs))}")
        tensors = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
        inputs = [self.make(a, line) for a in tensors]
        record = self.new_record("model", model.name, line, inputs=inputs, model=model)
        record.named_by_call = True
        outputs = len(model.outputs) + len(model.losses) if model.sequential is None else 1
        return Sym.of(record, 0, multi=outputs > 1)


_STATEMENTS = {ast.With: "a with statement", ast.Try: "try", ast.Raise: "raise", ast.Global: "global",
               ast.Nonlocal: "nonlocal", ast.Delete: "del", ast.AsyncFunctionDef: "async def", ast.AsyncFor: "async for",
               ast.AsyncWith: "async with"}


def _op_base(tree) -> str:
    if isinstance(tree, Call):
        return tree.func
    if isinstance(tree, BinOp):
        return expr.OPERATORS.get(tree.op, "op")
    if isinstance(tree, Neg):
        return "negative"
    if isinstance(tree, Subscript):
        return "slice"
    return "op"


def _kind(value: Any) -> str:
    if isinstance(value, Sym):
        return "tensor"
    if isinstance(value, Layer):
        return f"layer ({value.class_name})"
    if isinstance(value, ModelValue):
        return "model"
    if isinstance(value, Namespace):
        return value.path
    if isinstance(value, Function):
        return "function"
    if value is None:
        return "None"
    return type(value).__name__


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _check_size(source: str) -> None:
    """Bytes, lines, a NUL byte and tokens, before anything is parsed (each a pass in C)."""
    if len(source) > MAX_BYTES:  # each character is a byte or more: no need to encode it
        raise Refused(f"the file is too long ({len(source):,} characters, limit {MAX_BYTES:,} bytes)")
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise Refused(f"the file is too long ({size:,} bytes, limit {MAX_BYTES:,})")
    lines = _line_breaks(source) + (not source.endswith(("\n", "\r")))
    if lines > MAX_LINES:
        raise Refused(f"the file is too long ({lines:,} lines, limit {MAX_LINES:,})")
    nul = source.find("\0")
    if nul >= 0:  # Python refuses it without a line number
        raise Refused(f"line {_line_breaks(source, nul) + 1}: a NUL byte (character 0) is not Python text")
    if next(itertools.islice(_TOKEN.finditer(source), MAX_TOKENS, None), None) is not None:
        raise Refused(f"the file is too long (more than {MAX_TOKENS:,} tokens)")


def _line_breaks(text: str, end: Optional[int] = None) -> int:
    """Line breaks before `end` as ast counts lines: \\r\\n, \\r or \\n."""
    text = text if end is None else text[:end]
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _check_format(text: str, line: int) -> None:
    """A str.format template with fields that only name their argument, and widths that fit
    in a string: `{0.__class__}` reaches into Python objects, `{:>999999999}` makes a gigabyte."""
    try:
        fields = [(field, spec) for _, field, spec, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as err:
        raise Skip(line, f"a format string Python refuses: {err}") from None
    for field, spec in fields:
        if not re.fullmatch(r"\d*|[A-Za-z_]\w*", field):
            raise Refused(f"line {line}: a format field with attributes or indexes is not model-building code")
        if "{" in spec:
            raise Skip(line, "a nested format spec is not model-building code")
    _check_width(sum(int(n) for _, spec in fields for n in re.findall(r"\d+", spec)), line)


def _check_percent(text: str, line: int) -> None:
    """The same for a %-format: no width taken from an argument (`%*d`), none too large."""
    specs = re.findall(r"%(?:\([^)]*\))?([^a-zA-Z%]*)[a-zA-Z%]", text)
    if any("*" in spec for spec in specs):
        raise Refused(f"line {line}: a format width from an argument is not model-building code")
    _check_width(sum(int(n) for spec in specs for n in re.findall(r"\d+", spec)), line)


def _check_width(width: int, line: int) -> None:
    if width > MAX_TEXT:
        raise Refused(f"line {line}: a format width too large (limit {MAX_TEXT:,})")


def _size(value: Any, limit: int) -> int:
    """How many items walking `value` visits (a list repeated inside it each time), up to `limit`."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.items())
        elif isinstance(item, str):
            count += len(item) // 64
    return count


_ALIASES = (("tensorflow.python.keras", "keras"), ("tensorflow.keras", "keras"), ("tf.keras", "keras"),
            ("keras.src", "keras"), ("keras.api", "keras"), ("keras.layers.merge", "keras.layers"),
            ("keras.layers.core", "keras.layers"), ("keras.layers.convolutional", "keras.layers"),
            ("keras.layers.recurrent", "keras.layers"), ("keras.layers.pooling", "keras.layers"),
            ("keras.layers.normalization", "keras.layers"), ("keras.layers.embeddings", "keras.layers"),
            ("keras.layers.wrappers", "keras.layers"), ("keras.layers.advanced_activations", "keras.layers"),
            ("keras.layers.noise", "keras.layers"), ("keras.layers.local", "keras.layers"),
            ("keras.layers.convolutional_recurrent", "keras.layers"), ("keras.layers.cudnn_recurrent", "keras.layers"),
            ("keras.utils.vis_utils", "keras.utils"),
            ("keras.engine.topology", "keras.layers"), ("keras.engine", "keras.models"),
            ("tensorflow.python", "tensorflow"))


def _canonical(path: str) -> str:
    """One spelling for each Keras name: tensorflow.keras.layers.Dense -> keras.layers.Dense."""
    for old, new in _ALIASES:
        if path == old or path.startswith(old + "."):
            path = new + path[len(old):]
    return path


def _assigned_names(statement: ast.stmt) -> list[str]:
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.append(node.id)
        elif isinstance(node, ast.FunctionDef):
            found.append(node.name)
    return found
