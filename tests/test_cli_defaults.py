"""The command line takes its defaults from editor.model.run_settings, their one home:
`cost --batch-size` follows the training batch size and says it in its help."""

from editor import cli
from editor.model import run_settings


def test_cost_batch_size_defaults_to_the_run_settings_batch_size(monkeypatch, capsys):
    monkeypatch.setattr(run_settings, "DEFAULTS", run_settings.Settings(batch_size=8))
    parser = cli._parser()
    assert parser.parse_args(["cost", "mlp"]).batch_size == 8
    assert cli.main(["cost", "--help"]) == 0
    assert "(default: 8, as in training)" in " ".join(capsys.readouterr().out.split())


def test_cost_reports_the_default_batch_size(capsys):
    assert cli.main(["cost", "mlp", "--json"]) == 0
    assert f'"batch_size": {run_settings.default("batch_size")}' in capsys.readouterr().out
