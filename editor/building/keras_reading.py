"""How the palette and the compile choices read Keras: cached readings handed out as copies,
and the names a Keras module's `get` accepts with their first doc lines. Shared by
editor.building.catalog and editor.building.compile_choices, so neither imports the other's
private helpers."""

from __future__ import annotations

import copy
import functools
import inspect


def cached_copies(fn):
    """functools.lru_cache that hands out copies, so no caller can change the cache."""
    cached = functools.lru_cache(maxsize=None)(fn)
    return functools.wraps(fn)(lambda *args: copy.copy(cached(*args)))


def first_doc_line(obj) -> str:
    return (inspect.getdoc(obj) or "").split("\n")[0].strip()


def named_functions(module, names=None) -> dict[str, str]:
    """Names `module.get` accepts (default: its lowercase functions) -> first doc line."""
    out = {}
    functions = (n for n in dir(module) if n[0].islower() and inspect.isfunction(getattr(module, n)))
    for name in sorted(names or functions):
        if name in ("get", "serialize", "deserialize"):
            continue
        try:
            obj = module.get(name)  # a class needing arguments (IoU...) fails here
        except Exception:  # noqa: BLE001 - not usable by name
            continue
        out[name] = first_doc_line(getattr(module, name, obj)) or name.replace("_", " ").capitalize()
    return out
