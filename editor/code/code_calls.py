"""What a call to a Keras name, or a method of a model, means to the code reader. Keras is
loaded only for what Keras must answer (an application, a tensor's shape, a setting, an
initializer or regularizer object: editor.code.shape_queries, keras_settings, keras_config_objects).

`call()` takes a canonical dotted name (editor.code.reader: `tf.keras.layers.Dense` is
`keras.layers.Dense`) and the already-computed arguments, and returns a value of
editor.code.code_values: a Layer, an input tensor, a model, an expression of tensors, a
compile setting; or refuses.
"""

from __future__ import annotations

import ast
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from editor.model import expr, names
from editor.code import application_helpers, keras_applications_package, preprocess_inputs
from editor.code.code_values import MAX_NUMBER, Refused
from editor.code.code_values import (BoundMethod, DtypeOf, Function, Layer, LayerHandle, ModelValue, Namespace, Optimizer,
                                     Skip, Sym, checked, kind_of, named_expression)
from editor.model.edits import snake_case
from editor.model.expr import Call, TensorList
from editor.code.keras_config_objects import config_object, is_config_object
from editor.code.keras_settings import is_setting, read_setting
from editor.code.layer_arguments import keyword_arguments
from editor.code.shape_queries import SHAPE_FUNCTIONS, shape_function
from editor.code import data_arrays, data_builds
from editor.model.graph import MERGE_CLASSES, name_problem

if TYPE_CHECKING:  # the reader calls this module; this module only names the reader's types
    from editor.code.reader import Reader, Scope

FUNCTION_MODULES = ("keras.ops", "keras.ops.nn", "keras.ops.numpy", "keras.ops.math", "keras.backend", "tensorflow",
                    "tensorflow.math", "tensorflow.nn", "numpy", "keras.activations")
# Keras's other names for a layer class -> the one it saves (tests/test_code_import.py checks them against Keras).
CLASS_ALIASES = {
    "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D", "AvgPool3D": "AveragePooling3D",
    "Convolution1D": "Conv1D", "Convolution1DTranspose": "Conv1DTranspose", "Convolution2D": "Conv2D",
    "Convolution2DTranspose": "Conv2DTranspose", "Convolution3D": "Conv3D", "Convolution3DTranspose": "Conv3DTranspose",
    "GlobalAvgPool1D": "GlobalAveragePooling1D", "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D", "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D", "GlobalMaxPool3D": "GlobalMaxPooling3D", "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D", "MaxPool3D": "MaxPooling3D", "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D"}
# Keys a class's from_config reads although its constructor has a default for them (the
# editor builds layers from their config): the default, where the code leaves it out.
FROM_CONFIG_DEFAULTS = {"Rescaling": {"offset": 0.0}}
# TensorFlow's activation functions Keras has under the same name: Dense(64, activation=tf.nn.relu).
TF_ACTIVATIONS = frozenset({"relu", "relu6", "elu", "selu", "gelu", "silu", "swish", "sigmoid", "tanh", "softmax",
                            "softplus", "softsign", "leaky_relu", "log_softmax"})
# Calls that read or write files, or reach the network: never model-building code.
OUTSIDE = ("keras.utils.get_file", "keras.models.load_model", "keras.saving", "keras.utils.image_dataset_from_directory",
           "keras.utils.text_dataset_from_directory", "keras.datasets", "tensorflow.io",
           "tensorflow.saved_model", "tensorflow.summary", "tensorflow.py_function",
           "tensorflow.numpy_function", "tensorflow.compat", "numpy.load", "numpy.save", "numpy.fromfile", "numpy.memmap",
           "numpy.loadtxt", "numpy.savetxt", "numpy.genfromtxt", "numpy.lib", "numpy.ctypeslib", "numpy.savez",
           "numpy.savez_compressed", "numpy.DataSource", "tensorflow.load_op_library", "tensorflow.load_library",
           "tensorflow.gfile", "keras.utils.load_img", "keras.utils.save_img", "keras.utils.audio_dataset_from_directory",
           "keras.preprocessing.image.load_img", "keras.preprocessing.image.save_img",
           # keras.src's modules (read as keras.*) of files, downloads, archives and marshalled code
           "keras.utils.file_utils", "keras.utils.io_utils", "keras.utils.image_utils", "keras.utils.dataset_utils",
           "keras.utils.image_dataset_utils", "keras.utils.text_dataset_utils", "keras.utils.audio_dataset_utils",
           "keras.utils.timeseries_dataset_utils", "keras.utils.python_utils",
           "keras.legacy.saving", "keras.export",
           "keras.applications.imagenet_utils.decode_predictions")
