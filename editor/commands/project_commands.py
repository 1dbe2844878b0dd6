"""The commands that read, check, compare, export and import projects (all but `train`):
what `python -m editor COMMAND` does for each, apart from the parser in editor.cli."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from editor.commands.shared import EXIT_ERRORS, CommandError, preview_build, resolve_targets
from editor.commands.train_command import settings_of
from editor.model.graph import Project
from editor.model.problems import distinct, errors, printable
from editor.model import run_settings


def cmd_templates(args) -> int:
    from editor.templates import catalogue

    infos = catalogue()
    if args.json:
        print(json.dumps([{"id": t.id, "title": t.title} for t in infos], indent=1))
    else:
        width = max((len(t.id) for t in infos), default=0)
        for t in infos:
            print(f"{t.id:<{width}}  {t.title}")
    return 0


def cmd_validate(args) -> int:
    from editor.building.build import build_project

    status = 0
    for target, project in resolve_targets(args.targets):
        problems = build_project(project, weights=False).problems
        for problem in distinct(problems):
            print(printable(f"{target}: {problem}"))
        if errors(problems):
            status = EXIT_ERRORS
        elif not problems:
            print(f"{target}: ok")
    return status


def cmd_summary(args) -> int:
    from editor.building.build import param_counts, summary_text

    reports = []
    for target, project in resolve_targets(args.targets):
        model = preview_build(target, project).model
        if args.json:
            inputs = [{"name": n.name, "shape": list(n.shape), "dtype": n.dtype} for n in project.main.inputs]
            outputs = [{"name": name, "shape": list(t.shape)} for name, t in zip(model.output_names, model.outputs)]
            reports.append({"target": target, **param_counts(model), "inputs": inputs, "outputs": outputs})
        else:
            print("\n".join(printable(line) for line in summary_text(model).splitlines()))
    if args.json:
        print(json.dumps(reports, indent=1))
    return 0


def cmd_cost(args) -> int:
    """Each node's parameters, FLOPs per sample and activation memory (editor.building.node_cost)."""
    from editor.building.node_cost import costs_of

    if not 1 <= args.batch_size <= 1_000_000:
        raise CommandError("--batch-size must be between 1 and 1,000,000")
    reports = []
    for target, project in resolve_targets(args.targets):
        costs = costs_of(project, project.main.id, preview_build(target, project), batch_size=args.batch_size)
        rows = [(project.main.node(node_id), cost) for node_id, cost in costs.items()]
        total = {"params": sum(c.params for _, c in rows), "flops": sum(c.flops for _, c in rows),
                 "activation_bytes": sum(c.activation_bytes for _, c in rows)}
        per_block = _block_costs(project.main, rows) if args.by_block else []
        if args.json:
            nodes = [{"name": n.name, "kind": n.kind, "class_name": n.class_name, "params": c.params, "flops": c.flops,
                      "activation_bytes": c.activation_bytes} for n, c in rows]
            report = {"target": target, "batch_size": args.batch_size, "nodes": nodes, "total": total}
            if args.by_block:
                report["blocks"] = [{"name": b.name, "kind": b.kind, "nodes": count, **sums}
                                    for b, count, sums in per_block]
            reports.append(report)
            continue
        table = [("node", "class", "params", "FLOPs/sample", f"activations (batch {args.batch_size})")]
        table += [(n.name, n.class_name or n.kind, f"{c.params:,}", f"{c.flops:,}", f"{c.activation_bytes:,} B")
                  for n, c in rows]
        table += [(f"block {b.name}", f"{b.kind or 'block'} ({count} nodes)", f"{sums['params']:,}",
                   f"{sums['flops']:,}", f"{sums['activation_bytes']:,} B") for b, count, sums in per_block]
        table.append(("total", "", f"{total['params']:,}", f"{total['flops']:,}", f"{total['activation_bytes']:,} B"))
        widths = [max(len(row[i]) for row in table) for i in range(5)]
        print(printable(f"{target}:"))
        for row in table:
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + [row[i].rjust(widths[i]) for i in (2, 3, 4)]
            print(printable("  ".join(cells).rstrip()))
    if args.json:
        print(json.dumps(reports, indent=1))
    return 0


def _block_costs(graph, rows) -> list:
    """(block, node count, sums) per block of `graph`, nested blocks' nodes included."""
    from editor.model import blocks

    out = []
    for block in graph.blocks:
        inside = {n.id for n in blocks.members(graph, block.id)}
        mine = [c for n, c in rows if n.id in inside]
        out.append((block, len(inside), {"params": sum(c.params for c in mine), "flops": sum(c.flops for c in mine),
                                         "activation_bytes": sum(c.activation_bytes for c in mine)}))
    return out


def _diff_side(target: str) -> Project:
    """A diff side: a project file, a template id, or workspace:ID[@REVISION]."""
    from editor.templates import resolve

    if not target.startswith("workspace:"):
        return resolve(target)
    from editor.store.workspace import Workspace

    project_id, at, revision = target[len("workspace:"):].partition("@")
    if not at:
        return Workspace().latest(project_id).project
    return Workspace().revision(project_id, _revision_number(target, revision))


MAX_REVISION = 10**18 - 1  # 18 digits: far beyond any workspace, within SQLite's 64-bit integers
_ASCII_DIGITS = frozenset("0123456789")


def _revision_number(target: str, text: str) -> int:
    """The revision of workspace:ID@REVISION: ASCII digits only (str.isdigit and int() also take
    '²' and full-width '１'), from 1 to MAX_REVISION (a longer number is refused before int())."""
    digits = text.lstrip("0")
    if not text or not set(text) <= _ASCII_DIGITS or len(digits) > len(str(MAX_REVISION)) or not digits:
        shown = target if len(target) <= 80 else target[:79] + "…"
        raise CommandError(f"{shown}: the revision after @ must be a number from 1 to {MAX_REVISION:,} "
                           "in the digits 0-9")
    return int(digits)


