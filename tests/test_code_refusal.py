"""Issue 22 items 6 and 13: code is written only for a graph without errors. The rule is
editor.code.codegen.refusal, used by the Code tab and `export-code`; unknown loss and optimizer
names are errors of the build (editor.building.losses.setting_problems), so `validate` names them too."""

import json

from editor.code.codegen import refusal
from editor.model.problems import Problem
from editor.templates import load_template
from tests.test_cli import run

KNOWN = "Adadelta, Adafactor, Adagrad, Adam, AdamW, Adamax, Ftrl, Lamb, Lion, Muon, Nadam, RMSprop, SGD, ScheduleFreeAdamW"


def _variant(tmp_path, name, change):
    project = json.loads(load_template("mlp").model_dump_json(exclude_none=True))
    change(project)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(project))
    return path


def _empty(p):
    p["graphs"][0]["nodes"], p["graphs"][0]["outputs"] = [], []


def _bad_key(p):
    p["graphs"][0]["nodes"][1]["config"]["unitz"] = 3


def _bad_loss(p):
    p["graphs"][0]["outputs"][0]["loss"] = "not_a_loss"


def _bad_optimizer(p):
    p["training"]["optimizer"] = "adamz"


def _refused(tmp_path, name, change):
    path = _variant(tmp_path, name, change)
    out = tmp_path / "out.py"
    result = run("export-code", str(path), "-o", str(out))
    assert result.returncode == 2 and result.stdout == ""
    assert not out.exists()  # nothing written
    return result.stderr


def test_refusal_lists_the_errors_once_and_ignores_warnings():
    cycle = Problem("model 'm' has a cycle: a -> b -> a", node="a", graph="main")
    assert refusal([]) is None
    assert refusal([Problem("unused", severity="warning")]) is None
    assert refusal([cycle, Problem(cycle.message, node="b", graph="main"), Problem("x", severity="warning"),
                    Problem("no outputs")]) == "the graph has errors: model 'm' has a cycle: a -> b -> a; no outputs"


def test_export_code_refuses_an_empty_graph(tmp_path):
    assert _refused(tmp_path, "empty", _empty) == (
        "error: empty: the code cannot be generated: the graph has errors: model 'mlp' has no outputs: mark a node "
        "as an output; model 'mlp': inputs argument cannot be empty. Received: inputs=[] outputs=[]\n")


def test_export_code_refuses_an_invalid_config_key(tmp_path):
    assert _refused(tmp_path, "badkey", _bad_key) == (
        "error: badkey: the code cannot be generated: the graph has errors: node 'hidden1': invalid Dense settings: "
        "Unrecognized keyword arguments passed to Dense: {'unitz': 3}\n")


def test_export_code_and_validate_refuse_an_unknown_loss(tmp_path):
    assert _refused(tmp_path, "badloss", _bad_loss) == (
        "error: badloss: the code cannot be generated: the graph has errors: output 'output': unknown loss "
        "'not_a_loss'\n")
    checked = run("validate", str(tmp_path / "badloss.json"))
    assert (checked.returncode, checked.stdout) == (1, "badloss: error: output 'output': unknown loss 'not_a_loss'\n")


def test_export_code_and_validate_refuse_an_unknown_optimizer(tmp_path):
    assert _refused(tmp_path, "badopt", _bad_optimizer) == (
        f"error: badopt: the code cannot be generated: the graph has errors: unknown optimizer 'adamz' (known: {KNOWN})\n")
    checked = run("validate", str(tmp_path / "badopt.json"))
    assert (checked.returncode, checked.stdout) == (1, f"badopt: error: unknown optimizer 'adamz' (known: {KNOWN})\n")


def test_export_code_writes_nothing_when_one_of_several_targets_is_refused(tmp_path):
    path = _variant(tmp_path, "badkey", _bad_key)
    out = tmp_path / "all"
    result = run("export-code", "mlp", str(path), "-o", str(out))
    assert result.returncode == 2 and "badkey: the code cannot be generated" in result.stderr
    assert not out.exists() or not any(out.iterdir())
