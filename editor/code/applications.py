"""keras.applications calls in model code: read with their arguments, limited before anything is built.

`MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=None, pooling="avg")` is
built by Keras (weights=None, in its StatelessScope: no weight is made) and expanded into
nodes, so that the project has exactly Keras's layers. `weights="imagenet"` is kept where
the model is called as a whole (`base(inputs)`): one "application" node whose exported
code loads the weights; the editor itself never downloads them. A weights file is refused.

A file's application calls are counted, and sized by editor.code.application_sizes (a
table generated from Keras), in a first read that builds nothing (`check_before_building`):
a file naming five, or ConvNeXtXLarge, is refused before Keras is even loaded.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

from editor.code.application_sizes import SIZES
from editor.code.code_values import LayerHandle, ModelValue, Namespace, Refused, Skip, Sym, kind_of

MAX_APPLICATIONS = 2  # keras.applications calls a file may make: each loads Keras and builds the model
MAX_PARAMETERS = 150_000_000  # one application's, with its default arguments (VGG19: 143.7 M; ConvNeXtLarge: 197.8 M)
MAX_LAYERS = 1_100  # all of a file's applications' layers, with their defaults (NASNetLarge: 1,041)
# The sizes MobileNet and MobileNetV2 have ImageNet weights for (keras/src/applications/mobilenet*.py):
# an input of one of them is their default size (MobileNetV3 checks no input shape).
SQUARE_SIZES = {"MobileNet": (128, 160, 192, 224), "MobileNetV2": (96, 128, 160, 192, 224)}
KEPT_WEIGHTS = "imagenet"  # the one weights value kept (exported code loads it); None builds random weights


def check_before_building(source: str, new_reader: Callable, read: Callable) -> None:
    """Reads the file once with stand-ins for its applications (nothing built, Keras not
    loaded), so that the limits on their number and size refuse it before any build.
    `new_reader()`: a reader of the file; `read(reader)`: the importer's reading steps. Only
    a limit's refusal counts here: whatever else stops this read stops the real one the same way."""
    if "applications" not in source:
        return
    dry = new_reader()
    dry.application_stand_ins = True
    try:
        read(dry)
    except Refused as err:
        if getattr(dry, "application_refusal", None) is err:
            raise
    except Exception:  # noqa: BLE001 - the real read meets it again, and says it properly
        return


def application(reader, name: str, args: list, kwargs: dict, line: int, model_name: Callable,
                plain: Callable) -> ModelValue:
    """`VGG16(...)`: the keras.applications model expanded into nodes (this, and only this,
    loads Keras: the layers are Keras's to tell). `model_name`, `plain`: editor.code.code_calls's
    naming of a model and reading of a setting."""
    if name not in SIZES:
        raise Skip(line, f"{name} is not a keras.applications model")
    _count(reader, name, line)
    if getattr(reader, "application_stand_ins", False):
        return _stand_in(reader, name, kwargs, line)
    from editor.files.importer import import_application
    from editor.files.safe_archive import ModelFileError

    arguments = _arguments(name, args, kwargs, line, plain)
    weights = arguments.pop("weights", KEPT_WEIGHTS)
    if weights is not None and weights != KEPT_WEIGHTS:
        raise Refused(f"line {line}: {name}(weights={weights!r}): the editor reads no weights file "
                      f"(weights=None or {KEPT_WEIGHTS!r})")
    tensor = arguments.pop("input_tensor", None)
    given_name = arguments.pop("name", None)
    if tensor is not None:
        record = reader.make(tensor, line)[0]
        if record.kind != "input":
            raise Skip(line, f"{name}(input_tensor=...) of a layer's output: give input_shape= and call the model "
                             "on the tensor")
        arguments["input_shape"] = list(record.shape)
    if weights == KEPT_WEIGHTS:
        _imagenet_checks(name, arguments, line)
    try:
        graph = import_application(name, {**arguments, **({"name": given_name} if given_name else {})}).project.main
    except ModelFileError as err:
        raise Skip(line, str(err)) from None
    reader.charge(len(graph.nodes), line)  # the nodes made below
    if any(n.kind == "application" for n in graph.nodes):
        raise Skip(line, f"{name} cannot be expanded into nodes")
    made: dict = {}
    for node in graph.nodes:
        if tensor is not None and node.kind == "input":  # built on the file's own input
            made[node.id] = record
            continue
        made[node.id] = reader.new_record(
            node.kind, node.name, line, name=reader.record_names.unique(node.name),
            inputs=[(made[r.node], r.output) for r in node.inputs], input_names=list(node.input_names),
            class_name=node.class_name, config=dict(node.config), shape=node.shape, dtype=node.dtype,
            expression=node.expression, shares=made.get(node.shares) if node.shares else None)
    model = ModelValue(name=model_name(reader, graph.name, "application", line), line=line,
                       inputs=[Sym.of(made[n.id]) for n in graph.inputs],
                       outputs=[Sym.of(made[o.ref.node], o.ref.output) for o in graph.outputs],
                       layers=[LayerHandle(made[n.id]) for n in graph.nodes])
    model.application = {"class_name": name, "config": {**arguments, "weights": weights}, "line": line,
                         "whole": tensor is None}
    reader.all_models.append(model)
    return model


