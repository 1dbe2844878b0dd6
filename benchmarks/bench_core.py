"""Core speed: validation without TensorFlow, code generation, build + summary.

Budgets: validate a 500-node graph <= 50 ms (no TensorFlow); generate the U-Net's code
<= 20 ms; build and summarise the U-Net <= 300 ms once TensorFlow is loaded. Baselines in
the same run: validation vs. one pass of json serialisation of the same project (the
cheapest whole-graph walk there is); build vs. Keras rebuilding the same model from its
own config (`keras.Model.from_config`, also without initialising weights), the floor
for any builder. Previews never initialise weights (see build_project(weights=False)).
"""

from __future__ import annotations

import copy
import sys

from benchmarks.common import median_ms, report


def run() -> list[dict]:
    from editor.files import project_files
    from editor.code.codegen import generate
    from editor.templates import load_template
    from editor.model.validate import check_project
    from support.randomgraphs import random_project

    rows = []
    big = random_project(seed=7, size=500)
    assert "tensorflow" not in sys.modules, "validation must not need TensorFlow"
    rows.append(report("validate 500-node graph (no TensorFlow)", median_ms(lambda: check_project(big), repeat=21),
                       50, median_ms(lambda: project_files.dumps(big), repeat=21), "json dump of it"))
    unet = load_template("unet")
    rows.append(report("generate U-Net code", median_ms(lambda: generate(unet), repeat=21), 20))

    import keras

    from editor.building.build import build_project, summary_text

    def build_and_summarise():
        result = build_project(unet, weights=False)  # what the editor's previews do
        summary_text(result.model)
        return result

    config = build_project(unet, weights=False).model.get_config()

    def keras_rebuild():
        fresh = copy.deepcopy(config)  # from_config consumes parts of the dict it is given
        with keras.StatelessScope(initialize_variables=False):
            model = keras.Model.from_config(fresh)
        assert model.count_params() == 31_031_685
        summary_text(model)

    baseline = median_ms(keras_rebuild, repeat=7)
    rows.append(report("build + summary of U-Net (~40 nodes)", median_ms(build_and_summarise, repeat=7), 300,
                       baseline, "keras from_config + summary"))
    return rows


if __name__ == "__main__":
    run()
