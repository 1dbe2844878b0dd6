"""Static shapes that model code asks for, answered by Keras's own shape inference.

`x.shape[-1]`, `K.int_shape(x)`, `keras.ops.shape(x)`, `x.shape.as_list()` (and TensorFlow's
`x.get_shape()`), `len(x.shape)`,
`model.output_shape`: the reader calls the layers of the graph made so far on Keras's
symbolic inputs, as the editor's build does (editor.building.build's make_layer and
apply_op, variables deferred by a StatelessScope, so no weight is allocated), and gives the
KerasTensor's shape: batch dimension first, None where a dimension is free. Nothing is
re-implemented: the shape is Keras's. Keras is imported when a file asks a shape, never
before, and each record is called once per file (the calls are kept for the next query).

A None dimension stays None, as in Keras: where a number is needed (arithmetic, a layer's
required argument) the statement refuses in one line. `tf.shape(x)` is a tensor of the
running model, not a static shape: not read.
"""

from __future__ import annotations

from typing import Any

from editor.code.code_values import BoundMethod, ModelValue, Record, Refused, Skip, Sym, named_expression

# Nodes a file's shape queries may have Keras call (each once): ResNet152 has about 520 layers;
# a count, not a clock, so that the same file is read the same on any machine.
MAX_CALLED = 2_000
SHAPE_FUNCTIONS = ("keras.backend.int_shape", "keras.ops.shape", "keras.ops.core.shape")
# Keras 2's input-shape shortcuts in a layer's config: here the tensor it is called on decides.
_SEQUENTIAL_ONLY = ("input_shape", "batch_input_shape", "input_length")


class StaticShape(tuple):
    """A tensor's static shape; `.as_list()`, `.rank` and slices as TensorFlow's TensorShape."""

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return StaticShape(item) if isinstance(index, slice) else item


def shape_attribute(shape: StaticShape, attr: str, line: int) -> Any:
    """`shape.rank` / `shape.ndims`; `shape.as_list()` a method (see shape_method)."""
    if attr in ("rank", "ndims"):
        return len(shape)
    if attr in ("as_list", "is_fully_defined"):
        return BoundMethod(shape, attr)
    raise Skip(line, f"the attribute .{attr} of a tensor's shape")


def shape_method(shape: StaticShape, name: str, args: list, kwargs: dict, line: int) -> Any:
    if args or kwargs:
        raise Skip(line, f"shape.{name}() takes no arguments")
    if name == "get_shape":  # x.get_shape(): TensorFlow's spelling of x.shape
        return shape
    return list(shape) if name == "as_list" else all(d is not None for d in shape)


def shape_function(reader: Any, path: str, args: list, kwargs: dict, line: int) -> StaticShape:
    """K.int_shape(x), keras.ops.shape(x): the tensor's static shape."""
    if len(args) != 1 or kwargs:
        raise Skip(line, f"{path}() takes one tensor")
    return tensor_shape(reader, args[0], line)


def tensor_shape(reader: Any, value: Any, line: int, attr: str = "shape") -> Any:
    """`x.shape` (or the method `x.get_shape`, attr "get_shape")."""
    if not isinstance(value, Sym):
        raise Skip(line, "the shape of something other than a tensor")
    shape = StaticShape(tuple(_shapes(reader).tensor(value, line).shape))
    return BoundMethod(shape, "get_shape") if attr == "get_shape" else shape