# Calls that change nothing in the model: read past quietly.
NEUTRAL = ("keras.backend.clear_session", "keras.utils.set_random_seed", "tensorflow.random.set_seed",
           "numpy.random.seed", "keras.utils.plot_model", "print")
MERGE_FUNCTIONS = {name.lower(): name for name in MERGE_CLASSES}
OPTIMIZER_CLASSES = {"adam": "adam", "sgd": "sgd", "rmsprop": "rmsprop", "adadelta": "adadelta", "adamw": "adamw",
                     "adagrad": "adagrad", "adamax": "adamax", "adafactor": "adafactor", "nadam": "nadam",
                     "ftrl": "ftrl", "lion": "lion"}


def call(reader: Reader, path: str, args: list, kwargs: dict, node: ast.AST, scope: Scope) -> Any:
    line = node.lineno
    path = keras_applications_package.renamed(path)
    module, _, last = path.rpartition(".")
    if path == keras_applications_package.SUBMODULES:
        return keras_applications_package.get_submodules(args, kwargs, line)
    if preprocess_inputs.is_preprocess(path):
        return preprocess_inputs.preprocess(reader, path, args, kwargs, line)
    if path in data_builds.SEQUENCE_LOADERS:
        return data_builds.load_sequences(path, line)
    if path in data_builds.PAD:
        return data_builds.pad(args, kwargs, line)
    if data_arrays.is_loader(path):
        reader.notes.append(f"line {line}: {path}() read as arrays of the shapes Keras documents (nothing is loaded)")
        return data_arrays.load(path, line)
    if path not in NEUTRAL and any(isinstance(a, data_arrays.DataArray) for a in args):
        return data_arrays.function(path, args, kwargs, line)
    if any(path == p or path.startswith(p + ".") for p in OUTSIDE):
        if path.startswith("keras.datasets."):
            raise Skip(line, f"{path}() loads a dataset: data, not the model")
        raise Refused(f"line {line}: {path}() reads files or the network: not model-building code")
    if path in NEUTRAL or path.endswith(".summary"):
        return None
    if is_setting(path):
        return read_setting(path, args, kwargs, line)
    if path in SHAPE_FUNCTIONS:
        return shape_function(reader, path, args, kwargs, line)
    if path in application_helpers.PATHS:
        return application_helpers.call_helper(reader, path, args, kwargs, line)
    if module == "builtins":
        return _builtin(reader, last, args, kwargs, line)
    if path in ("keras.Input", "keras.layers.Input"):
        return _input(reader, args, kwargs, line)
    if path in ("keras.Model", "keras.models.Model"):
        return _model(reader, args, kwargs, line)
    if path in ("keras.Sequential", "keras.models.Sequential"):
        return _sequential(reader, args, kwargs, line)
    if module == "keras.layers" and last in MERGE_FUNCTIONS:
        if not args:
            raise Skip(line, f"{last}() without tensors")
        layer = _layer(reader, MERGE_FUNCTIONS[last], args[1:], kwargs, line)
        return reader.call_layer(layer, [args[0]], {}, line)
    if module == "keras.layers" and last == "Lambda":
        return _lambda(reader, args, kwargs, line)
    if path == "kgs.AddLoss":
        return _add_loss_layer(reader, args, kwargs, line)
    if module == "keras.layers" and last[:1].isupper():
        return _layer(reader, last, args, kwargs, line)
    if module in FUNCTION_MODULES and (last in expr.FUNCTIONS or last in expr.ALIASES):
        if last == "cast" and len(args) == 2 and isinstance(args[1], DtypeOf):
            return args[0]  # ops.cast(y_true, y_pred.dtype), as exported losses begin
        return _function(expr.ALIASES.get(last, last), args, kwargs, line)
    if module == "keras.optimizers" and last.lower() in OPTIMIZER_CLASSES:
        if len(args) > 1:
            raise Skip(line, f"{last}() with {len(args)} positional arguments: pass all but the learning rate by keyword")
        settings = {**dict(zip(("learning_rate",), args)), **kwargs}  # Adam(1e-3), as keras.io writes it
        return Optimizer(OPTIMIZER_CLASSES[last.lower()], _plain(settings, line))
    if (module == "keras.applications" or module.startswith("keras.applications.")) and last[:1].isupper():
        return _application(reader, last, args, kwargs, line)
    if is_config_object(path):
        return config_object(path, args, kwargs, line)
    if module in ("keras.losses", "keras.metrics") and last[:1].isupper():
        return snake_case(last)
    raise Skip(line, f"{path}() is not model-building code the editor can express")


