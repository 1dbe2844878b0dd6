"""Issue 22 #9: no chart without a finite point, and explicit domains, so Vega never logs
"Infinite extent" in the browser's console."""

import math

from editor.ui.train_charts import line_chart


def test_no_chart_without_a_finite_point():
    assert line_chart("batch", [], {"loss": []}) is None
    assert line_chart("batch", [1, 2], {"loss": [math.nan, math.inf]}) is None
    assert line_chart("epoch", [1], {"loss": [None], "val_loss": [None]}) is None


def test_axes_have_explicit_finite_domains():
    data, spec = line_chart("batch", [1, 2, 3], {"loss": [2.0, math.nan, 1.0], "val_loss": [None, None, 4.0]})
    assert data.num_rows == 6
    assert spec["encoding"]["x"]["scale"]["domain"] == [1, 3]
    assert spec["encoding"]["y"]["scale"]["domain"] == [1.0, 4.0]


def test_one_point_or_a_flat_line_still_spans_its_axes():
    _, spec = line_chart("epoch", [1], {"loss": [0.5]})
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 2]
    assert spec["encoding"]["y"]["scale"]["domain"] == [0.475, 0.525]
    _, spec = line_chart("epoch", [1, 2], {"loss": [0.0, 0.0]})
    assert spec["encoding"]["y"]["scale"]["domain"] == [-1.0, 1.0]
