"""Existing Keras models -> an editable Project: .keras, legacy .h5, JSON configs, applications.

Safety first, in this order: `editor.files.safe_archive` reads the config out of the file
itself (size caps, zip-bomb and depth checks; Keras never opens the file), then
`editor.files.config_check` walks the whole config against an allowlist (no Lambda, custom
class, TFSMLayer, Python function, module outside Keras...), and only then does Keras
see anything: each layer's config, one at a time, through `keras.layers.deserialize`
(in `catalog.non_default_config`, which keeps only the arguments that differ from
Keras's defaults), always in Keras's safe mode. Finally the project is built by the
editor's own builder (without initialising weights) and refused if it does not build.
This module holds those steps; the translation of a config into graphs is
`editor.files.config_translate`, and the reading of its layer calls `editor.files.config_calls`.

What is imported, and what is not:
- Structure only. Weights (model.weights.h5, the .h5 weight groups) and compile
  settings are not read: projects hold no weights, and a file that is never opened
  cannot attack the loader.
- Functional and Sequential models, at the top or nested: every nested model becomes a
  graph of the project, called by a "model" node (a Sequential one as a chain). A
  layer called at several places becomes one owner node plus nodes that `share` it.
- Calls as the editor makes them: one tensor, a list (merges, nested models with several
  inputs), or separate tensors (MultiHeadAttention's query, value, key, also when passed
  by keyword); several outputs of a layer (LSTM return_state) are `Ref.output` numbers.
  A call with other arguments the editor cannot express (training=True, a mask tensor,
  use_causal_mask=True...) is refused, naming the layer: importing it would change the
  model silently.
- Model outputs keep their order (and so their names: each is named after its layer).
  Dict inputs or outputs become lists in Keras's flattening order (sorted keys); a
  fixed batch size or trainable=False on a whole model is dropped. These come back as
  `notes` (the CLI prints them; the description records them).
- keras.applications by name (`applications:ResNet50`): built with weights=None, then
  imported from its config like any functional model, so every layer is an editable
  node and the generated code rebuilds exactly the same layers, names and connections
  (an "application" node would hide the layers and add a nesting level the original
  does not have). Only a model the editor cannot expand (ConvNeXt's LayerScale,
  MobileNetV3's keras.ops arithmetic) comes in as one "application" node, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from editor.building.deadline import TooSlow
from editor.files.config_check import check_model_config
from editor.files.config_translate import Translator, new_node, validated
from editor.files.safe_archive import ModelFileError, parse_config, read_model_file
from editor.model import block_finding
from editor.model.graph import Graph, Output, Project, Ref
from editor.model.problems import one_line

APPLICATION_PREFIX = "applications:"


@dataclass(frozen=True)
class ImportResult:
    project: Project
    notes: tuple[str, ...] = ()


def import_target(target: str) -> ImportResult:
    """A command-line FILE: a .keras/.h5/.json path, or `applications:NAME`."""
    if target.startswith(APPLICATION_PREFIX):
        return import_application(target[len(APPLICATION_PREFIX):])
    return import_file(target)


def import_file(path: Union[str, Path], name: Optional[str] = None) -> ImportResult:
    """Import a .keras archive, a legacy .h5 file or a JSON config (`model.to_json()`).

    `name` is the file's name as the person knows it (an upload's), for the title and messages.
    """
    path = Path(path)
    name = name or path.name
    try:
        model_file = read_model_file(path)
        version = f", Keras {model_file.keras_version}" if model_file.keras_version else ""
        return import_config(model_file.config, title=Path(name).stem or "Imported model", source=f"{name}{version}",
                             notes=model_file.notes)
    except ModelFileError as err:
        raise ModelFileError(f"{name}: {err}") from None


def import_application(name: str, arguments: Optional[dict] = None) -> ImportResult:
    """A keras.applications model by name (weights=None; `arguments`: the others, as
    include_top=False, input_shape=(160, 160, 3)), expanded into nodes.

    A model the editor cannot expand (ConvNeXt's LayerScale, MobileNetV3's keras.ops
    arithmetic...) becomes one "application" node instead, with a note saying why.
    """
    from editor.building import catalog

    if name not in catalog.applications():
        known = ", ".join(catalog.applications())
        raise ModelFileError(f"'{name}' is not a keras.applications model (known: {known})")
    import keras

    from editor.building.build import CONSTRUCTION, forget_deferred_variables

    # The structure only, its weights never made (VGG16's 138 M took 2 GB), under the lock
    # every build holds (making layers draws seeds from Python's global random).
    with CONSTRUCTION:
        try:
            with keras.StatelessScope(initialize_variables=False):
                model = getattr(keras.applications, name)(**{**(arguments or {}), "weights": None})
        except (ValueError, TypeError) as err:  # Keras's own word on the arguments
            raise ModelFileError(f"{name}(): {one_line(err)}") from None
        finally:
            forget_deferred_variables()
    config = parse_config(model.to_json())  # as a file would hold it: lists, not tuples
    source = f"keras.applications.{name} (weights=None)"
    try:
        return import_config(config, title=name, source=source)
    except ModelFileError as err:
        note = f"{name} is one application node: its layers cannot all be editor nodes ({err})"
        return _application_node(name, model, config, source, note)


def _application_node(name: str, model, config: dict, source: str, note: str) -> ImportResult:
    """Input -> one keras.applications node (built with weights=None) -> output."""
    if len(model.inputs) != 1:
        raise ModelFileError(f"{name}: takes {len(model.inputs)} inputs; the editor calls applications with one")
    tensor, first = model.inputs[0], config["config"]["layers"][0]
    input_name = first["name"] if first.get("class_name") == "InputLayer" else "input"
    nodes = (
        new_node(id="input", kind="input", name=input_name, shape=tuple(tensor.shape[1:]), dtype=str(tensor.dtype),
              where=f"{name}'s input"),
        new_node(id="application", kind="application", name=model.name, class_name=name, inputs=(Ref(node="input"),),
              where=name),
    )
    graph = Graph(id="main", name=model.name, nodes=nodes, outputs=(Output(ref=Ref(node="application")),))
    description = f"Imported from {source}. Structure only: weights and compile settings are not imported.\n{note}"
    project = _project(title=name, description=description[:10_000], graphs=(graph,))
    _check_builds(project)
    return ImportResult(project, (note,))


def import_config(config: Any, title: str = "Imported model", source: str = "a Keras config",
                  notes: tuple[str, ...] = ()) -> ImportResult:
    """A Project from a model config (as `model.to_json()` writes it); ModelFileError if refused.
    `notes`: what reading the file already changed (a large constant dropped), listed first."""
    check_model_config(config)
    translator = Translator()
    try:
        translator.model(config)
    except TooSlow as err:
        raise ModelFileError(str(err)) from None
    notes = (*notes, *translator.notes)
    description = f"Imported from {source}. Structure only: weights and compile settings are not imported."
    if notes:
        description += "\n" + "\n".join(notes)
    graphs = tuple(block_finding.found_blocks(g) for g in translator.graphs)  # conv2_block1_* -> a block
    project = _project(title=title[:200], description=description[:10_000], graphs=graphs)
    _check_file_size(project)
    _check_builds(project)
    return ImportResult(project, notes)


def _project(**fields) -> Project:
    return validated(Project, "cannot hold this model", fields)


def _check_file_size(project: Project) -> None:
    from editor.files import project_files

    size = len(project_files.dumps(project).encode("utf-8"))
    if size > project_files.MAX_BYTES:
        raise ModelFileError(f"the project would be {size:,} bytes; project files are limited to {project_files.MAX_BYTES:,}")


def _check_builds(project: Project) -> None:
    from editor.building.build import build_project

    result = build_project(project, weights=False)
    if not result.ok:
        raise ModelFileError(f"the imported model does not build in the editor: {result.first_error}")