def model_shape(reader: Any, model: ModelValue, attr: str, line: int) -> Any:
    """`model.output_shape` / `model.input_shape`: one shape, or a list for several tensors."""
    if model.sequential is not None and not model.outputs:  # not yet read as a graph: its layers on its input
        first = model.sequential[0] if model.sequential else None
        if not (isinstance(first, Sym) and first.made is not None):
            raise Skip(line, f"model.{attr} of the Sequential model '{model.name}', which has no keras.Input")
        if attr == "input_shape":
            return tensor_shape(reader, first, line)
        graph = _shapes(reader)
        tensor = graph.tensor(first, line)
        output = graph._keras(lambda: graph._model(model, line)(tensor), line, f"model '{model.name}'")
        return StaticShape(tuple(output.shape))
    tensors = model.outputs if attr == "output_shape" else model.inputs
    shapes = [tensor_shape(reader, t, line) for t in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


def input_spec(reader: Any, ref: tuple, line: int) -> tuple[tuple, str]:
    """(shape without the batch dimension, dtype) of a node's output, as Keras infers it:
    the input of a Sequential model that is built by its first call (Keras's Sequential.build)."""
    tensor = _shapes(reader).output(ref, line)
    return tuple(tensor.shape)[1:], str(tensor.dtype)


def _shapes(reader: Any) -> "_KerasGraph":
    found = getattr(reader, "_keras_graph", None)
    if found is None:
        found = reader._keras_graph = _KerasGraph(reader)
    return found


class _KerasGraph:
    """The file's records called with Keras on symbolic tensors, each once, as queries need them."""

    def __init__(self, reader: Any):
        self.reader = reader
        self.outputs: dict[int, tuple] = {}  # id(record) -> its KerasTensors
        self.layers: dict[int, Any] = {}  # id(Layer value, or the record that owns the layer) -> Keras layer
        self.models: dict[int, Any] = {}  # id(ModelValue) -> a callable of Keras tensors

    def tensor(self, value: Sym, line: int):
        if value.made is not None:
            return self.output(value.made, line)
        if not value.leaves or any(ref is None for ref in value.leaves.values()):
            raise Skip(line, "the shape of a tensor that is known only when the model runs (a loss's argument)")
        text, order, refs = named_expression(value, line)
        tensors = [self.output(ref, line) for ref in refs]
        return self._keras(lambda: self._op(text, order, tensors), line, "the expression")

    def output(self, ref: tuple, line: int):
        record, index = ref
        self._build(record, line)
        produced = self.outputs[id(record)]
        if index >= len(produced):
            raise Skip(line, f"'{record.name}' has {len(produced)} outputs: no output {index}")
        return produced[index]

    def _build(self, record: Record, line: int) -> None:
        """The record and the records it needs, producers first (made in the code's order)."""
        needed, stack, seen = [], [record], set()
        while stack:
            item = stack.pop()
            if id(item) in self.outputs or id(item) in seen:
                continue
            seen.add(id(item))
            needed.append(item)
            stack += [r for r, _ in item.inputs]
        self.reader.charge(len(needed), line)
        if len(self.outputs) + len(needed) > MAX_CALLED:
            raise Refused(f"line {line}: a tensor's shape asked of more than {MAX_CALLED:,} nodes: "
                          "too many Keras calls to read")
        for item in sorted(needed, key=lambda r: r.index):
            self.outputs[id(item)] = self._keras(lambda item=item: self._call(item, line), line, f"'{item.name}'")

    def _keras(self, work, line: int, what: str):
        """`work()` with Keras, variables deferred (no weight is made); Keras's refusal in one line."""
        import keras

        from editor.building.build import CONSTRUCTION, forget_deferred_variables
        from editor.model.problems import one_line

        try:
            with CONSTRUCTION, keras.StatelessScope(initialize_variables=False):
                return work()
        except Skip:
            raise
        except Exception as err:  # noqa: BLE001 - Keras raises many types; the line says which node
            raise Skip(line, f"the shape of {what}: Keras cannot build it: {one_line(err, 200)}") from None
        finally:
            forget_deferred_variables()

    def _call(self, record: Record, line: int) -> tuple:
        import keras

        if record.kind == "input":
            return (keras.Input(shape=record.shape, dtype=record.dtype),)
        tensors = [self.outputs[id(r)][o] for r, o in record.inputs]
        if record.kind == "op":
            return (self._op(record.expression, record.input_names, tensors),)
        if record.kind == "model":
            result = self._model(record.model, line)(tensors[0] if len(tensors) == 1 else tensors)
        elif record.kind == "layer":
            result = self._layer_call(record, tensors)
        else:
            raise Skip(line, f"the shape of a tensor made from the {record.kind} '{record.name}'")
        return tuple(result) if isinstance(result, (list, tuple)) else (result,)

    def _layer_call(self, record: Record, tensors: list):
        from editor.model.graph import Node, Ref

        node = Node(id="node", kind="layer", name="node", class_name=(record.shares or record).class_name,
                    inputs=tuple(Ref(node="input", output=0) for _ in tensors), input_names=tuple(record.input_names))
        positional, keywords = node.call_arguments(tensors)
        layer = self._layer(record.shares or record)
        style = node.call_style
        if style == "list":
            return layer(positional, **keywords)
        if style == "args":
            return layer(*positional, **keywords)
        return layer(positional[0], **keywords)

    def _layer(self, owner: Any):
        """The Keras layer of a layer record's owner or of a Layer value, made once."""
        key = id(owner.layer) if isinstance(owner, Record) and owner.layer is not None else id(owner)
        if key not in self.layers:
            from editor.building.build import make_layer
            from editor.model.graph import Node

            config = {k: v for k, v in owner.config.items() if k not in _SEQUENTIAL_ONLY}
            if owner.class_name not in ("Embedding", "ReversibleEmbedding"):
                config.pop("input_dim", None)
            name = f"q{len(self.layers)}"  # a name of its own: a nested keras.Model wants its layers' unique
            self.layers[key] = make_layer(Node(id="layer", kind="layer", name=name, class_name=owner.class_name,
                                               config=config))
        return self.layers[key]

    def _model(self, model: ModelValue, line: int):
        """A nested model as a callable of Keras tensors: a functional model as a keras.Model of
        its records; a Sequential as its layers called in turn (as Keras's Sequential does)."""
        if id(model) in self.models:
            return self.models[id(model)]
        if model.losses:
            raise Skip(line, f"the shape of a tensor made by model '{model.name}', which has add_loss() losses")
        if model.sequential is None:
            import keras

            inputs = [self.tensor(t, line) for t in model.inputs]
            outputs = [self.tensor(t, line) for t in model.outputs]
            built = keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0])
        else:
            def built(tensor):  # (its layers as they are at the call: .add() may come later)
                for item in model.sequential:
                    if isinstance(item, Sym) or getattr(item, "class_name", None) == "InputLayer":
                        continue
                    call = self._model(item, line) if isinstance(item, ModelValue) else self._layer(item)
                    tensor = call(tensor)
                return tensor
        self.models[id(model)] = built
        return built

    @staticmethod
    def _op(expression: str, names: list, tensors: list):
        from editor.building.build import apply_op
        from editor.model.graph import Node, Ref

        node = Node(id="op", kind="op", name="op", expression=expression, input_names=tuple(names),
                    inputs=tuple(Ref(node="input", output=0) for _ in tensors))
        return apply_op(node, tensors)
