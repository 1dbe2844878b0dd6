"""The reader's statements: assignments and unpacking, imports, `for`, `if`, `def`, `return`.

A statement is run on the values of editor.code.code_values in a `Scope` (the file's
globals, a function's locals); one the editor cannot express raises `Skip`, and `block`
leaves it out, listed once with its line, the names it would have set unknown from then on.
"""

from __future__ import annotations

import ast
from typing import Any, Optional

from editor.code.code_values import Function, Layer, ModelValue, Namespace, Refused, Skip, Sym, Unknown, kind_of
from editor.code.custom_classes import refuse_class
from editor.code import keras_applications_package, package_modules
from editor.code import data_arrays, data_builds
from editor.code.reader import python_values
from editor.code.reader.budget import sets_doc_call, MAX_ITEMS, MAX_STEPS, MODULES, SYSTEM_MODULES
from editor.code.reader.python_statements import check_assert, check_decorators, raised
from editor.code.reader.unchanging import body_reads, changes_nothing, names_read


class Signal(BaseException):
    """How the reader runs the file's `return`, `break` and `continue`: control flow, never
    an error (BaseException, so no handler of errors can take one for a refusal)."""


class Return(Signal):
    """`return value` in a function of the file."""

    def __init__(self, value):
        self.value = value


class Break(Signal):
    """`break` in a loop of the file."""


class Continue(Signal):
    """`continue` in a loop of the file."""


class Scope:
    """Names and their values: the file's globals, or a function's or comprehension's locals."""

    def __init__(self, parent: Optional["Scope"] = None):
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.global_names: set[str] = set()  # `global x` in a function: x is assigned in the file's globals

    def owner(self, name: str) -> "Scope":
        """The scope an assignment to `name` writes to."""
        if name not in self.global_names:
            return self
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def find(self, name: str):
        scope = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        raise KeyError(name)