def model_method(reader: Reader, model: ModelValue, name: str, args: list, kwargs: dict, node: ast.AST,
                 scope: Scope) -> Any:
    line = node.lineno
    if name == "summary":
        return None
    if name == "compile":
        order = ("optimizer", "loss")
        if len(args) > len(order):
            raise Skip(line, "compile() with more than two positional arguments: pass them by keyword")
        settings = {**dict(zip(order, args)), **kwargs}
        unknown = set(settings) - {"optimizer", "loss", "loss_weights", "metrics", "run_eagerly", "jit_compile",
                                   "steps_per_execution"}
        if unknown:
            raise Skip(line, f"compile() with {', '.join(sorted(unknown))}, which the editor cannot express")
        model.compile = {k: v for k, v in settings.items() if k in ("optimizer", "loss", "loss_weights", "metrics")}
        model.compile["__line__"] = line
        return None
    if name == "add_loss":
        if len(args) != 1 or kwargs:
            raise Skip(line, "add_loss() takes one tensor")
        value = args[0]
        if not isinstance(value, Sym):
            raise Skip(line, f"add_loss() of a {type(value).__name__}")
        model.losses.append(_loss_record(reader, value, line))
        return None
    if name == "get_layer":
        wanted = args[0] if args else kwargs.get("name")
        reader.charge(len(reader.records), line)  # the search below
        found = [r for r in reader.records if r.name == wanted and r.kind != "input"]
        if not isinstance(wanted, str) or not found:
            raise Skip(line, f"get_layer({wanted!r}): no layer of that name")
        return LayerHandle(found[-1])
    if name == "build" and model.sequential is not None:  # model.build((None, 28, 28, 1)): the batch input shape
        shape = args[0] if len(args) == 1 and not kwargs else kwargs.get("input_shape") if not args else None
        if not isinstance(shape, (list, tuple)) or len(shape) < 2:
            raise Skip(line, "build() takes the batch input shape, e.g. (None, 10)")
        if not any(isinstance(item, Sym) for item in model.sequential):  # (with a keras.Input, Keras built it already)
            model.sequential.insert(0, _input(reader, [list(shape)[1:]], {}, line))
        return None
    if name == "add":
        if model.sequential is None:
            raise Skip(line, "add() on a functional model")
        model.sequential += [_sequential_item(a, line) for a in args]
        return None
    data_builds.read_data_call(reader, model, name, args, kwargs, line)  # Keras 3 may build a Sequential here
    raise Skip(line, f"model.{name}() is not part of the model (training and data are set in the Train tab)")


# ----------------------------------------------------------------------------- builders

