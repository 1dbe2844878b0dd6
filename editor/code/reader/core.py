"""The Reader: one file read, its statements, expressions, budget and records together.

`Reader(source).read()` measures the file, parses it, screens it whole and runs its
statements (editor.code.reader.statements, .expressions) within the step budget
(.budget), making records of its layer and model calls (.records, editor.code.code_calls).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Optional

from editor.code.code_values import HelperCall, ModelValue, Record, Refused, Skip, comment_string
from editor.code.reader.budget import Budget, parse_checked
from editor.code.reader.expressions import Expressions
from editor.code.reader.records import Records, Taken
from editor.code.reader.statements import Break, Continue, Return, Scope, Statements

# `x_1 = shared(x)  # node: "x"` (and `; in block: "b"` after it: editor.code.code_blocks)
NODE_COMMENT = re.compile(r'#\s*node:\s*("(?:[^"\\]|\\.)*")\s*(?:;[^"]*"(?:[^"\\]|\\.)*"\s*)?$')


@dataclass
class Memo:
    """What is worked out once per syntax node or line, however often the file's loops run it."""

    skips: set[tuple[int, str]] = field(default_factory=set)  # (line, reason) of each statement listed as left out
    assigned: dict[int, list[str]] = field(default_factory=dict)  # id(statement left out) -> the names it sets
    mutated: dict[int, list[str]] = field(default_factory=dict)  # id(statement left out) -> the names it changes in place
    jumps: dict[int, bool] = field(default_factory=dict)  # id(statement left out) -> holds a return, break or continue
    reads: dict[int, frozenset] = field(default_factory=dict)  # id(statement) -> names it reads, prints aside
    left_out: list = field(default_factory=list)  # (first line, last line, Skip, statement) of each statement left out
    comments: dict[int, Optional[str]] = field(default_factory=dict)  # line -> the node name its comment keeps
    lines: Optional[list[str]] = None  # the file's lines, split once
    named_op: Optional[str] = None  # ast.dump of exported code's named_op helper


class Reader(Budget, Statements, Expressions, Records):
    """Reads one file; `records`, `models`, `skipped` and `notes` are what it found."""

    def __init__(self, source: str, filename: str = "<code>"):
        self.source, self.filename = source, filename
        self.steps = 0
        self.statements_read = 0  # statements read to their end, loops and prints aside (Statements.state_of_reading)
        self.left_out_now: list = []  # statements left out in the passes of the loops being read
        self.parsed = 0  # syntax nodes of the file (0 until it is parsed)
        self.depth = 0
        self.calls: list[HelperCall] = []  # the file's functions being called now, outermost first
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
        self.memo = Memo()
        self.taints: dict[int, tuple] = {}  # id(model or node) -> (it, the Skip that changed it, the variable)
        self.tree: Optional[ast.Module] = None
        self.modules = None  # editor.code.package_modules.Modules: the file's own package, when it is known
        self.applications = 0  # keras.applications calls read (at most editor.code.applications.MAX_APPLICATIONS)

    # --- entry

    def read(self) -> "Reader":
        tree = parse_checked(self.source, self.filename)
        self.screen(tree)
        self.tree = tree
        self.read_module(tree, self.globals)
        return self

    def read_module(self, tree: ast.Module, scope: Scope) -> None:
        """A parsed and screened module's statements: the file's, or one of its package's
        (editor.code.package_modules)."""
        try:
            self.block(tree.body, scope)
        except (Break, Continue, Return):
            raise Refused("return, break or continue outside a function or loop") from None

    # --- the file's own text

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

        if self.memo.named_op is None:
            self.memo.named_op = ast.dump(ast.parse(NAMED_OP).body[0])
        return ast.dump(node) == self.memo.named_op

    def node_comment(self, line: int) -> Optional[str]:
        """The node name exported code keeps in a comment where its variable cannot be it:
        `class_1 = dense_layer(x)  # node: "class"` (a JSON string: read, never run). Each
        line is searched once (a loop on one long line would search it each time round)."""
        comments = self.memo.comments
        if line not in comments:
            comments[line] = self._comment(line)
        return comments[line]

    def source_lines(self) -> list[str]:
        """The file's lines as ast numbers them (split once)."""
        if self.memo.lines is None:
            self.memo.lines = re.split(r"\r\n|\r|\n", self.source)
        return self.memo.lines

    def _comment(self, line: int) -> Optional[str]:
        name = comment_string(self.source_lines(), line, NODE_COMMENT)
        return name if name is not None and 0 < len(name) <= 128 else None

