"""Statements whose own line changes nothing the reader holds, so that a loop pass made only
of them (and of lines left out) would do the same again (editor.code.reader.statements:
`Statements.passes`): Python's own `print` of arguments that call nothing, and a `for` over
`range`, `enumerate`, `zip`... (its body's statements count as they are read)."""

from __future__ import annotations

import ast
from typing import Any

_ITERATION = frozenset({"range", "enumerate", "zip", "reversed", "len", "sorted", "list", "tuple"})


def _builtin(name: str, scope: Any) -> bool:
    try:
        scope.find(name)
    except KeyError:
        return True
    return False


def _loops(statement: ast.stmt, scope: Any) -> bool:
    """A `for` whose own line changes nothing (its body's statements count as they are read):
    what it loops over calls nothing but range, enumerate, zip... (`for x in lst.pop():` does)."""
    return isinstance(statement, ast.For) and all(
        isinstance(n.func, ast.Name) and n.func.id in _ITERATION and _builtin(n.func.id, scope)
        for n in ast.walk(statement.iter) if isinstance(n, ast.Call)) \
        and not any(isinstance(n, ast.NamedExpr) for n in ast.walk(statement.iter))


def _prints(statement: ast.stmt, scope: Any) -> bool:
    """`print(...)` as a statement, Python's own print (not a name the file binds), of
    arguments that change nothing (no call in them: `print(layers.pop())` changes a list)."""
    if not _is_print(statement):
        return False
    if any(isinstance(n, (ast.Call, ast.NamedExpr)) for arg in [*statement.value.args, *statement.value.keywords]
           for n in ast.walk(arg)):
        return False
    return _builtin("print", scope)


def changes_nothing(statement: ast.stmt, scope: Any) -> bool:
    return _prints(statement, scope) or _loops(statement, scope)


def names_read(statement: ast.stmt, memo: dict) -> frozenset:
    """The names a statement reads anywhere but in a print's arguments (a print changes
    nothing, whatever it reads); worked out once per statement (`memo`: id -> names), so a
    loop's body and the loops around it walk each statement once."""
    found = memo.get(id(statement))
    if found is None:
        names: set = set()
        if not _is_print(statement):
            for child in ast.iter_child_nodes(statement):
                if isinstance(child, ast.stmt):
                    names |= names_read(child, memo)
                else:
                    names.update(n.id for n in ast.walk(child) if isinstance(n, ast.Name))
        found = memo[id(statement)] = frozenset(names)
    return found


def body_reads(loop: ast.For, memo: dict) -> frozenset:
    """The names a loop's body reads, prints aside."""
    return frozenset().union(*(names_read(statement, memo) for statement in loop.body))


def _is_print(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
        and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "print"
