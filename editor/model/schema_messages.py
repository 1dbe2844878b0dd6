"""Schema errors in the person's words: the node and field at fault by name, one line,
never a schema path such as graphs.0.nodes.1.name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from editor.model.problems import one_line

if TYPE_CHECKING:
    from editor.model.graph import Graph, Project


def first_error(err: Exception, whole: str = "") -> str:
    """One line for a schema error: the first pydantic error as "where: what" (`whole`
    names the place when the error is about the whole object); other errors as one line."""
    errors = getattr(err, "errors", None)
    if not callable(errors):
        return one_line(err)
    first = errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or whole
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def schema_problem(err: Exception, data: Any, before: Optional["Project"] = None) -> str:
    """One line for the first schema error of a project, in the person's words: the node
    (and the nested model) at fault by name and the field, never a schema path such as
    graphs.0.nodes.1.name. `data`: what was validated (a dict or a Project) to find the
    names in; `before`: the project before an edit, whose names the person knows (the
    node whose new name is refused is named by its old one)."""
    errors = getattr(err, "errors", None)
    if not callable(errors):
        return first_error(err)
    first = errors()[0]
    loc = list(first.get("loc", ()))
    place = _place(loc, data, before)
    field = ".".join(str(p) for p in loc if isinstance(p, str))
    return f"{place}: {_what(first, field)}" if place else _what(first, field)


def _what(error: dict, field: str) -> str:
    """What is wrong with `field`, from one pydantic error."""
    kind, ctx, value = error.get("type", ""), error.get("ctx") or {}, error.get("input")
    if kind == "string_too_long" and isinstance(value, str):
        return f"{field or 'the text'} is too long ({len(value):,} characters; at most {ctx.get('max_length'):,})"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"{field or 'the text'} cannot be empty"
    if kind in ("too_short", "too_long") and field:
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return f"{field} needs {'at least' if kind == 'too_short' else 'at most'} {bound} item{'' if bound == 1 else 's'}"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def _place(loc: list, data: Any, before: Optional["Project"]) -> str:
    """'node 'd'', 'node 'd' of model 'enc'', 'output 2', 'model 'enc'' or '' for a location
    (and drops the parts it names from `loc`)."""
    if len(loc) < 2 or loc[0] != "graphs" or not isinstance(loc[1], int):
        return ""
    graph = _item(_get(data, "graphs"), loc[1])
    old = _old_graph(before, _get(graph, "id"))
    graph_name = _get(old, "name") or _get(graph, "name")
    of_model = f" of model '{_short(graph_name)}'" if loc[1] > 0 and graph_name else ""
    del loc[:2]
    if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int):
        node = _item(_get(graph, "nodes"), loc[1])
        known = old.get(_get(node, "id")) if old is not None and isinstance(_get(node, "id"), str) else None
        name = _get(known, "name") or _get(node, "name")
        del loc[:2]
        return f"node '{_short(name)}'{of_model}" if isinstance(name, str) and name else f"a node{of_model}"
    if len(loc) >= 2 and loc[0] == "outputs" and isinstance(loc[1], int):
        number = loc[1] + 1
        del loc[:2]
        return f"output {number}{of_model}"
    return f"model '{_short(graph_name)}'" if isinstance(graph_name, str) and graph_name else "a model"


def _old_graph(before: Optional["Project"], graph_id: Any) -> Optional["Graph"]:
    if before is None or not isinstance(graph_id, str):
        return None
    return next((g for g in before.graphs if g.id == graph_id), None)


def _get(thing: Any, key: str) -> Any:
    return thing.get(key) if isinstance(thing, dict) else getattr(thing, key, None)


def _item(items: Any, index: int) -> Any:
    return items[index] if isinstance(items, (list, tuple)) and 0 <= index < len(items) else None


def _short(name: Any, limit: int = 40) -> str:
    """A name as a message quotes it: a very long one is cut (the message stays one short line)."""
    text = str(name)
    return text if len(text) <= limit else text[:limit] + "…"