class Statements:
    """The Reader's statements (a mixin of editor.code.reader.core.Reader)."""

    def block(self, statements: list, scope: Scope) -> None:
        """Each statement in turn; one the editor cannot express is left out (listed once,
        with its line and reason), and the names it would have set are unknown from then on."""
        for statement in statements:
            made, models = len(self.records), len(self.all_models)
            try:
                self.statement(statement, scope)
                if not (isinstance(statement, ast.Pass) or changes_nothing(statement, scope)):
                    self.statements_read += 1
            except Skip as skip:
                self.left_out_now.append(statement)
                memo = self.memo
                if (skip.line, skip.reason) not in memo.skips:
                    memo.skips.add((skip.line, skip.reason))
                    self.skipped.append(skip)
                if id(statement) not in memo.assigned:  # a statement left out in a loop is walked once
                    memo.assigned[id(statement)] = assigned_names(statement)
                    memo.mutated[id(statement)] = mutated_names(statement)
                    memo.jumps[id(statement)] = jumps(statement)
                    memo.left_out.append((statement.lineno, statement.end_lineno or statement.lineno, skip, statement))
                for record in self.records[made:]:  # nodes a statement made before it was left out
                    self.taints[id(record)] = (record, skip, None)
                for model in self.all_models[models:]:  # and models (a helper's call left out after them)
                    self.taints[id(model)] = (model, skip, None)
                for name in memo.mutated[id(statement)]:
                    self.taint_mutated(name, scope, skip)
                for name in memo.assigned[id(statement)]:
                    scope.owner(name).vars[name] = Unknown(skip.line, skip.reason)
                if memo.jumps[id(statement)]:
                    raise  # a `return`, `break` or `continue` left out: the function or loop around it is left out too
            except RecursionError:
                raise Refused(f"line {statement.lineno}: nested too deeply to read") from None

    def taint_mutated(self, name: str, scope: Scope, skip: Skip) -> None:
        """A statement left out would have changed the value of `name` (`seq.add(...)`,
        `cfg["x"] = ...`): a model keeps it as a taint (refused if it is the one imported),
        a layer, list, dict or tensor becomes unknown from then on (its node, if made, tainted)."""
        owner = scope
        while owner is not None and name not in owner.vars:
            owner = owner.parent
        if owner is None:
            return
        value = owner.vars[name]
        if isinstance(value, ModelValue):
            self.taints[id(value)] = (value, skip, name)
        elif isinstance(value, (Layer, Sym, list, dict, set)):
            if isinstance(value, Layer) and value.owner is not None:
                self.taints[id(value.owner)] = (value.owner, skip, name)
            owner.vars[name] = Unknown(skip.line, skip.reason)

    def statement(self, node: ast.stmt, scope: Scope) -> None:
        self.step(node)
        line = node.lineno
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, scope)
        elif isinstance(node, ast.Assign) and sets_doc(node):
            return  # documentation: nothing of a model, and its text is not evaluated
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
            if isinstance(node.value, ast.Constant) or sets_doc_call(node.value):
                return  # a docstring, or documentation set: nothing of a model, its text not evaluated
            self.value(node.value, scope)
        elif isinstance(node, ast.FunctionDef):
            check_decorators(self, node, scope)  # those that change nothing about the graph, or Skip
            scope.vars[node.name] = Function(node, scope, self.defaults(node, scope, node.name), node.name)
        elif isinstance(node, ast.Return):
            raise Return(self.value(node.value, scope) if node.value is not None else None)
        elif isinstance(node, ast.For):
            if node.orelse:
                raise Skip(line, "for ... else")
            items = self.iterate(self.value(node.iter, scope), line)
            targets = {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            start = len(self.left_out_now)
            try:
                self.passes(node, items, targets, scope)
            finally:  # the loops around see each statement this one left out, once
                self.left_out_now[start:] = list({id(s): s for s in self.left_out_now[start:]}.values())
        elif isinstance(node, ast.If):
            try:
                taken = self.truth(self.value(node.test, scope), line)
            except Skip:
                if not same_imports(node.body, node.orelse):
                    raise
                self.notes.append(f"line {line}: both branches of this if import the same Keras names: "
                                  "read without its condition")
                taken = True
            self.block(node.body if taken else node.orelse, scope)
        elif isinstance(node, ast.Pass):
            return
        elif isinstance(node, ast.Break):
            raise Break()
        elif isinstance(node, ast.Continue):
            raise Continue()
        elif isinstance(node, ast.ClassDef):
            if self.is_add_loss(node):
                scope.vars["AddLoss"] = Namespace("kgs.AddLoss")  # the loss layer of the editor's own exported code
                return
            if node.lineno >= package_modules.LINE_OFFSET:  # a module's class: left out, and refused where used
                raise Skip(line, f"class {node.name}: a class is Python code the editor does not run")
            refuse_class(self, node, scope)
        elif isinstance(node, ast.Global):  # (at the file's level it changes nothing)
            scope.global_names.update(node.names)
        elif isinstance(node, ast.Assert):
            check_assert(self, node, scope)  # one that fails raises; one the reader cannot decide is read past
        elif isinstance(node, ast.Raise):
            raise raised(self, node, scope)  # a raise that runs: the file would stop here
        elif isinstance(node, ast.While):
            raise Skip(line, "while loops are not model-building code")
        elif isinstance(node, ast.With) and self.name_scopes(node, scope):
            self.block(node.body, scope)  # the layers' names are the same inside; only variable paths gain it
        else:
            raise Skip(line, f"{_STATEMENTS.get(type(node), type(node).__name__.lower())} is not model-building code")

    def passes(self, node: ast.For, items: list, targets: set, scope: Scope) -> None:
        """The loop's passes, cut short after a pass that changes nothing (state_of_reading)."""
        line = node.lineno
        uses_target = bool(targets & body_reads(node, self.memo.reads))  # `for j in range(i):`, `Dense(8 * i)`
        for index, item in enumerate(items):
            before, first_left = self.state_of_reading(), len(self.left_out_now)
            self.assign(node.target, item, scope, line)
            try:
                self.block(node.body, scope)
            except Break:
                break
            except Continue:
                pass
            reads_target = any(targets & names_read(left, self.memo.reads) for left in self.left_out_now[first_left:])
            if self.state_of_reading() == before and not (uses_target or reads_target) and index + 1 < len(items):
                self.notes.append(f"line {line}: a pass of this loop left out every line of it: "
                                  f"its other {len(items) - index - 1:,} passes were not read")
                break

    def state_of_reading(self) -> tuple:
        """What a pass of a loop can change: statements read (a loop's own passes aside), nodes,
        models and layer names made. A pass that changes none of them (every line left out,
        or `print`), and none of whose left-out lines reads the loop's variable, leaves the next
        pass the same names and values, so it would do the same: a training loop of 199 epochs
        after the model is read once, not 199 times."""
        return (self.statements_read, len(self.records), len(self.all_models), len(self.layer_names.counts),
                len(self.taints))

    def name_scopes(self, node: ast.With, scope: Scope) -> bool:
        """`with backend.name_scope("block"):` (keras.applications' NASNet): Keras names the
        layers made inside as it would outside, and prefixes only their variables' paths,
        which a project does not hold: read as its body, with a note."""
        for item in node.items:
            call = item.context_expr
            if item.optional_vars is not None or not isinstance(call, ast.Call):
                return False
            target = self.value(call.func, scope)
            if not (isinstance(target, Namespace) and target.path in NAME_SCOPES):
                return False
            [self.value(a, scope) for a in call.args]  # its name: checked as any value (a Skip if unknown)
        if not any("name_scope" in n for n in self.notes):
            self.notes.append(f"line {node.lineno}: name_scope(...) read as its body: the layers' names are Keras's "
                              "either way; their variables' paths are not prefixed")
        return True

    def _import(self, node, scope: Scope) -> None:
        relative = None
        if isinstance(node, ast.ImportFrom) and node.level:
            relative = keras_applications_package.relative_module(node) \
                if package_modules.keras_applications_file(self, node) else None
        if relative is None and package_modules.read_imports(self, node, scope):
            return  # a module of the file's own package, read from its folder
        if isinstance(node, ast.ImportFrom) and node.level and relative is None:
            raise package_modules.relative_left_out(self, node, scope)
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [relative or node.module or ""]
        outside = next((m for m in modules if m.split(".")[0] not in MODULES), None)
        if outside is not None:
            system = outside.split(".")[0] in SYSTEM_MODULES
            raise Skip(node.lineno, f"import {outside} {'reaches the system: it' if system else ''} is not model-building code"
                       .replace("  ", " "))
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.vars[alias.asname] = Namespace(canonical(alias.name))
                else:
                    top = alias.name.split(".")[0]
                    scope.vars[top] = Namespace(canonical(top))
            return
        module = canonical(relative or node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.star.append(module)
                continue
            scope.vars[alias.asname or alias.name] = python_values.constant(
                Namespace(canonical(f"{module}.{alias.name}")), node.lineno)  # from math import pi: the number

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
            scope.owner(target.id).vars[target.id] = value
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
                raise Skip(line, f"assignment to an item of a {kind_of(container)}")
        elif isinstance(target, ast.Starred):
            raise Skip(line, "starred assignment")
        elif isinstance(target, ast.Attribute):  # base.trainable = False
            from editor.code.frozen import set_attribute

            set_attribute(self, self.value(target.value, scope), target.attr, value, line)
        else:
            raise Skip(line, f"assignment to {type(target).__name__.lower()}: only names and tuples of names")

    def unpack(self, value: Any, count: int, line: int) -> list:
        if isinstance(value, Sym) and value.multi:
            record, _ = value.made
            return [Sym.of(record, i) for i in range(count)]
        if isinstance(value, (list, tuple)):
            if len(value) != count:
                raise Skip(line, f"unpacking {len(value)} values into {count} names")
            return list(value)
        raise Skip(line, f"unpacking a {kind_of(value)}")

    def iterate(self, value: Any, line: int) -> list:
        if isinstance(value, range):
            # a range too long to list takes as many steps as the loop would: the budget ends it
            self.charge(len(value) if len(value) <= MAX_ITEMS else MAX_STEPS + 1, line)
            return list(value)
        if isinstance(value, (list, tuple, dict, str)):
            self.charge(len(value), line)
            return list(value)
        if isinstance(value, (set, frozenset, python_values.Iterator)):
            return python_values.items(self, value, line)
        raise Skip(line, f"a for loop over a {kind_of(value)}")

    @staticmethod
    def truth(value: Any, line: int) -> bool:
        if isinstance(value, (Sym, Layer, ModelValue, Namespace, Function, Unknown, data_arrays.DataArray,
                              data_builds.Sequences, data_builds.Padded)):
            raise Skip(line, f"a condition on a {kind_of(value)}: only constants decide here")
        return bool(value)


NAME_SCOPES = ("keras.backend.name_scope", "keras.name_scope", "tensorflow.name_scope")
_STATEMENTS = {ast.With: "a with statement", ast.Try: "try", ast.Raise: "raise", ast.Global: "global",
               ast.Nonlocal: "nonlocal", ast.Delete: "del", ast.AsyncFunctionDef: "async def", ast.AsyncFor: "async for",
               ast.AsyncWith: "async with"}


_ALIASES = (("tensorflow.python.keras", "keras"), ("tensorflow.keras", "keras"), ("tf.keras", "keras"),
            ("keras.src", "keras"), ("keras.api", "keras"), ("keras.models.Functional", "keras.Model"), ("keras.layers.merge", "keras.layers"),
            ("keras.layers.core", "keras.layers"), ("keras.layers.convolutional", "keras.layers"),
            ("keras.layers.recurrent", "keras.layers"), ("keras.layers.pooling", "keras.layers"),
            ("keras.layers.normalization", "keras.layers"), ("keras.layers.embeddings", "keras.layers"),
            ("keras.layers.wrappers", "keras.layers"), ("keras.layers.advanced_activations", "keras.layers"),
            ("keras.layers.noise", "keras.layers"), ("keras.layers.local", "keras.layers"),
            ("keras.layers.convolutional_recurrent", "keras.layers"), ("keras.layers.cudnn_recurrent", "keras.layers"),
            ("keras.utils.vis_utils", "keras.utils"),
            ("keras.engine.topology", "keras.layers"), ("keras.engine", "keras.models"),
            ("tensorflow.python", "tensorflow"), ("keras_applications", "keras.applications"))


def same_imports(body: list, orelse: list) -> bool:
    """`if tf_version == 1: from keras.layers import Dense` / `else: from tensorflow.keras.layers
    import Dense`: both branches bind the same names to the same Keras objects, so which
    one runs does not matter."""
    def bound(statements: list) -> Optional[dict]:
        names = {}
        for statement in statements:
            if isinstance(statement, ast.Import):
                names.update({a.asname or a.name.split(".")[0]: canonical(a.name if a.asname else a.name.split(".")[0])
                              for a in statement.names})
            elif isinstance(statement, ast.ImportFrom) and not statement.level and statement.module \
                    and all(a.name != "*" for a in statement.names):
                names.update({a.asname or a.name: canonical(f"{statement.module}.{a.name}") for a in statement.names})
            else:
                return None
        return names

    first, second = bound(body), bound(orelse)
    return bool(first) and first == second and all(p.split(".")[0] in MODULES for p in first.values())


def canonical(path: str) -> str:
    """One spelling for each Keras name: tensorflow.keras.layers.Dense -> keras.layers.Dense."""
    for old, new in _ALIASES:
        if path == old or path.startswith(old + "."):
            path = new + path[len(old):]
    return path


def assigned_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.ClassDef):
        return [statement.name]  # (its methods' own names are not the file's)
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.append(node.id)
        elif isinstance(node, ast.FunctionDef):
            found.append(node.name)
    return found


# Methods whose call changes nothing the editor imports (training, saving, printing).
HARMLESS_METHODS = frozenset({
    "fit", "fit_generator", "evaluate", "evaluate_generator", "predict", "predict_generator", "predict_on_batch",
    "train_on_batch", "test_on_batch", "predict_classes", "predict_proba", "summary", "save", "save_weights", "load_weights", "to_json", "to_yaml",
    "count_params", "get_config", "get_weights", "set_weights", "get_layer", "reset_states", "call",
    "items", "keys", "values", "get", "copy", "index", "count", "format", "join", "lower", "upper", "strip", "replace",
    "numpy", "read", "write", "close", "show", "plot", "savefig", "figure"})


def mutated_names(statement: ast.stmt) -> list[str]:
    """The names whose value a statement changes in place: `seq.add(...)`, `names.append(...)`,
    `cfg["x"] = ...`, `layer.trainable = False` (the name at the root of the target)."""
    found: list[str] = []
    stack = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and node is not statement:
            continue  # its body runs only when it is called (a call of it is left out in turn)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr not in HARMLESS_METHODS:
            _root(node.func.value, found)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    _root(target.value, found)
        if isinstance(node, ast.FunctionDef):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return list(dict.fromkeys(found))


def _root(node: ast.AST, found: list) -> None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    if isinstance(node, ast.Name):
        found.append(node.id)


def jumps(statement: ast.stmt) -> bool:
    """Whether a statement holds a `return` (not in a nested def), or a `break` or
    `continue` of a loop around it. (A def's own returns are its own: a decorated def left out
    leaves out the def, not the function around it.)"""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False
    stack = [(statement, False)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, ast.Return) or (isinstance(node, (ast.Break, ast.Continue)) and not in_loop):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and node is not statement:
            continue
        loop = in_loop or isinstance(node, (ast.For, ast.While, ast.AsyncFor))
        stack.extend((child, loop) for child in ast.iter_child_nodes(node))
    return False


def sets_doc(node: ast.Assign) -> bool:
    """`preprocess_input.__doc__ = ...` and nothing else."""
    return all(isinstance(t, ast.Attribute) and t.attr == "__doc__" and isinstance(t.value, ast.Name)
               for t in node.targets)
