"""Methods of the lists and dicts a file computes (`names.append(x)`, `cfg.update(kw)`,
`args.pop("repeats")`), as Python runs them on the reader's own values. The in-place ones
change a value a model may use: statements.mutated_names sees their calls for left-out lines."""

from __future__ import annotations

from typing import Any

from editor.code.code_values import Skip

METHODS = ("append", "extend", "items", "keys", "values", "update", "setdefault", "copy", "pop", "get")


def method(reader: Any, owner: Any, name: str, args: list, kwargs: dict, line: int) -> Any:
    if isinstance(owner, list) and name in ("append", "extend"):
        if len(args) != 1 or kwargs:
            raise Skip(line, f"list.{name}() takes one argument")
        owner.append(args[0]) if name == "append" else owner.extend(reader.iterate(args[0], line))
        reader.size(owner, line)
        return None
    if isinstance(owner, dict) and name in ("items", "keys", "values"):
        reader.charge(len(owner), line)
        return list(getattr(owner, name)())
    if isinstance(owner, dict) and name == "update":  # in place, as mutated_names sees it
        if len(args) > 1 or (args and not isinstance(args[0], dict)):
            raise Skip(line, "dict.update() of something other than one dict and keywords")
        owner.update(*args, **kwargs)
        reader.size(owner, line)
        return None
    if isinstance(owner, dict) and name == "setdefault" and len(args) in (1, 2) and not kwargs:
        return owner.setdefault(reader.hashable(args[0], line), *args[1:])
    if isinstance(owner, (dict, list)) and name == "copy" and not args and not kwargs:
        reader.charge(len(owner), line)
        return owner.copy()
    if isinstance(owner, (dict, list)) and name == "pop":  # in place (statements.mutated_names sees it)
        if len(args) > (2 if isinstance(owner, dict) else 1) or kwargs:
            raise Skip(line, f"{type(owner).__name__}.pop() with {len(args)} arguments")
        key = [reader.hashable(a, line) if isinstance(owner, dict) else a for a in args[:1]]
        try:
            return owner.pop(*key, *args[1:])
        except (KeyError, IndexError, TypeError) as err:
            raise Skip(line, f"{type(owner).__name__}.pop(): {type(err).__name__} {err}") from None
    if isinstance(owner, dict) and name == "get":
        if not 1 <= len(args) <= 2 or kwargs:
            raise Skip(line, "dict.get() takes a key and a default")
        return owner.get(reader.hashable(args[0], line), *args[1:])
    raise Skip(line, f"{type(owner).__name__}.{name}() is not one the editor reads")
