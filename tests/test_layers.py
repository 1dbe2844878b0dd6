"""The folders are the layers (README, "How it is built"): a module imports only from its
own package or from a lower layer, and no modules import each other in a circle. Imports
inside functions count; imports under `if TYPE_CHECKING:` do not (they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDITOR = ROOT / "editor"

# From the bottom. A package may import its own modules and any package of a lower rank;
# packages of one rank stay independent of each other.
RANKS = {
    "errors": 0, "words": 0,
    "model": 1,
    "building": 2,
    "files": 3, "train": 3,
    "code": 4, "store": 4,
    "canvas": 5, "diff": 5, "templates": 5,
    "commands": 6, "cli": 7, "__main__": 8, "ui": 7,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit(module: str) -> str:
    """The layer a module belongs to: its package under editor, or the top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "editor"


def imports(path: Path, modules: set[str]) -> set[str]:
    """The editor modules `path` imports when it runs (type-checking imports left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                 for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("editor")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("editor"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules else node.module)
    return {m for m in found if m in modules}


def graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in EDITOR.rglob("*.py")}
    modules = set(paths)
    return {name: imports(path, modules) - {name} for name, path in paths.items()}


def test_every_package_has_a_layer():
    assert {unit(m) for m in graph()} - {"editor"} <= set(RANKS), "a new package needs its place in RANKS"


def test_no_module_imports_a_higher_layer_or_a_sibling_package():
    wrong = []
    for module, used in graph().items():
        for other in used:
            here, there = unit(module), unit(other)
            if here == there or there == "editor":
                continue
            if RANKS[there] >= RANKS[here]:
                wrong.append(f"{module} -> {other}")
    assert not wrong, wrong


def test_no_modules_import_each_other_in_a_circle():
    edges = graph()
    state: dict[str, int] = {}
    circles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for other in sorted(edges[module]):
            if state.get(other) == 1:
                circles.append(trail[trail.index(other):] + [other])
            elif other not in state:
                visit(other, trail + [other])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not circles, circles


def test_the_top_level_holds_at_most_12_modules_and_at_least_5_packages():
    modules = [p for p in EDITOR.glob("*.py")]
    packages = [p for p in EDITOR.iterdir() if (p / "__init__.py").exists()]
    assert len(modules) <= 12, sorted(p.name for p in modules)
    assert len(packages) >= 5, sorted(p.name for p in packages)


def test_no_module_is_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in EDITOR.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, long
