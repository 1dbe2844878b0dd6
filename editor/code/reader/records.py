"""What the reader makes of layer, model and tensor-expression calls: records, the future nodes.

A layer's first call makes a layer record and owns the layer; later calls share it. A
tensor expression (`x0 * x + cross`) becomes an op record only where a layer, a model or a
loss needs it (`make`). Names are taken as the records are made (`Taken`).
"""

from __future__ import annotations

from typing import Any, Optional

from editor.code.code_values import Layer, ModelValue, Record, Skip, Sym, checked, kind_of, named_expression
from editor.model import expr
from editor.model.expr import BinOp, Call, Name, Neg, Subscript
from editor.model.graph import ARG_CALL_CLASSES, LIST_CALL_CLASSES, LIST_KEYWORDS, TENSOR_KEYWORDS


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


class Records:
    """The Reader's layer, model and op records (a mixin of editor.code.reader.core.Reader)."""

    lambda_shortcuts = False  # a Lambda gave back a tensor already made: model.layers cannot follow Keras

    def new_record(self, kind: str, base: str, line: int, name: Optional[str] = None, **fields) -> Record:
        record = Record(index=len(self.records), kind=kind, name=name or self.record_names.unique(base), line=line,
                        calls=tuple(self.calls), **fields)
        self.records.append(record)
        self.record_names.add(record.name)
        return record

    def make(self, value: Any, line: int) -> tuple:
        """(record, output) of a tensor, making an op node of an expression where needed."""
        if not isinstance(value, Sym):
            raise Skip(line, f"a {kind_of(value)} where a tensor is expected")
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
            result = self.call_function(layer.function, args, dict(layer.arguments or {}), line)
            if not isinstance(result, Sym):
                raise Skip(line, f"Lambda '{layer.name}' gives a {kind_of(result)}, not a tensor expression")
            if result.made is not None:  # Keras has a Lambda layer here, the graph has no node of it
                self.lambda_shortcuts = True
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
                elif value is False:
                    self.notes.append(_training_false(line, f"'{layer.name}'"))
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
            record.layer = layer
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
        if kwargs.get("training") is False:
            self.notes.append(_training_false(line, f"model '{model.name}'"))
        record = self.new_record("model", model.name, line, inputs=inputs, model=model)
        record.named_by_call = True
        outputs = len(model.outputs) + len(model.losses) if model.sequential is None else 1
        return Sym.of(record, 0, multi=outputs > 1)


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


def _training_false(line: int, what: str) -> str:
    """A project cannot hold `training=False` on a call: said, never silently dropped."""
    return (f"line {line}: training=False on {what} dropped: the editor trains it as fit() does (its Dropout "
            "active, its trainable BatchNormalization in training mode); the model and its parameters are the same")
