"""What the code reader's values are: Keras names, layers, tensors, models. No Keras.

editor.code.reader walks Python's syntax tree and computes with these instead of running
anything: a layer call makes a `Record` (a future node), arithmetic on tensors makes a
`Sym` (an expression of the language of editor.model.expr over tensors, made into an op node
only where a layer, a model output or a loss needs it, so `x0 * x + cross` is one node).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from editor.model import expr
from editor.errors import UserError
from editor.model.expr import BinOp, Call, Expr, Name, Neg, Subscript, TensorList
from editor.model.graph import name_problem
from editor.model.problems import printable

MAX_NUMBER = 10**15  # the largest number a file may compute (the reader and the Keras calls refuse more)


class Refused(UserError):
    """Code the editor will not read any further (one line naming the line and the construct)."""

    def __init__(self, message: str):
        super().__init__(printable(message))  # names from the file may hold line breaks


class Skip(UserError):
    """A statement the editor cannot express (one line); a top-level one is skipped with a note."""

    def __init__(self, line: int, reason: str):
        reason = printable(reason)  # a layer named "a\nb" stays on the one line
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


class CodeRefused(UserError):
    """Code that gives no project (one line: the line number and the construct); `steps`
    and `parsed`: the reader's counts until then (what tests measure its work by, never a clock)."""

    def __init__(self, message: str, steps: int = 0, parsed: int = 0):
        super().__init__(message)
        self.steps, self.parsed = steps, parsed


@dataclass(frozen=True)
class Namespace:
    """A dotted Keras (or TensorFlow, numpy) name not yet called: `keras.layers.Dense`."""

    path: str

    def attribute(self, name: str) -> "Namespace":
        return Namespace(f"{self.path}.{name}")


@dataclass(eq=False)
class Record:
    """One future node: an input, a layer call, a model call or an op; `index` orders them."""

    index: int
    kind: str  # input, layer, model, op, loss
    name: str
    line: int
    inputs: list = field(default_factory=list)  # Ref-like (record, output) pairs
    input_names: list = field(default_factory=list)
    class_name: Optional[str] = None
    config: dict = field(default_factory=dict)
    shape: Optional[tuple] = None
    dtype: str = "float32"
    expression: Optional[str] = None
    model: Optional["ModelValue"] = None
    shares: Optional["Record"] = None
    weight: float = 1.0  # a loss node's
    named_by_call: bool = False  # a name made up at the call: the variable it is assigned to names it
    layer: Optional["Layer"] = None  # a layer's first call: the layer object (model.layers gives it back)
    calls: tuple = ()  # the HelperCalls running when it was made, outermost first: its blocks


@dataclass(eq=False)
class Layer:
    """A layer object: `layers.Dense(64)`; its first call owns it, later calls share it."""

    class_name: str
    config: dict
    name: str
    line: int
    owner: Optional[Record] = None
    name_given: bool = False  # name= in the code (kept in a wrapped layer's config)
    function: Optional["Function"] = None  # Lambda: the function of the file it applies
    arguments: Optional[dict] = None  # Lambda(f, arguments={"scale": 0.17}): f's keyword arguments

    @property
    def outputs(self) -> Optional[int]:
        """How many tensors a call returns, when the config says (return_state...); None: one."""
        config = self.config
        wrapped = config.get("layer", {}).get("config", {}) if isinstance(config.get("layer"), dict) else {}
        if config.get("return_attention_scores") or any(c.get("return_state") for c in (config, wrapped)):
            return 0  # several: unpacking or indexing says how many
        return None


@dataclass(eq=False)
class Sym:
    """A symbolic tensor: an expression over tensors (leaves: placeholder name -> (record, output))."""

    tree: Expr
    leaves: dict
    multi: bool = False  # a call that returns several tensors: x[1] is its second output
    hint: Optional[str] = None  # the variable it was assigned to, for an op node's name
    made: Optional[tuple] = None  # (record, output) once it is a node

    @staticmethod
    def of(record: Record, output: int = 0, multi: bool = False) -> "Sym":
        name = f"_t{record.index}_{output}"
        return Sym(Name(name), {name: (record, output)}, multi=multi,
                   made=(record, output))


@dataclass(eq=False)
class ModelValue:
    """`keras.Model(inputs, outputs)`, or a Sequential model once it has its layers."""

    name: str
    line: int
    inputs: list  # Syms of input records
    outputs: list  # Syms
    losses: list = field(default_factory=list)  # loss records (add_loss)
    compile: dict = field(default_factory=dict)
    sequential: Optional[list] = None  # Sequential: its layers (Layer values), in order
    input_record: Optional[Record] = None
    layers: Optional[list] = None  # a keras.applications model: its layers (LayerHandles), for .layers
    application: Optional[dict] = None  # a keras.applications model: its class, arguments and line (editor.code.applications)
    data_shape: Optional[tuple] = None  # a Sequential that fit() built from the data: its input shape (editor.code.data_builds)
    data_lines: tuple = ()  # the lines of the data calls (fit, predict...) read on it since it was built


