"""Import speed: a ResNet50 .keras file -> checked project -> canvas layout.

Budget: import ResNet50 (weights=None, 177 layers, saved to a temporary .keras file) and
lay it out for the canvas in <= 2 s once TensorFlow is loaded. The import reads the
archive itself, checks the config, reduces every layer's config through Keras and
builds the project once (without weights) to refuse what does not build. Baseline in
the same run: `keras.saving.load_model` of the same file, which builds the model and
reads its 98 MB of weights (the import reads none).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import median_ms, report


def run() -> list[dict]:
    import keras

    from editor.canvas.drawing import canvas_data
    from editor.files.importer import import_file

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "resnet50.keras"
        keras.applications.ResNet50(weights=None).save(path)

        def import_and_lay_out():
            project = import_file(path).project
            data = canvas_data(project.main)
            assert len(data.nodes) == 177

        project = import_file(path).project
        baseline = median_ms(lambda: keras.saving.load_model(path), repeat=5, warmup=1)
        rows.append(report("import ResNet50 .keras + canvas layout", median_ms(import_and_lay_out, repeat=5, warmup=1),
                           2000, baseline, "keras load_model"))
        rows.append(report("canvas layout of ResNet50 (177 nodes)", median_ms(lambda: canvas_data(project.main), repeat=21)))
    return rows


if __name__ == "__main__":
    run()
