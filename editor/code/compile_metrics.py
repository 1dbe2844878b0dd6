"""compile(metrics=...) as the editor's metrics: Keras's, by name. Apart from the importer so
that what a metric may be reads as one rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from editor.code.code_values import CodeRefused, Function, Namespace, kind_of

if TYPE_CHECKING:  # the importer calls this with its reader
    from editor.code.reader import Reader


def metric_name(reader: Reader, metric: Any, line: int) -> Optional[str]:
    """A metric by Keras's name; a function of the file (it measures, it changes no weight of
    the model) is left out with a note in the default mode, and refuses under --strict."""
    if isinstance(metric, str):
        return metric
    if isinstance(metric, Namespace) and metric.path.startswith("keras.metrics."):
        return metric.path.rpartition(".")[2]
    if isinstance(metric, Function) and not reader.strict:
        note = (f"line {line}: compile(metrics=[{metric.name}]): the function '{metric.name}' is left out; "
                "the editor's metrics are Keras's by name")
        if note not in reader.notes:
            reader.notes.append(note)
        return None
    raise CodeRefused(f"line {line}: compile(metrics=...) with a {kind_of(metric)}, which the editor cannot express")
