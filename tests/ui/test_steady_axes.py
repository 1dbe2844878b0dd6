"""Issue 25: a live chart's spec stays the same from one poll to the next while its curve
stays inside the axes, so the browser swaps the data instead of building the chart again."""

from editor.ui.steady_axes import x_end, y_domain
from editor.ui.train_charts import line_chart


def _live(xs, values, planned, previous=None):
    return line_chart("batch", xs, {"loss": values}, planned=planned, previous=previous)[1]


def test_a_poll_that_stays_inside_the_axes_sends_the_same_spec():
    first = _live([1, 2, 3], [2.3, 2.0, 1.8], planned=80)
    domain = first["encoding"]["y"]["scale"]["domain"]
    assert domain == [1.6, 2.5]
    second = _live([1, 2, 3, 4], [2.3, 2.0, 1.8, 1.7], planned=80, previous=domain)
    assert second == first


def test_the_axes_move_when_the_curve_leaves_them():
    first = _live([1, 2, 3], [2.3, 2.0, 1.8], planned=80)
    later = _live(list(range(1, 6)), [2.3, 2.0, 1.8, 1.2, 0.9], planned=80,
                  previous=first["encoding"]["y"]["scale"]["domain"])
    assert later["encoding"]["x"]["scale"]["domain"] == [1, 8]
    assert later["encoding"]["y"]["scale"]["domain"] == [0.0, 3.0]


def test_x_grows_by_doubling_up_to_the_planned_end():
    assert [x_end(n, 80) for n in (1, 2, 3, 5, 9, 33, 64, 65, 80)] == [2, 2, 4, 8, 16, 64, 64, 80, 80]
    assert x_end(7, 5) == 7  # never short of the last point


def test_y_is_kept_while_it_fits_and_the_curve_fills_a_quarter_of_it():
    assert y_domain(1.0, 2.0, previous=[0.0, 3.0]) == [0.0, 3.0]
    assert y_domain(1.0, 1.5, previous=[0.0, 3.0]) == [0.8, 1.7]  # too flat in it: drawn again, tighter
    assert y_domain(0.1, 0.2) == [0.0, 0.3]
    assert y_domain(0.05, 4.0) == [0.0, 5.0]  # not below 0 for points that are not
    assert y_domain(-1.0, 1.0) == [-2.0, 2.0]
    assert y_domain(0.5, 0.5) is None  # a flat line: padded by the chart, as before


def test_finished_charts_keep_their_exact_axes():
    spec = line_chart("epoch", [1, 2, 3], {"loss": [2.0, 1.5, 1.0]})[1]
    assert spec["encoding"]["x"]["scale"]["domain"] == [1, 3]
    assert spec["encoding"]["y"]["scale"]["domain"] == [1.0, 2.0]
