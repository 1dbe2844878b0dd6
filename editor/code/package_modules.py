"""The modules of the imported file's own package, read from disk with the same reader (never run).

A file of a package imports its siblings (`from . import resnet_common`, `from
keras_unet_collection.layer_utils import *`): given `Package` (the file's dotted module name and
the folder its top-level package lives in; the command line finds it from the file's path, a
pasted text has none), the reader reads such a module's source as it reads the file, and binds
its names as the import binds them. What is read:

- modules of the file's top-level package (its own package, its parents and their
  subpackages), `.py` files under that package's folder only: a name that resolves outside it
  (a symlink out, a relative import above the top-level package) is not read. For a file of
  `keras` or `tensorflow` only its own folder is read (keras/src/applications/resnet_v2.py
  reads resnet.py): every other Keras module is the API the reader already knows, and so is
  the shared `imagenet_utils` (as keras-applications' relatively imported helpers are,
  editor.code.keras_applications_package).
- each module once (cached; a module imported while it is being read is not, as a cycle). Its
  statements run as the file's do, with `__name__` its own name; `from m import *` binds its
  names that do not start with `_`; a class in it is left out like a statement the model may
  not need (using it refuses, naming the class). A package's `__init__.py` is read only for a
  name imported from the package itself (`from .. import helper`), not on every import of a
  submodule as Python runs it: the reader needs the names, not their side effects.
- the same screen as the file (dunder names, exec, open, file and network calls...), the same
  size checks per module, at most MAX_MODULES modules and MAX_MODULE_BYTES bytes in all, and
  one step budget for the file and its modules together.

A module that cannot be read (missing, outside the folder, refused by the screen, not Python, a
cycle) is not read at all: the import is left out like any statement the model may not need, its
names unknown from there on, and a model that needs them is refused in one line naming the
import's line, the module and why. The limits, and a refusal met while a module's statements are
read (the step budget...), refuse the whole import. Module k's syntax nodes are numbered from
k * LINE_OFFSET (so lines of two files never meet in the reader's bookkeeping); `named_lines`
writes them back as "line 74 of keras_unet_collection/layer_utils.py".
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from editor.code import keras_applications_package
from editor.code.code_values import Refused, Skip, Unknown

MAX_MODULES = 24
MAX_MODULE_BYTES = 2_000_000  # the modules' bytes together (each is also held to the file's limits)
LINE_OFFSET = 1_000_000  # more than any file's lines (editor.code.reader.MAX_LINES)
SHARED_TOPS = ("keras", "tensorflow")  # their other modules are the Keras API the reader knows
API_MODULES = frozenset({"imagenet_utils"})
RELATIVE_HINT = ("a relative import reads a module of the file's own package, which pasted code does not "
                 "come with: import the file from its path (python -m editor import FILE.py) to have it read")


@dataclass(frozen=True)
class Package:
    """Where the imported file lives: `module` is its dotted name ("keras_unet_collection._model_unet_2d";
    for a package's __init__.py, the package's), `root` the folder holding its top-level package."""

    module: str
    root: Path
    init: bool = False

    @property
    def top(self) -> str:
        return self.module.split(".")[0]

    @property
    def package(self) -> str:
        """The package its relative imports start from."""
        return self.module if self.init else self.module.rpartition(".")[0]

    def folder(self) -> Path:
        """The folder the reader may read modules from."""
        if self.top in SHARED_TOPS:
            return self.root.joinpath(*self.package.split("."))
        return self.root / self.top


def package_of(path: Path) -> Optional[Package]:
    """The package of a file, walking up from it while folders hold an __init__.py (None when
    the file's folder is no package)."""
    path = Path(path).resolve()
    init = path.name == "__init__.py"
    parts = [] if init else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    if len(parts) < 2 - init or not all(p.isidentifier() for p in parts):
        return None
    return Package(".".join(parts), folder, init)


@dataclass(eq=False)
class PackageModule:
    """A module of the file's package, as read: its names are its scope's."""

    name: str
    scope: Any  # editor.code.reader.statements.Scope

    def attribute(self, attr: str, line: int) -> Any:
        if attr not in self.scope.vars:
            raise Skip(line, f"module {self.name} has no attribute '{attr}'")
        value = self.scope.vars[attr]
        if isinstance(value, Unknown):
            raise Skip(line, f"uses '{self.name}.{attr}', which line {value.line} left out")
        return value


@dataclass
class _File:
    module: str
    relative: str  # its path under Package.root, as messages name it
    init: bool
    tree: Optional[ast.Module] = None


@dataclass
class Modules:
    """The modules one reader has read (or is reading) for `package`."""

    package: Package
    files: list[_File] = field(default_factory=list)  # module k is files[k - 1]
    read: dict[str, PackageModule] = field(default_factory=dict)
    reading: list[str] = field(default_factory=list)
    unread: dict[str, str] = field(default_factory=dict)  # module -> why it is not read
    size: int = 0

    # --- which imports are the package's

    def importer(self, node: ast.AST) -> tuple[str, bool]:
        """(the module a syntax node is in, whether that is a package's __init__.py)."""
        index = getattr(node, "lineno", 0) // LINE_OFFSET
        if 0 < index <= len(self.files):
            return self.files[index - 1].module, self.files[index - 1].init
        return self.package.module, self.package.init

    def absolute(self, node: ast.ImportFrom) -> Optional[str]:
        """The dotted module `from X import ...` names (a relative one resolved; None above the top)."""
        if not node.level:
            return node.module or ""
        module, init = self.importer(node)
        parts = module.split(".")[:None if init else -1]
        if node.level - 1 >= len(parts):
            return None
        base = parts[:len(parts) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def owns(self, dotted: str) -> bool:
        """Whether `dotted` is a module the reader reads from the package's folder."""
        top = self.package.top
        if top not in SHARED_TOPS:
            return dotted == top or dotted.startswith(top + ".")
        parent, _, last = dotted.rpartition(".")
        return parent == self.package.package and last not in API_MODULES and self.module_path(dotted) is not None

    def own_import(self, node: ast.AST) -> bool:
        """Whether an import statement names the package's modules (read here, not left out)."""
        if isinstance(node, ast.Import):
            return any(self.owns(a.name) and (a.asname or self.package.top not in SHARED_TOPS) for a in node.names)
        if not isinstance(node, ast.ImportFrom):
            return False
        base = self.absolute(node)
        if base is None:
            return bool(node.level)
        if self.package.top in SHARED_TOPS and base == self.package.package:
            return all(self.owns(f"{base}.{a.name}") for a in node.names)
        return self.owns(base)

    # --- reading

    def module_path(self, dotted: str) -> Optional[Path]:
        parts = dotted.split(".")
        if not all(p.isidentifier() and not p.startswith("__") for p in parts):
            return None
        base = self.package.root.joinpath(*parts)
        for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def load(self, reader: Any, dotted: str, line: int) -> PackageModule:
        """The module `dotted`, read once. One that cannot be read (missing, outside the folder,
        refused by the screen, not Python, a cycle) is a Skip naming it and why: the import is left
        out, as any statement the model may not need; the limits and a refusal met while its
        statements are read refuse the whole import."""
        if dotted in self.reading or dotted == self.package.module:
            chain = " -> ".join([*self.reading, dotted]) if dotted in self.reading else dotted
            raise Skip(line, f"the modules import each other ({chain}): a cycle is not read")
        if dotted in self.unread:
            raise Skip(line, self.unread[dotted])
        if dotted in self.read:
            return self.read[dotted]
        path = self.module_path(dotted)
        if path is None:
            raise self._unread(line, dotted, f"no module {dotted} in {self.package.folder().name}/: "
                                             "the file's package has no such .py file")
        if not path.resolve().is_relative_to(self.package.folder().resolve()):
            raise self._unread(line, dotted, f"module {dotted} is outside {self.package.folder().name}/ "
                                             "(a link out of the package): not read")
        if len(self.files) >= MAX_MODULES:
            raise Refused(f"line {line}: module {dotted}: more than {MAX_MODULES} modules of the package to read")
        self.size += path.stat().st_size
        if self.size > MAX_MODULE_BYTES:
            raise Refused(f"line {line}: module {dotted}: the package's modules are over {MAX_MODULE_BYTES:,} bytes")
        file = _File(dotted, path.relative_to(self.package.root).as_posix(), path.name == "__init__.py")
        self.files.append(file)
        try:
            tree = self._parsed(reader, path.read_bytes(), file)
        except Refused as err:
            raise self._unread(line, dotted, _inside(dotted, file.relative, str(err))) from None
        module = self.read[dotted] = PackageModule(dotted, type(reader.globals)())
        module.scope.vars["__name__"] = dotted
        self.reading.append(dotted)
        try:
            reader.read_module(tree, module.scope)
        except Refused as err:
            raise Refused(f"line {line}: in module {dotted}, {err}") from None
        finally:
            self.reading.pop()
        return module

    def _unread(self, line: int, dotted: str, reason: str) -> Skip:
        self.unread[dotted] = reason
        return Skip(line, reason)

    def _parsed(self, reader: Any, data: bytes, file: _File) -> ast.Module:
        """The module's syntax, numbered from its offset and screened as the file is."""
        from editor.code.reader.budget import parse_checked

        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused("not UTF-8 text") from None
        tree = file.tree = parse_checked(source, file.relative, len(self.files) * LINE_OFFSET)
        reader.screen(tree, module=True)
        return tree


def _inside(dotted: str, relative: str, message: str) -> str:
    """Why a module is not read: "module m is not read: line 9 of m.py: why"."""
    if re.match(r"line \d+: ", message):
        return f"module {dotted} is not read: {message}"
    return f"module {dotted} ({relative}) is not read: {message}"


def keras_applications_file(reader: Any, node: ast.AST) -> bool:
    """Whether the file (or module) a relative import is in follows keras-applications'
    convention, whose helpers the reader knows as Keras's (editor.code.keras_applications_package):
    it imports get_submodules_from_kwargs relatively, or it is a module of keras_applications."""
    modules: Optional[Modules] = getattr(reader, "modules", None)
    if modules is not None and modules.package.top == "keras_applications":
        return True
    index = getattr(node, "lineno", 0) // LINE_OFFSET
    tree = modules.files[index - 1].tree if modules is not None and 0 < index <= len(modules.files) else reader.tree
    return keras_applications_package.is_package_file(tree)


def read_imports(reader: Any, node: ast.AST, scope: Any) -> bool:
    """An import of the file's own package, its modules read and their names bound as the import
    binds them (True); False for any other import (and without a package). A module that cannot
    be read leaves the import out: its names are unknown from here on, and a use names why."""
    modules: Optional[Modules] = getattr(reader, "modules", None)
    if modules is None or not modules.own_import(node):
        return False
    try:
        _bind(reader, modules, node, scope)
    except Skip as skip:
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            if alias.name != "*" and not isinstance(scope.vars.get(name), PackageModule):
                scope.vars[name] = Unknown(skip.line, skip.reason)
        raise
    return True


def _bind(reader: Any, modules: Modules, node: ast.AST, scope: Any) -> None:
    line = node.lineno
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                scope.vars[alias.asname] = modules.load(reader, alias.name, line)
                continue
            parts = alias.name.split(".")
            scope.vars[parts[0]] = outer = modules.load(reader, parts[0], line)
            for depth in range(2, len(parts) + 1):  # import a.b.c: a, then a.b, then a.b.c, each its parent's attribute
                inner = modules.load(reader, ".".join(parts[:depth]), line)
                outer.scope.vars[parts[depth - 1]] = inner
                outer = inner
        return
    base = modules.absolute(node)
    if base is None:
        raise Skip(line, f"a relative import above the top-level package {modules.package.top}")
    for alias in node.names:
        if alias.name == "*":
            module = modules.load(reader, base, line)
            scope.vars.update({k: v for k, v in module.scope.vars.items() if not k.startswith("_")})
        elif modules.module_path(f"{base}.{alias.name}") is not None:  # a submodule: pkg/name.py
            scope.vars[alias.asname or alias.name] = modules.load(reader, f"{base}.{alias.name}", line)
        else:  # a name of the package's __init__.py, or of the module
            module = modules.load(reader, base, line)
            if alias.name not in module.scope.vars:
                raise Skip(line, f"cannot import name '{alias.name}' from {base}")
            scope.vars[alias.asname or alias.name] = module.scope.vars[alias.name]


def relative_left_out(reader: Any, node: ast.ImportFrom, scope: Any) -> Skip:
    """A relative import the reader does not read: without the file's package, its names are
    unknown from here on, so that a use names this line and how to have it read."""
    if getattr(reader, "modules", None) is not None:
        return Skip(node.lineno, "a relative import is not model-building code")
    for alias in node.names:
        if alias.name != "*":
            scope.vars[alias.asname or alias.name] = Unknown(node.lineno, RELATIVE_HINT)
    return Skip(node.lineno, RELATIVE_HINT)


def named_lines(reader: Any, text: str) -> str:
    """A message with a module's lines as "line 74 of pkg/layer_utils.py" (the file's own as they are)."""
    modules: Optional[Modules] = getattr(reader, "modules", None)
    if modules is None or not modules.files:
        return text

    def named(found: re.Match) -> str:
        index, line = divmod(int(found.group(1)), LINE_OFFSET)
        if not 0 < index <= len(modules.files):
            return found.group(0)
        return f"line {line} of {modules.files[index - 1].relative}"

    return re.sub(r"\bline (\d{7,})\b", named, text)
