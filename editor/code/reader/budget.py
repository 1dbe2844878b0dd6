"""The reader's budget and safety: the step budget, the size checks, the screen of hostile constructs.

Everything the reader does costs steps from a fixed budget (`Budget.step`, `Budget.charge`);
a file is measured before it is parsed (`check_size`) and screened whole before it is read
(`Budget.screen`: dunders, exec, open, getattr... refuse it even in code never reached);
format strings are checked before Python formats them. Most "no"s here are a `Refused`:
the whole file is refused.
"""

from __future__ import annotations

import ast
import itertools
import re
import string
from typing import Any, Optional

from editor.code.code_values import Refused, Skip, refused_call
from editor.code.reader.eval_names import screened_eval

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
    "locals", "vars", "input", "breakpoint", "exit", "quit", "help", "memoryview", "object", "dir", "id",
    "bytearray", "bytes"})
# (type, super, callable, issubclass, classmethod, staticmethod and property reach nothing without a
# dunder: they refuse where they run, not in a branch never taken; editor.code.reader.python_values)
# Forbidden builtins public code also names its variables (keras.io's siamese example:
# `input = layers.Input(...)`): in a file that binds one, the name is that variable.
SHADOWABLE = frozenset({"input", "type", "id"})
# Modules a file may import: Keras's and those whose names the reader computes itself
# (editor.code.reader.python_values), never importing them.
MODULES = frozenset({"keras", "tensorflow", "numpy", "math", "typing", "__future__", "functools", "itertools",
                     "collections", "copy", "operator", "keras_applications"})
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


# Dunder names that are a plain variable or module of their own, never a way into Python's
# machinery: `__name__`, and a package's version text (`from .__version__ import __version__`).
PLAIN_DUNDERS = frozenset({"__name__", "__version__"})


def _screened(node: ast.AST, forbidden: frozenset, doc_setters: set) -> str:
    """Why the screen refuses this syntax node wherever it is ("" if it does not)."""
    if isinstance(node, ast.Name) and node.id not in PLAIN_DUNDERS and (node.id.startswith("__") or node.id in forbidden) \
            and id(node) not in doc_setters:
        called = node.id in forbidden or node.id == "__import__"
        return refused_call(node.id) if called else f"{node.id} is not model-building code"
    if isinstance(node, ast.Attribute) and node.attr.startswith("__") and not _sets_doc(node):
        return f"the attribute {node.attr} is not model-building code"
    if isinstance(node, ast.alias) and node.name.startswith("__") and node.name not in PLAIN_DUNDERS | {"__future__"}:
        return f"import {node.name} is not model-building code"
    return ""


class Budget:
    """The Reader's step budget (`steps`, of MAX_STEPS) and screen (`parsed`: syntax nodes
    screened); a mixin of editor.code.reader.core.Reader."""

    steps: int
    parsed: int
    strict: bool = False  # --strict: every import outside MODULES refuses, wherever it is
    modules = None  # editor.code.package_modules.Modules, when the file's package is known

    def screen(self, tree: ast.AST, module: bool = False) -> None:
        """What is refused wherever it is, even in code never reached: dunders, exec & co.
        (The one class skipped is a verbatim copy of the editor's own exported AddLoss
        layer: it is never run either, the reader knows what it does.) `module`: a module of
        the file's package (editor.code.package_modules), whose classes are left out unread
        when they call no more than their base's `__init__`."""
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
        forbidden = FORBIDDEN - (SHADOWABLE & bound)
        doc_setters = {id(n.func) for n in ast.walk(tree) if sets_doc_call(n)}
        stack = [(tree, 0, "")]  # (node, depth, the head of the class it is in)
        imports: list[tuple[int, str]] = []  # (line, module) of imports outside MODULES
        while stack:
            node, depth, owner = stack.pop()
            self.parsed += 1
            if isinstance(node, ast.ClassDef) and self.is_add_loss(node):
                continue
            where = getattr(node, "lineno", 0)
            if depth > MAX_NESTING:
                raise Refused(f"line {where}: nested too deeply to read (more than {MAX_NESTING} levels)")
            if isinstance(node, ast.ClassDef):  # class Table(object): the one use of `object` read
                doc_setters |= {id(b) for b in node.bases if isinstance(b, ast.Name) and b.id == "object"}
            if isinstance(node, ast.ClassDef) and not owner:
                bases = ", ".join(ast.unparse(base) for base in node.bases)
                owner = f"class {node.name}({bases})" if bases else f"class {node.name}"
            stack.extend((child, depth + 1, owner) for child in ast.iter_child_nodes(node))
            if isinstance(node, ast.Call) and screened_eval(node):  # a name look-up: editor.code.reader.eval_names
                doc_setters.add(id(node.func))
            found = _screened(node, forbidden, doc_setters)
            if found == "the attribute __init__ is not model-building code" and owner and module:
                continue  # super().__init__(**kwargs) in a class of a module, which is never read
            if found and owner:  # (a class is code Keras would run: its call, its build)
                raise Refused(f"line {where}: {owner}: custom classes are not read ({found})")
            if found:
                raise Refused(f"line {where}: {found}")
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and len(node.value) > MAX_TEXT:
                raise Refused(f"line {where}: a string of {len(node.value):,} characters (limit {MAX_TEXT:,})")
            if self.strict and isinstance(node, (ast.Import, ast.ImportFrom)) and not (
                    self.modules is not None and self.modules.own_import(node)):  # (read and screened in turn)
                imports += [(where, m) for m in _outside_modules(node)]
        if imports:
            line, module = min(imports)
            system = "reaches the system: it " if module.split(".")[0] in SYSTEM_MODULES else ""
            raise Refused(f"line {line}: import {module} {system}is not model-building code "
                          "(--strict refuses every import outside keras, tensorflow and numpy, wherever it is)")

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

    def size(self, value, line: int) -> None:
        """A list, tuple or dict the file makes: at most MAX_ITEMS items."""
        if len(value) > MAX_ITEMS:
            raise Refused(f"line {line}: a collection of {len(value):,} items (limit {MAX_ITEMS:,})")


