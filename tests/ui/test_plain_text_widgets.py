"""Issue 22 item 8: select options are plain text (Streamlit shows them as written), so
they carry no Markdown escapes; text that Markdown renders keeps them (editor.ui.fields.md)."""

import ast
from pathlib import Path

from editor.templates import load_template
from editor.store.workspace import Workspace, default_path
from tests.ui.helpers import open_app

UI = Path(__file__).resolve().parents[2] / "editor" / "ui"
PLAIN_KEYWORDS = {"format_func", "options", "placeholder", "page_title"}


def test_compare_with_options_read_as_written():
    other = load_template("mlp").model_copy(update={"title": "main_output *v2*"})
    with Workspace(default_path()) as workspace:
        workspace.create(other, label="test")
    at = open_app("mlp")
    options = at.selectbox(key="compare.with").options
    assert "project 'main_output *v2*'" in options, options
    assert not any("\\" in o for o in options), options


def _uses_md(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and (getattr(n.func, "id", None) == "md" or getattr(n.func, "attr", None) == "md")
               for n in ast.walk(node))


def test_no_plain_text_argument_of_a_widget_is_markdown_escaped():
    found = []
    for path in sorted(UI.glob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "attr", getattr(call.func, "id", ""))
            plain = [k.value for k in call.keywords if k.arg in PLAIN_KEYWORDS]
            if name in ("selectbox", "multiselect", "select_slider"):
                plain += call.args[1:2]  # the options
            found += [f"{path.name}:{v.lineno}" for v in plain if _uses_md(v)]
    assert found == []