def cmd_diff(args) -> int:
    """What changed from A to B (editor.diff); exit 0 when equal, 1 when they differ."""
    from editor.canvas.looks import shape_text
    from editor.diff import by_block, deltas, diff

    a, b = _diff_side(args.a), _diff_side(args.b)
    found = diff(a, b)
    extra = deltas(a, b) if not args.no_build else None
    if args.json:
        report = found.to_json()
        if args.by_block:
            report["by_block"] = by_block(found, a, b)
        if extra is not None:
            report["params"] = {"a": extra.total[0], "b": extra.total[1]}
            report["weights_load"] = list(extra.loads)
            report["weights_do_not_load"] = list(extra.not_loading)
        print(json.dumps(report, indent=1))
    else:
        for line in found.lines() + (by_block(found, a, b) if args.by_block else []):
            print(printable(line))
        if extra is not None:
            names = {n.id: n.name for n in b.main.nodes}
            for node_id, (shape_a, shape_b, params_a, params_b) in extra.nodes.items():
                shapes = f"{shape_text(shape_a) or 'none'} -> {shape_text(shape_b) or 'none'}"
                print(printable(f"delta {names[node_id]}: shape {shapes}, params {params_a:,} -> {params_b:,}"))
            change = extra.total[1] - extra.total[0]
            print(f"params: {extra.total[0]:,} -> {extra.total[1]:,} ({change:+,})")
            print(printable(f"weights that load by name: {', '.join(extra.loads) or 'none'}"))
            if extra.not_loading:
                print(printable(f"weights that do not: {', '.join(extra.not_loading)}"))
        if found.equal:
            print("no changes")
    return 0 if found.equal else 1


def cmd_export_code(args) -> int:
    from editor.building.build import build_project
    from editor.code.codegen import generate, refusal

    train = settings_of(args) if args.train else None
    targets = resolve_targets(args.targets)
    for target, project in targets:  # every target checked before any file is written
        checked = run_settings.with_optimizer(project, train) if train else project
        refused = refusal(build_project(checked, weights=False).problems)
        if refused:
            raise CommandError(f"{target}: the code cannot be generated: {refused}")
    out = Path(args.output)
    if len(targets) > 1:
        out.mkdir(parents=True, exist_ok=True)
        files = [(out / f"{target}.py", project) for target, project in targets]
    else:
        files = [(out, targets[0][1])]
    for path, project in files:
        path.write_text(generate(project, train=train, strategy=args.strategy), encoding="utf-8")
        print(path)
    return 0


def cmd_export_keras(args) -> int:
    from editor.building.build import compiled_model, BuildError

    (target, project), = resolve_targets([args.target])
    if not args.output.endswith(".keras"):
        raise CommandError(f"{args.output}: the file name must end in .keras")
    try:
        model = compiled_model(project)
    except BuildError as err:
        raise CommandError(f"{target}: {err}") from None
    # Save the optimizer's slots too (zeros): without them, load_model warns that the
    # file's optimizer has fewer variables than the one it rebuilds.
    model.optimizer.build(model.trainable_variables)
    model.save(args.output)
    print(args.output)
    return 0


def cmd_plot(args) -> int:
    (target, project), = resolve_targets([args.target])
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".png", ".svg", ".dot"):
        raise CommandError(f"{args.output}: choose a .png, .svg or .dot file name")
    if suffix != ".dot" and shutil.which("dot") is None:
        raise CommandError(
            f"{suffix[1:]} needs the Graphviz 'dot' program, which is not installed "
            "(Debian: apt-get install graphviz); '-o model.dot' works without it"
        )
    from editor.building.diagram import dot_source, render

    model = preview_build(target, project).model
    if suffix == ".dot":
        Path(args.output).write_text(dot_source(model), encoding="utf-8")
    else:
        Path(args.output).write_bytes(render(model, suffix[1:]))
    print(args.output)
    return 0


def cmd_import(args) -> int:
    """Import a Keras model (structure only) into a project file; notes go to stderr."""
    from editor.files import project_files
    from editor.files.importer import import_target

    if not args.output.endswith(".json"):
        raise CommandError(f"{args.output}: the project file name must end in .json")
    if args.file.endswith(".py"):
        notes = _import_code(args)
    else:
        if args.model is not None:
            raise CommandError("--model chooses among the models of a Python file (FILE.py)")
        result = import_target(args.file)
        project_files.save(result.project, args.output)
        notes = result.notes
    for note in notes:
        print(printable(f"note: {note}"), file=sys.stderr)
    print(args.output)
    return 0


def _import_code(args) -> tuple[str, ...]:
    """A Python file read without running it (editor.code.code_import): TensorFlow is never loaded.
    A file inside a package (folders with __init__.py) has its own package's modules read too."""
    from editor.files import project_files
    from editor.code.code_import import MAX_FILE_BYTES, import_code
    from editor.code.package_modules import package_of

    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path.name}: the file is over {MAX_FILE_BYTES:,} bytes")
        source = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path.name}: not UTF-8 text") from None
    result = import_code(source, model=args.model, filename=path.name, strict=args.strict, package=package_of(path))
    project_files.save(result.project, args.output)
    return tuple(f"{line} (left out)" for line in result.skipped) + result.notes


def cmd_check_loss(args) -> int:
    from editor.model import expr

    names = [n.strip() for n in args.names.split(",") if n.strip()]
    try:
        print(expr.check(args.expression, names))
    except expr.ExprError as err:
        raise CommandError(str(err)) from None
    return 0