def _outside_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import names that are not MODULES (a relative import: its dots)."""
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return ["." * node.level + (node.module or "")]
        modules = [node.module or ""]
    else:
        modules = [alias.name for alias in node.names]
    return [m for m in modules if m.split(".")[0] not in MODULES]


_TOKEN = re.compile(r"\w+|[^\w\s]")


def check_size(source: str) -> None:
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


def parse_checked(source: str, filename: str, first_line: int = 0) -> ast.Module:
    """`source` sized (check_size) and parsed, its lines numbered from `first_line` + 1; Refused in
    one line when it is too long, not Python or nested too deeply for Python's parser."""
    check_size(source)
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as err:
        where = f"line {first_line + err.lineno}: " if err.lineno else ""
        raise Refused(f"{where}not Python: {(err.msg or 'invalid syntax').splitlines()[0]}") from None
    except (RecursionError, MemoryError, ValueError):
        raise Refused("the code is nested too deeply to read") from None
    if first_line:
        ast.increment_lineno(tree, first_line)
    return tree


def _line_breaks(text: str, end: Optional[int] = None) -> int:
    """Line breaks before `end` as ast counts lines: \\r\\n, \\r or \\n."""
    text = text if end is None else text[:end]
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def check_format(text: str, line: int) -> None:
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
    check_width(sum(int(n) for _, spec in fields for n in re.findall(r"\d+", spec)), line)


def check_percent(text: str, line: int) -> None:
    """The same for a %-format: no width taken from an argument (`%*d`), none too large."""
    specs = re.findall(r"%(?:\([^)]*\))?([^a-zA-Z%]*)[a-zA-Z%]", text)
    if any("*" in spec for spec in specs):
        raise Refused(f"line {line}: a format width from an argument is not model-building code")
    check_width(sum(int(n) for spec in specs for n in re.findall(r"\d+", spec)), line)


def check_width(width: int, line: int) -> None:
    if width > MAX_TEXT:
        raise Refused(f"line {line}: a format width too large (limit {MAX_TEXT:,})")


def _size(value: Any, limit: int) -> int:
    """How many items walking `value` visits (a list repeated inside it each time), up to `limit`."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.items())
        elif isinstance(item, str):
            count += len(item) // 64
    return count


def _sets_doc(node: ast.Attribute) -> bool:
    """`f.__doc__` of a dotted name: documentation, the one dunder read past. keras.applications
    ends with `decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__`;
    statements.py leaves such an assignment out without evaluating it, and the reader knows
    no `__doc__` of anything, so a use elsewhere is an unknown value."""
    base = node.value
    while isinstance(base, ast.Attribute) and not base.attr.startswith("__"):
        base = base.value
    return node.attr == "__doc__" and isinstance(base, ast.Name)


def sets_doc_call(node: ast.AST) -> bool:
    """`setattr(DenseNet121, "__doc__", ...)` (keras.applications' sources): documentation,
    the one setattr read past (statements.py leaves it out without evaluating it)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
            and len(node.args) == 3 and not node.keywords and isinstance(node.args[0], ast.Name)
            and isinstance(node.args[1], ast.Constant) and node.args[1].value == "__doc__")