@dataclass(eq=False)
class HelperCall:
    """One call of a function of the file (`residual_block(x, 64)`): the block of the nodes
    made while it runs. `name`: its `name=` text argument, if it has one."""

    function: str
    name: Optional[str] = None
    kind: Optional[str] = None  # the blocks' kind the def's docstring names (exported code); else the function's name
    line: int = 0  # where it is called


def comment_string(lines: list, line: int, pattern: "re.Pattern") -> Optional[str]:
    """The JSON string `pattern`'s first group finds on line `line` of `lines` (a comment of
    exported code: read, never run); None when there is none."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    found = pattern.search(text)
    if not found:
        return None
    try:
        value = json.loads(found.group(1))
    except ValueError:
        return None
    return value if isinstance(value, str) else None


KIND_DOCSTRING = re.compile(r'A block of kind ("(?:[^"\\]|\\.){0,300}"): each call makes new layers\.')


def docstring_kind(function_node: Any) -> Optional[str]:
    """The kind of block an exported def's docstring names (editor.code.codegen_blocks.KIND_DOC);
    None (the function's name is the kind) when there is none or it is no name the editor takes."""
    body = getattr(function_node, "body", None)
    first = body[0] if isinstance(body, list) and body else None
    text = first.value.value if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else None
    found = KIND_DOCSTRING.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return None
    kind = json.loads(found.group(1))
    return kind if isinstance(kind, str) and (kind == "" or name_problem(kind) is None) else None


@dataclass(eq=False)
class Function:
    """A `def` (or lambda) of the file: called by walking its body with its arguments bound."""

    node: Any  # ast.FunctionDef or ast.Lambda
    scope: Any  # the scope it was defined in
    defaults: dict
    name: str


@dataclass(frozen=True)
class LayerHandle:
    """`model.get_layer("loss1")`: a node already made, whose `.output` is its tensor."""

    record: Record


@dataclass(frozen=True)
class BoundMethod:
    """A method not yet called: `model.compile`, `names.append`, `"{}_bn".format`."""

    owner: Any  # a ModelValue, list, dict or str
    name: str


@dataclass(frozen=True)
class DtypeOf:
    """`y_pred.dtype`: what `ops.cast(y_true, y_pred.dtype)` casts to (the same type: no cast)."""

    tensor: Sym


@dataclass(frozen=True)
class Optimizer:
    """`keras.optimizers.Adam(learning_rate=1e-3)`: the name Keras saves it by, and its settings."""

    name: str
    config: dict


@dataclass(frozen=True)
class Unknown:
    """A name bound by a skipped statement: using it says which line and why."""

    line: int
    reason: str


def refused_call(name: str) -> str:
    """The words for a call of a name the reader refuses: "open() is not model-building code"
    (the screen's, and the eval reader's, so the two say it alike)."""
    return f"{name}() is not model-building code"


def kind_of(value: Any) -> str:
    """What a value is, as a message names it: "tensor", "layer (Dense)", "model", "int"..."""
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
    if isinstance(value, BoundMethod):
        return "method"
    if isinstance(value, DtypeOf):
        return "tensor's dtype"
    if isinstance(value, Optimizer):
        return "Keras optimizer"
    if value is None:
        return "None"
    return type(value).__name__


def rename_leaves(tree: Expr, mapping: dict) -> Expr:
    """`tree` with its placeholder names replaced (an op node's readable input names)."""
    if isinstance(tree, Name):
        return Name(mapping.get(tree.id, tree.id))
    if isinstance(tree, BinOp):
        return BinOp(tree.op, rename_leaves(tree.left, mapping), rename_leaves(tree.right, mapping))
    if isinstance(tree, Neg):
        return Neg(rename_leaves(tree.operand, mapping))
    if isinstance(tree, Call):
        return Call(tree.func, tuple(rename_leaves(a, mapping) for a in tree.args), tree.kwargs)
    if isinstance(tree, TensorList):
        return TensorList(tuple(rename_leaves(a, mapping) for a in tree.items))
    if isinstance(tree, Subscript):
        return Subscript(rename_leaves(tree.value, mapping), tree.index)
    return tree


def named_expression(value: Sym, line: int) -> tuple[str, list[str], list]:
    """(text, input names, their (record, output)) of a symbolic tensor as an op or loss
    node holds it: its tensors named after their nodes (`dense`, `lstm_1` for output 1)."""
    from editor.model import names

    readable: dict[str, str] = {}
    for placeholder, (record, output) in sorted(value.leaves.items(), key=lambda kv: (kv[1][0].index, kv[1][1])):
        base = names.identifier(record.name) or "x"
        readable[placeholder] = names.unique(base if output == 0 else f"{base}_{output}",
                                             set(readable.values()) | names.KEYWORDS)
    tree = rename_leaves(value.tree, readable)
    order = [n for n in expr.names_in(expr.normalise(tree)) if n in readable.values()]
    by_name = {readable[p]: ref for p, ref in value.leaves.items()}
    return checked(tree, order, line), order, [by_name[n] for n in order]


def checked(tree: Expr, names: list[str], line: int) -> str:
    """The tree's canonical text, if the language accepts it (limits included)."""
    try:
        text = expr.normalise(tree)
        expr.parse(text, names)
    except expr.ExprError as err:
        raise Skip(line, f"an expression the editor cannot express: {err}") from None
    return text
