"""The reader's expressions: constants, names, attributes, indexing, arithmetic and calls.

`value` computes a syntax node's value: a constant, a collection, or a value of
editor.code.code_values (a tensor expression, a layer, a model, a Keras name). Calls of the
file's own functions walk their bodies; calls of Keras names go to editor.code.code_calls,
calls of layers and models to editor.code.reader.records.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from typing import Any

from editor.code import code_calls
from editor.code.code_calls import MERGE_FUNCTIONS, OPTIMIZER_CLASSES
from editor.code.code_values import (MAX_NUMBER, docstring_kind, BoundMethod, DtypeOf, Function, HelperCall, Layer, LayerHandle, ModelValue,
                                     Namespace, Refused, Skip, Sym, Unknown, kind_of)
from editor.code.reader import containers, eval_names
from editor.code.package_modules import PackageModule
from editor.code.reader.budget import MAX_CALL_DEPTH, MAX_TEXT, check_percent, check_width
from editor.code import data_arrays, data_builds
from editor.code.reader import python_values, text_methods
from editor.code.reader.keras_order import model_layers
from editor.code.shape_queries import StaticShape, model_shape, shape_attribute, shape_method, tensor_shape
from editor.code.reader.statements import Scope, Return, canonical
from editor.model import expr
from editor.model.expr import BinOp, Neg, Num, Slice, Subscript

# Names documents use without importing them, read as what they always mean there.
SNIPPET_NAMES = {"keras": "keras", "tf": "tensorflow", "K": "keras.backend", "layers": "keras.layers", "np": "numpy",
                 "Input": "keras.Input", "Model": "keras.Model", "Sequential": "keras.Sequential"}
BUILTINS = ("range", "len", "list", "tuple", "dict", "zip", "enumerate", "min", "max", "abs", "int", "float", "str",
            "round", "sum", "reversed", "sorted", "bool", "isinstance", "chr", "ord")


class Expressions:
    """The Reader's expressions (a mixin of editor.code.reader.core.Reader)."""

    def value(self, node: ast.AST, scope: Scope) -> Any:
        self.step(node)
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and abs(node.value) > MAX_NUMBER:
                raise Refused(f"line {line}: the number is too large (limit {MAX_NUMBER:g})")
            if isinstance(node.value, (complex, bytes)):
                raise Skip(line, f"a {kind_of(node.value)} constant")
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
            left = self.value(node.left, scope)  # `0 < a <= 1`: as Python, pair by pair, stopping at a false one
            for op, comparator in zip(node.ops, node.comparators):
                right = self.value(comparator, scope)
                result = self.binary(op, left, right, line)
                if len(node.ops) > 1 and (isinstance(result, Sym) or not self.truth(result, line)):
                    if isinstance(result, Sym):
                        raise Skip(line, "a chained comparison of tensors")
                    return result
                left = right
            return result
        if isinstance(node, ast.BoolOp):  # as Python runs it: `a or b` reads b only when a is false
            result = self.value(node.values[0], scope)
            for v in node.values[1:]:
                if self.truth(result, line) != isinstance(node.op, ast.And):
                    break
                result = self.value(v, scope)
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
            return Function(node, scope, self.defaults(node, scope, "lambda"), "lambda")
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.DictComp)):
            return self.comprehension(node, scope, line)
        if isinstance(node, ast.JoinedStr):
            text = ""
            for part in node.values:
                text += self.formatted(part, scope, line) if isinstance(part, ast.FormattedValue) else part.value
                if len(text) > MAX_TEXT:
                    raise Refused(f"line {line}: a string of more than {MAX_TEXT:,} characters")
            return text
        if isinstance(node, (ast.Set, ast.SetComp)):
            return python_values.make_set(self, node, scope, line)
        raise Skip(line, f"{type(node).__name__.lower()} expressions are not model-building code")

    def formatted(self, part: ast.FormattedValue, scope: Scope, line: int) -> str:
        """One {field} of an f-string as Python computes it: the conversion (!r, !s, !a), then
        the format spec (itself an f-string: `{x:>{width}}`), whose widths are capped as
        str.format's are (`{1:{10**9}}` is a gigabyte of spaces)."""
        value = self.value(part.value, scope)
        if not isinstance(value, (str, int, float, bool, type(None))):  # str() of a list walks all of it
            raise Skip(line, f"a {kind_of(value)} in an f-string: only text and numbers")
        if part.conversion != -1:
            value = {"s": str, "r": repr, "a": ascii}[chr(part.conversion)](value)
            if len(value) > MAX_TEXT:  # repr() of a 10,000-character text may be 4 times longer
                raise Refused(f"line {line}: a string of more than {MAX_TEXT:,} characters")
        spec = "" if part.format_spec is None else self.value(part.format_spec, scope)
        check_width(sum(int(n) for n in re.findall(r"\d+", spec)), line)
        try:
            return format(value, spec)
        except (ValueError, TypeError) as err:  # f"{'a':d}", f"{None:>4}"
            raise Skip(line, f"a format string Python refuses: {err}") from None

    def hashable(self, value, line: int):
        if isinstance(value, (str, int, float, bool, tuple)) or value is None:
            self.charge_size(value, line)  # hashing a tuple walks it
            try:
                hash(value)
            except TypeError:  # a tuple holding a list
                raise Skip(line, "a dict key that holds a list or dict") from None
            return value
        raise Skip(line, f"a dict key that is a {kind_of(value)}")

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
        if name in BUILTINS or name in python_values.BUILTINS:
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
                return Namespace(canonical(f"{module}.{name}"))
        if name in SNIPPET_NAMES:  # code from documents often leaves its imports out
            self.notes.append(f"line {line}: '{name}' is not defined: read as {SNIPPET_NAMES[name]}")
            self.globals.vars[name] = Namespace(SNIPPET_NAMES[name])
            return self.globals.vars[name]
        raise Skip(line, f"'{name}' is not defined")

    def attribute(self, value: Any, attr: str, line: int) -> Any:
        if isinstance(value, data_arrays.DataArray):
            return data_arrays.attribute(value, attr, line)
        if isinstance(value, (data_builds.Sequences, data_builds.Padded)):
            raise data_builds.unread(value, f"the attribute .{attr}", line)
        if isinstance(value, Function) and attr == "__doc__" and isinstance(value.node, ast.FunctionDef):
            return ast.get_docstring(value.node, clean=False)  # Python's own: its docstring or None
        if isinstance(value, PackageModule):
            return value.attribute(attr, line)
        if isinstance(value, Namespace):
            return python_values.constant(Namespace(canonical(f"{value.path}.{attr}")), line)  # math.pi: the number
        if isinstance(value, python_values.VALUES):
            return python_values.attribute(value, attr, line)
        if isinstance(value, ModelValue):
            if attr in ("compile", "add_loss", "add", "summary", "fit", "evaluate", "predict", "save", "save_weights",
                        "load_weights", "get_layer", "train_on_batch", "predict_on_batch", "build"):
                return BoundMethod(value, attr)
            if attr in ("input", "inputs"):
                return value.inputs[0] if attr == "input" and len(value.inputs) == 1 else list(value.inputs)
            if attr in ("output", "outputs"):
                return value.outputs[0] if attr == "output" and len(value.outputs) == 1 else list(value.outputs)
            if attr == "name":
                return value.name
            if attr in ("output_shape", "input_shape"):
                return model_shape(self, value, attr, line)
            if attr == "layers":
                if self.lambda_shortcuts:
                    raise Skip(line, "model.layers in a file whose Lambda layer gives back its input: "
                                     "Keras's order of the layers is unknown to the editor")
                return model_layers(value, line)
        if isinstance(value, Layer) and attr == "output" and value.owner is not None:
            return Sym.of(value.owner, 0, multi=value.outputs is not None)  # Keras: its first call's output
        if isinstance(value, Layer) and attr == "name":
            return value.name
        if isinstance(value, LayerHandle) and attr in ("output", "name"):
            return Sym.of(value.record) if attr == "output" else value.record.name
        if isinstance(value, Sym) and attr in ("shape", "get_shape"):
            return tensor_shape(self, value, line, attr)  # Keras's shape inference (editor.code.shape_queries)
        if isinstance(value, StaticShape):
            return shape_attribute(value, attr, line)
        if isinstance(value, Sym) and attr == "dtype":
            return DtypeOf(value)  # ops.cast(y_true, y_pred.dtype): a cast to the same type
        if isinstance(value, (list, dict)) and attr in ("append", "extend", "items", "keys", "values", "get", "pop",
                                                        "update", "setdefault", "copy"):
            return BoundMethod(value, attr)
        if isinstance(value, str):
            return text_methods.attribute(value, attr, line)
        raise Skip(line, f"the attribute .{attr} of a {kind_of(value)} is not model-building code")

    def subscript(self, value: Any, index_node: ast.AST, scope: Scope, line: int) -> Any:
        index = self.value(index_node, scope)
        if isinstance(value, data_arrays.DataArray):
            return data_arrays.subscript(value, index, line)
        if isinstance(value, (data_builds.Sequences, data_builds.Padded)):
            raise data_builds.unread(value, "indexing", line)
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
                    raise Skip(line, f"indexing a tensor with a {kind_of(item)}")
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
        raise Skip(line, f"indexing a {kind_of(value)}")

    def binary(self, op: ast.AST, left: Any, right: Any, line: int) -> Any:
        if isinstance(left, data_arrays.DataArray) or isinstance(right, data_arrays.DataArray):
            return data_arrays.binary(op, left, right, line)
        if python_values.owns(left, right):  # sets, and types compared
            return python_values.binary(self, op, left, right, line)
        if isinstance(op, (ast.Is, ast.IsNot)) and None in (left, right) and (isinstance(left, Sym) or isinstance(right, Sym)):
            return isinstance(op, ast.IsNot)  # `if p is None:` of a tensor: a tensor is never None
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
        raise Skip(line, f"arithmetic of a tensor and a {kind_of(value)}")

    def constant_op(self, op: ast.AST, values: tuple, line: int) -> Any:
        functions = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
                     ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
                     ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
                     ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
                     ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
                     ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not}
        if type(op) not in functions:
            raise Skip(line, f"the operator {type(op).__name__}")
        plain = (int, float, bool, str, tuple, list, type(None), dict, set, frozenset)
        if not all(isinstance(v, plain) for v in values):
            raise Skip(line, f"arithmetic on a {kind_of(next(v for v in values if not isinstance(v, plain)))}")
        if any(isinstance(v, (str, tuple, list, dict)) for v in values):
            self.charge_size(values, line)  # comparing or copying them walks them
        if isinstance(op, ast.Pow) and isinstance(values[1], (int, float)) and abs(values[1]) > 64:
            raise Refused(f"line {line}: a power too large to compute")
        if isinstance(op, ast.Mod) and isinstance(values[0], str):
            check_percent(values[0], line)
        if isinstance(op, ast.Mult) and any(isinstance(v, (str, list, tuple)) for v in values):
            count = next((v for v in values if isinstance(v, int)), 0)
            other = next((v for v in values if isinstance(v, (str, list, tuple))), "")
            if count * len(other) > MAX_TEXT:
                raise Refused(f"line {line}: a string or list of more than {MAX_TEXT:,} items")
        try:
            result = functions[type(op)](*values)
        except (ArithmeticError, TypeError, ValueError) as err:
            if any(v is None for v in values):  # x.shape[1] * 2 where Keras's shape says None
                raise Skip(line, "a None dimension (free until the model runs) where a number is needed") from None
            raise Skip(line, f"cannot compute: {err}") from None
        if isinstance(result, (int, float)) and not isinstance(result, bool) and (
                abs(result) > MAX_NUMBER if math.isfinite(result) else True):
            raise Refused(f"line {line}: a number too large (limit {MAX_NUMBER:g})")
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_TEXT:
            raise Refused(f"line {line}: a string or list of more than {MAX_TEXT:,} items")
        return result

    def call(self, node: ast.Call, scope: Scope) -> Any:
        line = node.lineno
        if isinstance(node.func, ast.Name) and node.func.id == "eval" and eval_names.is_eval(node, scope):
            return eval_names.read_eval(self, node, scope)  # a look-up of the name it is given
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
                odd = next((k for k in spread if k.startswith("__") or not k.isidentifier()), None)
                if odd is not None:  # Python passes any string; no Keras argument is such a name
                    raise Refused(f"line {line}: the keyword argument {odd!r} is not model-building code")
                kwargs.update(spread)
            else:
                kwargs[kw.arg] = self.value(kw.value, scope)
        return self.apply(target, args, kwargs, node, scope)

    def apply(self, target: Any, args: list, kwargs: dict, node: ast.AST, scope: Scope) -> Any:
        line = node.lineno
        if python_values.handles(target, args, kwargs):  # math, itertools, isinstance... computed by the reader
            return python_values.call(self, target, args, kwargs, node, scope)
        if isinstance(target, Function):
            return self.call_function(target, args, kwargs, line)
        if isinstance(target, Layer):
            return self.call_layer(target, args, kwargs, line)
        if isinstance(target, ModelValue):
            return self.call_model(target, args, kwargs, line)
        if isinstance(target, BoundMethod):
            return self.method(target.owner, target.name, args, kwargs, node, scope)
        if isinstance(target, Namespace):
            return code_calls.call(self, target.path, args, kwargs, node, scope)
        raise Skip(line, f"calling a {kind_of(target)}")

    def defaults(self, node, scope: Scope, name: str) -> dict:
        """A def's or lambda's default values, computed where it is defined, as Python does."""
        args = node.args
        if args.posonlyargs:
            raise Skip(node.lineno, f"function {name}() with positional-only arguments")
        defaults = {a.arg: self.value(d, scope) for a, d in zip(args.args[len(args.args) - len(args.defaults):], args.defaults)}
        defaults.update({a.arg: self.value(d, scope) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        return defaults

    def call_function(self, function: Function, args: list, kwargs: dict, line: int) -> Any:
        """Python's binding: positional, then *args (a tuple), keywords and keyword-only ones,
        then **kwargs (a dict of the rest); what Python would refuse (TypeError) is a Skip."""
        node = function.node
        spec = node.args
        params = [a.arg for a in spec.args]
        keyword_only = [a.arg for a in spec.kwonlyargs]
        star = spec.vararg.arg if spec.vararg else None
        double = spec.kwarg.arg if spec.kwarg else None
        if len(args) > len(params) and star is None:
            raise Skip(line, f"{function.name}() takes {len(params)} arguments, {len(args)} given")
        bound = dict(function.defaults)
        bound.update(zip(params, args))
        if star is not None:
            bound[star] = tuple(args[len(params):])
        rest: dict = {}
        for key, value in kwargs.items():
            if key in params[:len(args)]:
                raise Skip(line, f"{function.name}() got multiple values for argument '{key}'")
            if key in params or key in keyword_only:
                bound[key] = value
            elif double is not None:
                rest[key] = value
            else:
                raise Skip(line, f"{function.name}() has no argument '{key}'")
        if double is not None:
            bound[double] = rest
        missing = [p for p in params + keyword_only if p not in bound]
        if missing:
            raise Skip(line, f"{function.name}() is missing '{missing[0]}'")
        if function.name == "named_op" and self.is_named_op(node):
            return bound["tensor"]  # exported code's naming of an operation: the tensor itself
        self.depth += 1
        if self.depth > MAX_CALL_DEPTH:
            raise Refused(f"line {line}: calls nested deeper than {MAX_CALL_DEPTH} (recursion is not model-building code)")
        inner = Scope(function.scope)
        inner.vars.update(bound)
        helper = not isinstance(node, ast.Lambda)  # a def's call: its nodes are a block (editor.model.blocks)
        if helper:
            named = bound.get("name")
            self.calls.append(HelperCall(function.name, named if isinstance(named, str) else None,
                                          docstring_kind(node), line))
        try:
            if isinstance(node, ast.Lambda):
                return self.value(node.body, inner)
            try:
                self.block(node.body, inner)
            except Return as result:
                return result.value
            return None
        finally:
            self.depth -= 1
            if helper:
                self.calls.pop()

    def method(self, owner: Any, name: str, args: list, kwargs: dict, node: ast.AST, scope: Scope) -> Any:
        line = node.lineno
        if isinstance(owner, ModelValue):
            return code_calls.model_method(self, owner, name, args, kwargs, node, scope)
        if isinstance(owner, StaticShape):
            return shape_method(owner, name, args, kwargs, line)
        if isinstance(owner, data_arrays.DataArray):
            return data_arrays.method(owner, name, args, kwargs, line)
        if isinstance(owner, (list, dict)) and name in containers.METHODS:
            return containers.method(self, owner, name, args, kwargs, line)
        if isinstance(owner, str):
            return text_methods.method(self, owner, name, args, kwargs, line)
        raise Skip(line, f"{name}() of a {kind_of(owner)}")
