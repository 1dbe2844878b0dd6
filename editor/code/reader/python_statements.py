"""Statements real code wraps its model in: decorators that change nothing about the graph,
and `raise`, which refuses the file only when it runs (an argument check in a branch not
taken is read past, as Python runs past it)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from editor.code.code_values import Namespace, Refused, Skip

if TYPE_CHECKING:  # the reader calls this module with itself
    from editor.code.reader import Reader

# Decorators known to return the function itself, as far as the graph goes: Keras's and
# TensorFlow's API registration (keras.src.api_export, tensorflow.python.util.tf_export),
# functools.wraps (it copies a name and a docstring) and tf.function (it traces the same code).
EXPORTS = ("keras_export", "tf_export")
MAX_MESSAGE = 300  # characters of a raised message a refusal quotes


class Raised(Refused):
    """A `raise` the file runs: the file would stop there, with this message."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


def check_decorators(reader: Reader, node: ast.FunctionDef, scope) -> None:
    """Each decorator of `node` is one that changes nothing about the graph, or Skip naming it."""
    for decorator in node.decorator_list:
        if not _changes_nothing(reader, decorator, scope):
            text = ast.unparse(decorator)
            text = text if len(text) <= 80 else text[:77] + "..."
            raise Skip(node.lineno, f"decorated function {node.name}(): @{text} is not a decorator the editor reads")


def _changes_nothing(reader: Reader, decorator: ast.expr, scope) -> bool:
    called = isinstance(decorator, ast.Call)
    callee = decorator.func if called else decorator
    if not _dotted(callee):
        return False
    try:
        value = reader.value(callee, scope)
    except Skip:
        return False
    if not isinstance(value, Namespace):
        return False
    module, _, name = value.path.rpartition(".")
    arguments = [*decorator.args, *(k.value for k in decorator.keywords)] if called else []
    if not all(_inert(a) for a in arguments):
        return False
    if name in EXPORTS and module.split(".")[0] in ("keras", "tensorflow"):
        return called  # @keras_export("keras.x"); a bare @keras_export gives back an exporter, not the function
    if value.path == "functools.wraps":
        return called and len(decorator.args) == 1
    return value.path == "tensorflow.function" and (not called or not decorator.args)


def _dotted(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _inert(node: ast.AST) -> bool:
    """An argument of a decorator that computes nothing: constants and names, lists of them,
    and tf.TensorSpec(...) of those (an input signature)."""
    if isinstance(node, (ast.Constant, ast.Name, ast.Attribute)):
        return _dotted(node) or isinstance(node, ast.Constant)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_inert(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        return name == "TensorSpec" and all(_inert(a) for a in [*node.args, *(k.value for k in node.keywords)])
    return False


def check_assert(reader: Reader, node: ast.Assert, scope) -> None:
    """An assert the reader can decide: false, it raises (Raised, with its message); one it
    cannot decide (a tensor's shape) is read past, as before, unless deciding it made a node."""
    made = len(reader.records)
    try:
        holds = reader.truth(reader.value(node.test, scope), node.lineno)
    except Skip:
        if len(reader.records) > made:
            raise  # its nodes were made: the statement is left out, and they with it
        return
    if not holds:
        raise _raised(reader, node.lineno, "AssertionError", node.msg, scope)


def raised(reader: Reader, node: ast.Raise, scope) -> Raised:
    """The refusal a `raise` that runs gives: its exception and message, as Python would stop."""
    line = node.lineno
    if node.exc is None:
        return Raised(line, "the code raises an exception (raise)")
    call = node.exc if isinstance(node.exc, ast.Call) else None
    callee = call.func if call is not None else node.exc
    name = ast.unparse(callee) if _dotted(callee) else "an exception"
    return _raised(reader, line, name if len(name) <= 80 else name[:77] + "...",
                   call.args[0] if call is not None and call.args else None, scope)


def _raised(reader: Reader, line: int, name: str, message_node, scope) -> Raised:
    message = ""
    if message_node is not None:
        try:
            value = reader.value(message_node, scope)
        except Skip:  # a message the reader cannot compute: the exception alone
            value = None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            message = str(value).strip()
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 3] + "..."
    return Raised(line, f"the code raises {name}: {message}" if message else f"the code raises {name}")
