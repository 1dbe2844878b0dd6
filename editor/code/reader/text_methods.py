"""Python's pure str methods on text the reader computed (`name.split("-")[-1].startswith("b")`
in keras.applications' EfficientNetV2), computed by Python's own str and nothing else.

Only methods that read their text and make new text, numbers or lists of text are here (no
encode, translate, format_map, expandtabs); their arguments are text, whole numbers or None
(a tuple of text for startswith/endswith, any list of text for join, plain values for format).
Whatever Python's str would raise on is a `Skip` (running the file would stop there), and what
could grow past the reader's limits (replace, join, format, the paddings) is checked before
Python makes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from editor.code.code_values import BoundMethod, Refused, Skip, kind_of
from editor.code.reader.budget import MAX_TEXT, check_format, check_width

if TYPE_CHECKING:  # the reader calls this module with itself
    from editor.code.reader import Reader

# The methods read, by what their result is.
TEXT = ("lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold", "swapcase",
        "removeprefix", "removesuffix", "replace", "format", "join", "zfill", "center", "ljust", "rjust")
LISTS = ("split", "rsplit", "splitlines", "partition", "rpartition")
NUMBERS = ("count", "find", "rfind", "index", "rindex")
TESTS = ("startswith", "endswith", "isdigit", "isalpha", "isalnum", "isnumeric", "isdecimal", "isspace",
         "islower", "isupper", "istitle", "isidentifier")
METHODS = frozenset(TEXT + LISTS + NUMBERS + TESTS)
PADDINGS = ("zfill", "center", "ljust", "rjust")
__all__ = ["METHODS", "attribute", "method"]


def attribute(text: str, attr: str, line: int) -> BoundMethod:
    """`text.split`, not yet called."""
    if attr not in METHODS:
        raise Skip(line, f"the attribute .{attr} of a str is not model-building code")
    return BoundMethod(text, attr)


def method(reader: Reader, text: str, name: str, args: list, kwargs: dict, line: int) -> Any:
    """`text.name(*args, **kwargs)` as Python's str computes it."""
    if name not in METHODS:
        raise Skip(line, f"str.{name}() is not model-building code")
    if name == "join":
        return _join(reader, text, args, kwargs, line)
    plain = (str, int, float, bool, type(None)) if name == "format" else (str, int, type(None))
    for arg in [*args, *kwargs.values()]:
        tuple_of_text = name in ("startswith", "endswith") and isinstance(arg, tuple) and all(isinstance(a, str) for a in arg)
        if not isinstance(arg, plain) and not tuple_of_text:
            raise Skip(line, f"str.{name}() of a {kind_of(arg)}: the editor reads it on text and numbers only")
    reader.charge(len(text), line)
    if name == "format":
        check_format(text, line)
    if name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        times = min([text.count(args[0]), *[a for a in args[2:3] if isinstance(a, int) and a >= 0]])
        _within(len(text) + times * (len(args[1]) - len(args[0])), line)  # before Python makes it
    if name in PADDINGS and args and isinstance(args[0], int):
        check_width(args[0], line)
    try:
        result = getattr(text, name)(*args, **kwargs)
    except (LookupError, ValueError, TypeError) as err:  # "{x}".format(1), "a".index("b"), "a".split(1)
        raise Skip(line, f"str.{name}(): {err}") from None
    if isinstance(result, str):
        _within(len(result), line)
    elif isinstance(result, list):
        reader.size(result, line)
    return result


def _join(reader: Reader, text: str, args: list, kwargs: dict, line: int) -> str:
    if len(args) != 1 or kwargs:
        raise Skip(line, "str.join() takes one list")
    parts = reader.iterate(args[0], line)
    others = [p for p in parts if not isinstance(p, str)]
    if others:  # Python raises TypeError: running the file stops here
        raise Skip(line, f"str.join() of a {kind_of(others[0])}: Python joins only text")
    _within(sum(map(len, parts)) + len(text) * max(len(parts) - 1, 0), line)
    return text.join(parts)


def _within(length: int, line: int) -> None:
    if length > MAX_TEXT:
        raise Refused(f"line {line}: a string of more than {MAX_TEXT:,} characters")