def _builtin(reader: Reader, name: str, args: list, kwargs: dict, line: int) -> Any:
    if any(isinstance(a, (Sym, Layer, ModelValue, Function)) for a in [*args, *kwargs.values()]) and name != "len":
        raise Skip(line, f"{name}() of a tensor, layer or model")
    if name == "str" and not all(isinstance(a, (str, int, float, bool, type(None))) for a in args):
        raise Skip(line, f"str() of a {type(args[0]).__name__}: only of text and numbers")
    if name not in ("range", "len", "isinstance"):
        reader.charge_size([args, kwargs], line)  # sorting, summing or printing a list walks it
    if name == "range":
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in args) or kwargs or not 1 <= len(args) <= 3:
            raise Skip(line, "range() of something other than integers")
        if len(args) == 3 and args[2] == 0:
            raise Skip(line, "range() with a step of 0")
        return range(*args)
    if name == "len":
        if len(args) != 1 or not isinstance(args[0], (list, tuple, dict, str, range, data_arrays.DataArray)):
            raise Skip(line, "len() of something other than a list")
        return len(args[0])
    if name in ("zip", "enumerate", "reversed", "sorted", "list", "tuple", "dict"):
        if kwargs and name != "dict":
            raise Skip(line, f"{name}() with keywords")
        try:  # dict([1]), sorted([1, "a"]): what Python refuses is a skipped line, not a traceback
            if name == "dict":
                result = dict(*[reader.iterate(a, line) if not isinstance(a, dict) else a for a in args], **kwargs)
            else:
                lists = [reader.iterate(a, line) if not isinstance(a, dict) else list(a) for a in args]
                result = {"zip": lambda: list(zip(*lists)), "enumerate": lambda: list(enumerate(*lists)),
                          "reversed": lambda: list(reversed(*lists)), "sorted": lambda: sorted(*lists),
                          "list": lambda: list(*lists), "tuple": lambda: tuple(*lists)}[name]()
        except (TypeError, ValueError) as err:
            raise Skip(line, f"{name}(): {err}") from None
        reader.size(result, line)
        return result
    if name == "isinstance":
        raise Skip(line, "isinstance() is not model-building code")
    if name in ("min", "max", "sum") and args and isinstance(args[0], (range, list, tuple, dict, str)) \
            and (name == "sum" or len(args) == 1):
        args = [reader.iterate(args[0], line), *args[1:]]  # Python would walk all of range(10**15)
    try:
        result = {"min": min, "max": max, "abs": abs, "int": int, "float": float, "str": str, "round": round,
                  "sum": sum, "bool": bool, "chr": chr, "ord": ord}[name](*args, **kwargs)
    except (TypeError, ValueError, ArithmeticError) as err:
        raise Skip(line, f"{name}(): {err}") from None
    if isinstance(result, str) and len(result) > 10_000:
        raise Refused(f"line {line}: a string too long")
    if isinstance(result, (int, float)) and not isinstance(result, bool) and not abs(result) <= MAX_NUMBER:
        raise Refused(f"line {line}: a number too large (limit {MAX_NUMBER:g})")  # int("9" * 30), float("inf")
    return result


