"""editor.ui.fields: the pure part of the parameter widgets."""

import pytest

from editor.model.graph import Node
from editor.ui import fields
from editor.ui.fields import FieldError


def test_tuples_parse_as_integers_with_a_reason_when_they_do_not():
    assert fields.parse_tuple("3", "k") == 3
    assert fields.parse_tuple("3, 3", "k") == [3, 3]
    assert fields.parse_tuple("(2, 2)", "k") == [2, 2]
    assert fields.parse_tuple("(3,)", "k") == [3]
    assert fields.parse_tuple("None, 16", "k") == [None, 16]
    assert fields.parse_tuple("0.2, 0.3", "k") == [0.2, 0.3]
    assert fields.parse_tuple("", "k") is None
    with pytest.raises(FieldError, match="kernel_size: 'x' is not a number"):
        fields.parse_tuple("3,x", "kernel_size")
    with pytest.raises(FieldError, match=r"'\(empty\)'"):
        fields.parse_tuple("3,,3", "k")


def test_text_round_trip():
    for value in (3, [3, 3], [None, 16], [1.0, 2.5], None):
        assert fields.parse_tuple(fields.tuple_text(value), "k") == value


def test_shapes():
    assert fields.parse_shape("28, 28, 1") == (28, 28, 1)
    assert fields.parse_shape("None, 16") == (None, 16)
    assert fields.parse_shape("784") == (784,)
    for bad in ("", "0", "-3", "2.5", "a"):
        with pytest.raises(FieldError):
            fields.parse_shape(bad)


def test_numbers_and_json():
    assert fields.parse("int", 3.0, "units") == 3
    with pytest.raises(FieldError):
        fields.parse("int", 2.5, "units")
    with pytest.raises(FieldError):
        fields.parse("float", float("nan"), "rate")
    assert fields.parse("any", '{"a": [1]}', "x") == {"a": [1]}
    with pytest.raises(FieldError, match="not valid JSON"):
        fields.parse("any", "{", "x")
    assert fields.parse("initializer", '{"class_name": "Zeros", "config": {}}', "k")["class_name"] == "Zeros"


def test_defaults_compare_as_config_values():
    assert fields.same((1, 1), [1, 1])
    assert fields.same(1, 1.0)
    assert not fields.same(True, 1)


def test_options_always_hold_the_current_value():
    assert fields.options("choice", "valid", ("valid", "same")) == ["valid", "same"]
    assert fields.options("activation", "relu", activations=("relu", "tanh"))[0] is None
    assert "my_init" in fields.options("initializer", "my_init")
    assert None in fields.options("regularizer", None)


def test_widget_values():
    assert fields.widget_value("tuple", [3, 3]) == "3, 3"
    assert fields.widget_value("initializer", {"class_name": "Zeros"}) == '{"class_name": "Zeros"}'
    assert fields.widget_value("float", 1) == 1.0 and isinstance(fields.widget_value("float", 1), float)
    assert fields.widget_value("int", 4.0) == 4


def test_starting_config_and_keras_check():
    assert fields.starting_config("Dense") == {"units": 64}
    assert fields.starting_config("Dropout") == {"rate": 0.5}
    assert fields.starting_config("Flatten") == {}
    node = Node(id="n", kind="layer", name="d", class_name="Dense", config={"units": 4})
    assert fields.check_layer(node, {"units": 8}) is None
    assert "units" in fields.check_layer(node, {"units": 0})


def test_names_are_made_inert_for_markdown():
    assert fields.md("![x](http://t/p.png)") == "!\\[x\\](http\\://t/p.png)"
    assert fields.md("a `b` $c$ <d>") == "a \\`b\\` \\$c\\$ \\<d\\>"
    assert fields.md("__import__") == "\\_\\_import\\_\\_"
    assert fields.md("hidden1 (copy): 'x'") == "hidden1 (copy): 'x'"  # prose punctuation stays
    # one line: no heading, no paragraph break can come out of a name
    assert fields.md("head\n\n# BIG  _it_") == "head \\# BIG \\_it\\_"
    assert fields.md(":smile: www.x.org a@b.c") == "\\:smile: www\\.x.org a\\@b.c"
    assert [fields.md(t) for t in ("- a", "3. b", "> c")] == ["\\- a", "3\\. b", "\\> c"]


@pytest.mark.parametrize("raw, limit, expected", [
    ("model.keras", 60, "model.keras"),
    ("m" * 296 + ".json", 20, "m" * 14 + "….json"),
    ("C:\\Users\\me\\model.h5", 60, "model.h5"),
    ("/etc/" + "x" * 100, 10, "x" * 9 + "…"),  # no extension: the end gives way
    ("", 60, "file"),
])
def test_short_name_keeps_the_start_and_extension_within_the_limit(raw, limit, expected):
    from editor.ui.fields import short_name

    assert short_name(raw, limit) == expected
    assert len(short_name(raw, limit)) <= limit
