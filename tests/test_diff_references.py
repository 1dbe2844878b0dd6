"""`python -m editor diff workspace:ID@REVISION`: the revision is ASCII digits within a sane
range, anything else one line naming the reference (issue 22.12)."""

import pytest

from editor.cli import main
from editor.templates import load_template
from tests.test_cli import assert_one_line_failure, run

RANGE = "the revision after @ must be a number from 1 to 999,999,999,999,999,999 in the digits 0-9"


@pytest.fixture
def project_id(tmp_path, monkeypatch):
    from editor.store.workspace import Workspace

    path = str(tmp_path / "w.sqlite3")
    monkeypatch.setenv("KGS_WORKSPACE", path)
    return Workspace(path).create(load_template("mlp"))


@pytest.mark.parametrize("revision", [
    "99999999999999999999999",  # was: "failed unexpectedly: Python int too large"
    "1000000000000000000",  # one past the range
    "²",  # was: "invalid literal for int()"
    "１",  # full-width: was read as revision 1
    "٣",  # Arabic-Indic three
    "", "0", "000", "-1", "+1", " 1", "1 ", "1e3", "0x1", "1_0", "x",
])
def test_a_revision_that_is_not_ascii_digits_in_range_is_one_line(project_id, revision, capsys):
    reference = f"workspace:{project_id}@{revision}"
    assert main(["diff", reference, "mlp", "--no-build"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: {reference}: {RANGE}\n"


def test_a_very_long_reference_is_shortened_in_the_message(project_id, capsys):
    reference = f"workspace:{project_id}@" + "9" * 10_000
    assert main(["diff", reference, "mlp", "--no-build"]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {reference[:79]}…: {RANGE}\n"


@pytest.mark.parametrize("revision", ["1", "0001", "0" * 5_000 + "1"])
def test_ascii_revisions_are_read(project_id, revision, capsys):
    assert main(["diff", f"workspace:{project_id}@{revision}", "mlp", "--no-build"]) == 0
    assert capsys.readouterr().out == "no changes\n"


def test_a_revision_in_range_that_is_not_kept_names_it(project_id, capsys):
    assert main(["diff", f"workspace:{project_id}@999999999999999999", "mlp", "--no-build"]) == 2
    assert capsys.readouterr().err == (f"error: project '{project_id}' has no revision 999999999999999999 "
                                       "(only the last 200 are kept)\n")


def test_the_command_line_refuses_a_huge_revision_in_one_line(project_id):
    result = run("diff", f"workspace:{project_id}@99999999999999999999999", "mlp", "--no-build")
    assert_one_line_failure(result, f"workspace:{project_id}@99999999999999999999999: {RANGE}")