def _plain(value: Any, line: int) -> Any:
    """A config value as JSON holds it (tuples as lists); Keras names as their strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v, line) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, line) for v in value]
    if isinstance(value, Namespace):
        module, _, last = value.path.rpartition(".")
        if module in ("keras.activations", "keras.losses", "keras.metrics", "keras.initializers"):
            return last
        if module in ("tensorflow.nn", "tensorflow.math", "tensorflow") and last in TF_ACTIVATIONS:
            return last
        raise Skip(line, f"{value.path} as a setting")
    if isinstance(value, Layer):
        config = {**value.config, **({"name": value.name} if value.name_given else {})}
        return {"module": "keras.layers", "class_name": value.class_name, "config": config}
    if isinstance(value, (BoundMethod, DtypeOf, Optimizer)):
        raise Skip(line, f"a {kind_of(value)} as a setting")
    if isinstance(value, (Sym, ModelValue, Function, range)):
        raise Skip(line, f"a {type(value).__name__} as a setting")
    if value is not None and not isinstance(value, (str, int, float, bool)):  # a set, an itertools iterator...
        raise Skip(line, f"a {kind_of(value)} as a setting")
    return value


def _layer(reader: Reader, class_name: str, args: list, kwargs: dict, line: int) -> Layer:
    class_name = CLASS_ALIASES.get(class_name, class_name)
    config = {**FROM_CONFIG_DEFAULTS.get(class_name, {}), **keyword_arguments(class_name, args, kwargs, line)}
    name = config.pop("name", None)
    if name is not None and not isinstance(name, str):
        raise Skip(line, f"{class_name}(name=...) that is not text")
    reader.charge_size(config, line)  # copied below, and into the node
    config = _plain(config, line)
    final = name or reader.layer_names.unique(snake_case(class_name))
    reader.layer_names.add(final)
    return Layer(class_name, config, final, line, name_given=name is not None)


def _input(reader: Reader, args: list, kwargs: dict, line: int) -> Sym:
    if len(args) > 1:
        raise Skip(line, "Input() with more than one positional argument")
    settings = {**({"shape": args[0]} if args else {}), **kwargs}
    if "batch_shape" in settings and "shape" not in settings:
        batch = settings.pop("batch_shape")
        settings["shape"] = list(batch)[1:] if isinstance(batch, (list, tuple)) else batch
    shape = settings.pop("shape", None)
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)  # Input(shape=(10)) as the documents write it
    if not isinstance(shape, (list, tuple)) or not all(d is None or (isinstance(d, int) and d > 0) for d in shape):
        raise Skip(line, "Input() needs a shape of positive integers or None")
    name = settings.pop("name", None)
    dtype = settings.pop("dtype", "float32")
    settings.pop("batch_size", None)
    if settings:
        raise Skip(line, f"Input() with {', '.join(sorted(settings))}, which the editor cannot express")
    record = reader.new_record("input", "input_layer", line, name=name if isinstance(name, str) else None,
                               shape=tuple(shape), dtype=dtype if isinstance(dtype, str) else "float32")
    return Sym.of(record)


def _tensors(value: Any, what: str, line: int) -> list:
    if isinstance(value, dict):  # Keras flattens a dict of tensors in the order of its keys (an OrderedDict: its own)
        return list(value.values()) if isinstance(value, OrderedDict) else [value[k] for k in sorted(value, key=str)]
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Sym):
        return [value]
    raise Skip(line, f"the model's {what} are a {type(value).__name__}")


def _model(reader: Reader, args: list, kwargs: dict, line: int) -> ModelValue:
    settings = dict(zip(("inputs", "outputs"), args))
    for old, new in (("input", "inputs"), ("output", "outputs")):  # Keras 2: Model(input=..., output=...)
        if old in kwargs:
            kwargs[new] = kwargs.pop(old)
    settings.update(kwargs)
    name = settings.pop("name", None)
    trainable = settings.pop("trainable", True)
    if set(settings) - {"inputs", "outputs"} or "inputs" not in settings or "outputs" not in settings:
        raise Skip(line, "Model() needs inputs and outputs (and maybe a name), nothing else")
    inputs = _tensors(settings["inputs"], "inputs", line)
    for tensor in inputs:
        record, _ = reader.make(tensor, line)
        if record.kind != "input":
            raise Skip(line, f"the model input '{record.name}' is not a keras.Input")
    outputs = _tensors(settings["outputs"], "outputs", line)
    for tensor in outputs:
        reader.make(tensor, line)
    model = ModelValue(name=_model_name(reader, name, "functional", line), line=line, inputs=inputs, outputs=outputs)
    if trainable is not True:  # Model(..., trainable=False) freezes its layers, as model.trainable = False does
        from editor.code.frozen import set_attribute

        set_attribute(reader, model, "trainable", trainable, line)
    reader.all_models.append(model)
    return model


def _model_name(reader: Reader, name: Any, base: str, line: int = 0) -> str:
    reader.charge(len(reader.all_models), line)  # the set below
    taken = {m.name for m in reader.all_models}
    if not isinstance(name, str) or not name:
        return names.unique(base, taken)
    if name_problem(name, model=True):  # Keras 3 refuses 'mnist model': spaces and the like become _
        fixed = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip("_-") or base
        reader.notes.append(f"line {line}: the model name '{name}' is not one Keras 3 accepts: named '{fixed}'")
        return fixed
    return name


def _sequential_item(value: Any, line: int) -> Any:
    if isinstance(value, (Layer, ModelValue)) or (isinstance(value, Sym) and value.made and value.made[0].kind == "input"):
        return value
    raise Skip(line, f"a {type(value).__name__} in a Sequential model")


def _sequential(reader: Reader, args: list, kwargs: dict, line: int) -> ModelValue:
    items = args[0] if args else kwargs.pop("layers", None) or []
    name = kwargs.pop("name", None)
    if len(args) > 1 or kwargs or not isinstance(items, (list, tuple)):
        raise Skip(line, "Sequential() takes a list of layers and a name")
    model = ModelValue(name=_model_name(reader, name, "sequential", line), line=line, inputs=[], outputs=[],
                       sequential=[_sequential_item(v, line) for v in items])
    reader.all_models.append(model)
    return model


def _lambda(reader: Reader, args: list, kwargs: dict, line: int) -> Layer:
    function = args[0] if args else kwargs.pop("function", None)
    name = kwargs.pop("name", None)
    kwargs.pop("output_shape", None)
    arguments = kwargs.pop("arguments", None) or {}
    if not isinstance(function, Function) or len(args) > 1 or kwargs:
        raise Skip(line, "Lambda() of something other than a function of the file")
    if not isinstance(arguments, dict) or not all(isinstance(k, str) and isinstance(v, (int, float, bool, str))
                                                  for k, v in arguments.items()):
        raise Skip(line, "Lambda(arguments=...) of something other than numbers and text by name")
    layer = Layer("Lambda", {}, name if isinstance(name, str) else reader.layer_names.unique("lambda"), line,
                  function=function, name_given=isinstance(name, str), arguments=arguments)
    reader.layer_names.add(layer.name)
    return layer


def _application(reader: Reader, name: str, args: list, kwargs: dict, line: int) -> ModelValue:
    from editor.code.applications import application

    return application(reader, name, args, kwargs, line, _model_name, _plain)


def _add_loss_layer(reader: Reader, args: list, kwargs: dict, line: int) -> Layer:
    """`AddLoss(fn, weight=w, name=n)` of the editor's exported code: a loss node when called."""
    function = args[0] if args else None
    weight, name = kwargs.pop("weight", 1.0), kwargs.pop("name", None)
    if not isinstance(function, Function) or len(args) != 1 or kwargs or not isinstance(weight, (int, float)):
        raise Skip(line, "AddLoss() of something other than a function of the file and a weight")
    layer = Layer("AddLoss", {"weight": float(weight)}, name if isinstance(name, str) else "added_loss", line,
                  function=function, name_given=isinstance(name, str))
    return layer