def _count(reader, name: str, line: int) -> None:
    """The file's limits, checked at each call before anything is built."""
    reader.applications += 1
    parameters, layers, _ = SIZES[name]
    reader.application_layers = getattr(reader, "application_layers", 0) + layers
    refusal = None
    if reader.applications > MAX_APPLICATIONS:  # a loop of them would build for minutes
        refusal = Refused(f"line {line}: more than {MAX_APPLICATIONS} keras.applications models in one file")
    elif parameters > MAX_PARAMETERS:
        refusal = Refused(f"line {line}: keras.applications.{name} has {parameters:,} parameters; the editor reads "
                          f"applications of up to {MAX_PARAMETERS:,}")
    elif reader.application_layers > MAX_LAYERS:
        refusal = Refused(f"line {line}: keras.applications models of {reader.application_layers:,} layers in one "
                          f"file; the editor reads up to {MAX_LAYERS:,}")
    if refusal is not None:
        reader.application_refusal = refusal
        raise refusal


def _stand_in(reader, name: str, kwargs: dict, line: int) -> ModelValue:
    """What the first read gets instead of the model: an input of its shape, and no layers."""
    shape = kwargs.get("input_shape")
    if not (isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape)):
        shape = SIZES[name][2]
    record = reader.new_record("input", "input_layer", line, shape=tuple(shape))
    model = ModelValue(name=name.lower(), line=line, inputs=[Sym.of(record)], outputs=[Sym.of(record)], layers=[])
    reader.all_models.append(model)
    return model


def _arguments(name: str, args: list, kwargs: dict, line: int, plain: Callable) -> dict:
    """The call's arguments by name, as Keras's own signature of the builder binds them."""
    import keras

    signature = inspect.signature(getattr(keras.applications, name))
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as err:
        raise Skip(line, f"{name}(): {err}") from None
    arguments: dict = {}
    for key, value in bound.arguments.items():
        kind = signature.parameters[key].kind
        if kind is inspect.Parameter.VAR_POSITIONAL and value:
            raise Skip(line, f"{name}() with {len(args)} positional arguments: pass them by keyword")
        if kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(value)
        elif kind is not inspect.Parameter.VAR_POSITIONAL:
            arguments[key] = value
    for key, value in arguments.items():
        if key == "input_tensor" and (value is None or isinstance(value, Sym)):
            continue
        if isinstance(value, Namespace) and key == "classifier_activation":
            continue
        if not _plain_value(value):
            raise Skip(line, f"{name}({key}=...) of a {kind_of(value)}")
    return {k: (v if k == "input_tensor" else plain(v, line)) for k, v in arguments.items()}


def _plain_value(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return len(value) <= 8 and all(_plain_value(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


def _imagenet_checks(name: str, arguments: dict, line: int) -> None:
    """What Keras refuses of weights='imagenet' before it downloads (the editor builds with
    weights=None, where Keras checks none of it)."""
    top = arguments.get("include_top", True)
    classes, shape = arguments.get("classes", 1000), arguments.get("input_shape")
    if top and classes != 1000:
        raise Skip(line, f"{name}(weights='imagenet', include_top=True) has 1000 classes, not {classes}")
    default = SIZES[name][2]
    if shape is not None and len(shape) == 3 and shape[0] == shape[1] and shape[0] in SQUARE_SIZES.get(name, ()):
        default = tuple(shape)  # these take their default size from the input's, where they have weights for it
    if shape is not None and top and tuple(shape) != tuple(default) and not name.startswith("MobileNetV3"):
        raise Skip(line, f"{name}(weights='imagenet', include_top=True) takes input_shape={tuple(default)}")
    if shape is not None and len(shape) == 3 and shape[-1] != 3:
        raise Skip(line, f"{name}(weights='imagenet') takes 3 channels, not {shape[-1]}")


def application_node(model: ModelValue, notes: list) -> Optional[dict]:
    """The fields of one "application" node for a call of `model` as a whole, where the
    weights it names must be kept; None: its layers, as nodes of a graph (with a note
    where weights are lost)."""
    info = model.application
    if info is None or info["config"]["weights"] is None:
        return None
    frozen = [r.config.get("trainable", True) is False for r in _layer_records(model)]
    if info["whole"] and (all(frozen) or not any(frozen)):
        config = {**info["config"], **({"trainable": False} if frozen and all(frozen) else {})}
        _note(info, notes, f"line {info['line']}: {info['class_name']}(weights={KEPT_WEIGHTS!r}) kept: the editor "
                           "never downloads; the built preview uses random weights")
        return {"kind": "application", "class_name": info["class_name"], "config": config}
    lost(model, notes)
    return None


def lost(model: ModelValue, notes: list) -> None:
    """The note of an application whose weights the project cannot keep (its layers are nodes)."""
    info = model.application
    if info is not None and info["config"]["weights"] is not None:
        _note(info, notes, f"line {info['line']}: {info['class_name']}(weights={KEPT_WEIGHTS!r}): its layers are "
                           "imported one by one, with random weights (the editor never downloads)")


def _note(info: dict, notes: list, text: str) -> None:
    if text not in notes:
        notes.append(text)


def _layer_records(model: ModelValue) -> list:
    records = [h.record for h in model.layers or ()]
    return [r.shares or r for r in records if r.kind == "layer"]
