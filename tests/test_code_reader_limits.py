"""The code reader's limits and odd inputs (issue 22, item 15): a file's size is checked
before it is parsed, f-strings are computed as Python computes them (or refused, never
silently wrong), a NUL byte is reported on its line. Measured with the reader's own
counts (steps, syntax nodes parsed), never with a clock."""

from __future__ import annotations

import pytest

from editor.code import reader as code_reader
from editor.code.code_import import CodeRefused, import_code
from editor.code.reader import MAX_BYTES, MAX_LINES, MAX_TOKENS, Reader, Refused

MODEL = "inputs = keras.Input(shape=(8,))\nmodel = keras.Model(inputs, layers.Dense(1)(inputs))\n"
HEAD = "import keras\nfrom keras import layers\n"


def refusal(source: str) -> tuple[str, Reader]:
    """The one-line refusal of `source`, and the reader that gave it (its counts)."""
    reader = Reader(source)
    with pytest.raises(Refused) as caught:
        reader.read()
    return str(caught.value), reader


# ----------------------------------------------------------------------------- size first

def test_a_file_of_too_many_lines_is_refused_before_it_is_parsed():
    """60,000 lines of `xN = 1` (360 kB, under the byte limit) took 1.8 to 8 s and 208 MB to
    parse and walk before the step budget refused it: now no syntax node is made."""
    source = HEAD + "".join(f"x{i} = 1\n" for i in range(60_000)) + MODEL
    assert len(source.encode()) < MAX_BYTES
    message, reader = refusal(source)
    assert message == f"the file is too long (60,004 lines, limit {MAX_LINES:,})"
    assert (reader.parsed, reader.steps) == (0, 0)
    with pytest.raises(CodeRefused, match=r"^the file is too long \(60,004 lines, limit 10,000\)$"):
        import_code(source)


def test_a_file_of_too_many_bytes_is_refused_before_it_is_parsed():
    """The limit is in bytes, as the page and the command line count them: 400,000 'é' in a
    comment are 800,000 bytes... and 700,000 of them are 1,400,000."""
    fits = HEAD + "# " + "é" * 400_000 + "\n" + MODEL
    assert Reader(fits).read().parsed > 0
    source = HEAD + "# " + "é" * 700_000 + "\n" + MODEL
    assert len(source) < MAX_BYTES < len(source.encode())
    message, reader = refusal(source)
    assert message == f"the file is too long ({len(source.encode()):,} bytes, limit {MAX_BYTES:,})"
    assert (reader.parsed, reader.steps) == (0, 0)
    message, reader = refusal("x = 1\n" * 200_000)
    assert message == f"the file is too long (1,200,000 characters, limit {MAX_BYTES:,} bytes)"
    assert reader.parsed == 0


def test_a_file_of_too_many_tokens_is_refused_before_it_is_parsed():
    """10,000 lines of 48-item lists (1 MB) made 530,000 syntax nodes, 500 MB to parse: the
    tokens are counted first (a 500-line model file has 7,000)."""
    source = HEAD + "".join("x = [" + ",".join(["0"] * 48) + "]\n" for _ in range(9_000)) + MODEL
    assert len(source.encode()) < MAX_BYTES and source.count("\n") < MAX_LINES
    message, reader = refusal(source)
    assert message == f"the file is too long (more than {MAX_TOKENS:,} tokens)"
    assert (reader.parsed, reader.steps) == (0, 0)


def test_a_file_at_the_limits_is_read_and_counted():
    source = HEAD + "# padding\n" * (MAX_LINES - 4) + MODEL
    reader = Reader(source).read()
    assert source.count("\n") == MAX_LINES
    assert (reader.parsed, reader.steps) == (36, 23)
    result = import_code(source)
    assert [n.kind for n in result.project.main.nodes] == ["input", "layer"]
    assert result.steps == 23  # the same reading


# ----------------------------------------------------------------------------- NUL