def _function(name: str, args: list, kwargs: dict, line: int) -> Sym:
    """A keras.ops / backend function on tensors: an expression of the language."""
    spec = expr.FUNCTIONS[name]
    tensors = 1 if spec.arity == expr.LIST else spec.arity
    if len(args) > tensors + len(spec.constants):
        raise Skip(line, f"{name}() with {len(args)} arguments")
    given = dict(zip(spec.constants, args[tensors:]))
    for key, value in kwargs.items():
        if key not in spec.constants:
            raise Skip(line, f"{name}() with {key}=, which the editor cannot express")
        given[key] = value
    leaves: dict = {}

    def operand(value):
        if isinstance(value, Sym):
            leaves.update(value.leaves)
            return value.tree
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return expr.Num(value) if value >= 0 else expr.Neg(expr.Num(-value))
        raise Skip(line, f"{name}() of a {type(value).__name__}")

    if spec.arity == expr.LIST:
        if not args or not isinstance(args[0], (list, tuple)):
            raise Skip(line, f"{name}() takes a list of tensors")
        values = (TensorList(tuple(operand(v) for v in args[0])),)
    else:
        if len(args) < tensors:
            raise Skip(line, f"{name}() takes {tensors} tensors")
        values = tuple(operand(v) for v in args[:tensors])
    constants = []
    for key in spec.constants:
        if key in given:
            value = given[key]
            constants.append((key, tuple(value) if isinstance(value, list) else value))
    tree = Call(name, values, tuple(constants))
    checked(tree, sorted(leaves), line)
    return Sym(tree, leaves)


def _loss_record(reader: Reader, value: Sym, line: int):
    """A loss node of add_loss(expression of tensors)."""
    if not value.leaves:
        raise Skip(line, "add_loss() of an expression of no tensor")
    text, order, refs = named_expression(value, line)
    return reader.new_record("loss", value.hint or "added_loss", line, expression=text, input_names=order, inputs=refs)
