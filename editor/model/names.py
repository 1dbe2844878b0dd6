"""Unique names and ids: the one rule for each, stated once.

- A name (a layer's, a generated Python identifier, a loss expression's tensor, an
  imported node or graph id) is `base` when it is free, else base_1, base_2, ... (Keras's
  own rule for layer names), its base cut where a length limit asks.
- A node id is a prefix and one past the highest number in use: n1, n2, ...
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import Optional


def unique(base: str, taken: Collection[str], limit: Optional[int] = None) -> str:
    """`base`, or base_1, base_2, ... : the first not in `taken` (at most `limit` characters)."""
    candidate, k = base[:limit], 0
    while candidate in taken:
        k += 1
        suffix = f"_{k}"
        candidate = (base[: limit - len(suffix)] if limit else base) + suffix
    return candidate


def numbered(prefix: str, taken: Iterable[str]) -> str:
    """`prefix` and one past the highest number in use after it (ids only need to be unique)."""
    taken = set(taken)
    numbers = [int(m.group(1)) for t in taken if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", t))]
    candidate = max(numbers, default=0) + 1
    while f"{prefix}{candidate}" in taken:
        candidate += 1
    return f"{prefix}{candidate}"


def identifier(text: str) -> str:
    """A legal Python identifier that reads like `text` (not yet unique; may be a keyword)."""
    text = unicodedata.normalize("NFKC", text)  # Python reads identifiers NFKC-folded: fold first
    name = re.sub(r"_+", "_", "".join(c if ("_" + c).isidentifier() else "_" for c in text)).strip("_")
    name = unicodedata.normalize("NFKC", name or "x")
    name = "_" + name if name[0].isdigit() else name
    if not name.isidentifier():  # e.g. a combining mark first: fall back to ASCII
        name = "_" + re.sub(r"\W", "_", name.encode("ascii", "replace").decode())
    return name


KEYWORDS = frozenset(keyword.kwlist)  # reserve these where an identifier is made unique
