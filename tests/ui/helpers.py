"""Driving the editor with streamlit.testing.v1.AppTest (the canvas itself is tested in tests/e2e)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"
MLP_TOTAL = "541,794"
# hidden1 with 256 units: 784*256+256 + 256*216+216 + 128*216+128 + 128*10+10
MLP_256_TOTAL = f"{784 * 256 + 256 + 256 * 216 + 216 + 27_776 + 1_290:,}"


def open_app(template: str | None = "mlp") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    if template is not None:
        at.query_params["template"] = template
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def summary(at: AppTest) -> str:
    """The model.summary() block ('' if none is shown)."""
    return next((c.value for c in at.code if "Total params" in c.value), "")


def python_code(at: AppTest) -> str:
    return next((c.value for c in at.code if "def build_model" in c.value), "")


def project(at: AppTest):
    return at.session_state["kgs.history"].value


def graph(at: AppTest, graph_id: str | None = None):
    p = project(at)
    return p.graph(graph_id) if graph_id else p.main


def select(at: AppTest, node_id: str) -> AppTest:
    at.selectbox(key="picker").select(node_id)
    return run(at)


def node_key(node_id: str, field: str, graph_id: str = "main") -> str:
    return f"insp.{graph_id}.{node_id}.{field}"


def cfg_key(node_id: str, param: str, graph_id: str = "main") -> str:
    return node_key(node_id, f"cfg.{param}", graph_id)


def shown(markdown: str) -> str:
    """What a person reads of a markdown body: backslash escapes (editor.ui.fields.md) removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def errors(at: AppTest) -> list[str]:
    return [shown(e.value) for e in at.error]


def warnings(at: AppTest) -> list[str]:
    return [shown(w.value) for w in at.warning]
