"""A left-out statement never changes the imported model: the checks that refuse, naming
the statement and the model that needs it, where the default mode would otherwise leave
out a line the model depends on or fall back to another model of the file."""

from __future__ import annotations

import ast
import re
from typing import Iterable, Optional

from editor.code.code_values import CodeRefused, Function, ModelValue, Skip, Unknown
from editor.code.reader import Reader


_MODEL_CLASSES = ("Model", "Sequential", "Functional")
_LEFT_BY = re.compile(r"which line (\d+) left out$")


def _root_skip(reader: Reader, skip: Skip) -> Skip:
    """The statement a chain of left-out lines starts from: `uses 'shape', which line 12
    left out` -> line 12's own reason."""
    by_line = {}
    for s in reader.skipped:
        by_line.setdefault(s.line, s)
    seen = set()
    while True:
        found = _LEFT_BY.search(skip.reason)
        if not found or int(found.group(1)) in seen or int(found.group(1)) not in by_line:
            return skip
        seen.add(int(found.group(1)))
        skip = by_line[int(found.group(1))]


def _refuse_for(reader: Reader, skip: Skip, model: str, what: str = "") -> CodeRefused:
    root = _root_skip(reader, skip)
    needs = what or f"the model '{model}'"
    return CodeRefused(f"line {root.line}: {root.reason}: this line was left out, and {needs} needs it")


def check_not_built(reader: Reader, name: str, line: Optional[int]) -> None:
    """The model `name` (assigned at `line`, or anywhere) was not built because a
    statement was left out: refuse, naming that statement, rather than take another model."""
    for first, last, skip, _ in reader.memo.left_out:
        if line is not None and first <= line <= last:
            raise _refuse_for(reader, skip, name)
    if line is None:
        for first, last, skip, _ in reader.memo.left_out:
            unknown = reader.globals.vars.get(name)
            if isinstance(unknown, Unknown) and unknown.line == skip.line:
                raise _refuse_for(reader, skip, name)


def check_builder_calls(reader: Reader) -> None:
    """No model was built, and a statement left out calls a function of the file (`main()`):
    that call may have been what builds the model, so calling the file's builders instead
    could give another one."""
    for _, _, skip, statement in reader.memo.left_out:
        for node in _run_when_defined(statement):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and isinstance(reader.globals.vars.get(node.func.id), (Function, Unknown)):
                raise _refuse_for(reader, skip, "", f"the model that {node.func.id}() builds")


def _run_when_defined(statement: ast.AST):
    """The nodes of a statement that run when it runs: a method's or nested function's body
    (`class Client: def __init__(self): self.model = load_model()`) runs only when called,
    its decorators and default values at once."""
    pending = [statement]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not statement:
            pending.extend([*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)])
        elif isinstance(node, ast.Lambda):
            pending.extend([*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
        else:
            pending.extend(ast.iter_child_nodes(node))


def check_last_model(reader: Reader) -> None:
    """The file's last model assignment (`autoencoder = Model(...)`, wherever it is) must
    not have been left out: the import would give another model of the file."""
    if not reader.memo.left_out or reader.tree is None:
        return
    last = None
    for node in ast.walk(reader.tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if called in _MODEL_CLASSES and (last is None or node.lineno > last.lineno):
                last = node
    if last is not None:
        target = next((t.id for t in last.targets if isinstance(t, ast.Name)), "model")
        check_not_built(reader, target, last.lineno)


def check_model_taint(reader: Reader, model: ModelValue) -> None:
    """A statement left out would have changed this model (`model.add(Conv2D(..., input_shape=
    x_train.shape[1:]))`): refuse naming it, before anything is read from what is left."""
    if id(model) in reader.taints:
        _, skip, _ = reader.taints[id(model)]
        named = next((var for var, m in reversed(reader.models) if m is model), model.name)
        raise _refuse_for(reader, skip, named)


def check_taints(reader: Reader, made: Iterable[int], chosen: ModelValue) -> None:
    """Refuse when a statement left out would have changed the imported model: a method
    call or assignment on one of its models (`seq.add(...)`), or a node it uses that a
    statement made before it was left out."""
    taints = reader.taints
    if not taints:
        return
    named = next((var for var, m in reversed(reader.models) if m is chosen), chosen.name)
    for key in made:  # the ids of the models and records the project was made from
        if key in taints:
            _, skip, _ = taints[key]
            raise _refuse_for(reader, skip, named)