@pytest.mark.parametrize("source, line", [
    ("\0import keras\n", 1),
    ("import keras\nx = 1\ny = '\0'\n", 3),
    ("import keras\r\nx = 1\r\n\r\n# a comment \0\r\n", 4),
    ("import keras\rx = 1\r\0", 3),
])
def test_a_nul_byte_is_reported_on_its_line(source, line):
    """Python refuses a NUL byte with no line number (it was reported at "line 0")."""
    message, reader = refusal(source)
    assert message == f"line {line}: a NUL byte (character 0) is not Python text"
    assert reader.parsed == 0
    with pytest.raises(CodeRefused, match=f"^line {line}: a NUL byte"):
        import_code(source + MODEL)


# ----------------------------------------------------------------------------- f-strings

def test_a_nested_format_width_in_an_f_string_is_refused():
    """f"{1:{10**9}}" imported as the name "1" (the format spec was dropped): it is a
    gigabyte of spaces, refused as str.format's widths are."""
    source = HEAD + 'inputs = keras.Input(shape=(8,))\n' \
        'model = keras.Model(inputs, layers.Dense(1, name=f"{1:{10**9}}")(inputs))\n'
    with pytest.raises(CodeRefused, match=r"^line 4: a format width too large \(limit 10,000\)$"):
        import_code(source)
    for spec in ("{10**9}", ".{10**9}f", ">{5000}.{5001}"):
        message, _ = refusal(f'x = f"{{1.5:{spec}}}"\n')
        assert message == "line 1: a format width too large (limit 10,000)", spec


def text_of(expression: str) -> str:
    source = "n = 5\nw = 'dense é'\nc = '*'\nf = '>9'\n" + f"text = {expression}\n"
    return Reader(source).read().globals.vars["text"]


@pytest.mark.parametrize("expression, text", [
    ('f"{3:03d}"', '003'),
    ('f"{2.5:.1f}"', '2.5'),
    ('f"{w:>{n}}"', 'dense é'),
    ('f"{w!r}"', "'dense é'"),
    ('f"{w!r:>12}"', "   'dense é'"),
    ('f"{w!s:^{n + 6}}"', '  dense é  '),
    ('f"{n:{c}>{n}}"', '****5'),
    ('f"{1234567:,}"', '1,234,567'),
    ('f"{0.25:%}"', '25.000000%'),
    ('f"{n:x}-{n:b}"', '5-101'),
    ('f"{None}"', 'None'),
    ('f"{True:d}"', '1'),
    ('f"{w:{f}}"', '  dense é'),
    ('f"{w!a}"', "'dense \\xe9'"),
    ('f"{n=}"', 'n=5'),
    ('f"{n = :>4}"', 'n =    5'),
    ("f\"{w:{'<'}{n + 5}}|\"", 'dense é   |'),
])
def test_f_strings_are_computed_as_python_computes_them(expression, text):
    """Before, the spec and the conversion were dropped: f"{3:03d}" was "3". (The texts are
    what Python 3 gives, written out.)"""
    assert text_of(expression) == text


@pytest.mark.parametrize("expression, reason", [
    ('f"{w:d}"', "line 4: a format string Python refuses: Unknown format code 'd' for object of type 'str'"),
    ('f"{None:>4}"', "line 4: a format string Python refuses: unsupported format string passed to NoneType.__format__"),
    ('f"{[1, 2]}"', "line 4: a list in an f-string: only text and numbers"),
])
def test_an_f_string_python_would_refuse_is_left_out(expression, reason):
    result = import_code(HEAD + f"w = 'a'\ntext = {expression}\n" + MODEL)
    assert result.skipped == (reason,)


# ----------------------------------------------------------------------------- applications

def test_keras_applications_are_built_without_their_weights(monkeypatch):
    """A file that calls keras.applications.VGG16(...) needs its structure only: built in
    Keras's StatelessScope, its 138 M weights are never made (before: 2 GB and 4 s)."""
    keras = pytest.importorskip("keras")
    from keras.src.backend.common.stateless_scope import in_stateless_scope

    built, vgg16 = [], keras.applications.VGG16
    monkeypatch.setattr(keras.applications, "VGG16", lambda **kw: built.append(in_stateless_scope()) or vgg16(**kw))
    result = import_code("import keras\nmodel = keras.applications.VGG16(weights=None)\n")
    assert built == [True]
    assert [n.class_name for n in result.project.main.nodes][:3] == [None, "Conv2D", "Conv2D"]
