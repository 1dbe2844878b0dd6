"""Live previews: model.summary(), the plot_model diagram, the generated code, problems.

Refreshed after every edit from the cached Preview (editor.ui.preview_cache). When the graph
has errors, the last previews that built stay visible, marked out of date.
"""

from __future__ import annotations

import shutil
from typing import Optional

import streamlit as st

from editor.code import codegen
from editor.model import run_settings
from editor.model.graph import Project
from editor.model.problems import distinct
from editor.ui import cost_view, lazy_tabs, page_scope, preview_cache, state, train_panel
from editor.ui.preview_cache import Preview
from editor.ui.fields import md

LAST_GOOD = "kgs.previews.last_good"  # (project id, graph id) -> last Preview that built
LAST_CODE = "kgs.previews.last_code"  # project id -> last generated source
LAST_CODABLE = "kgs.previews.last_codable"  # project id -> (project, digest) last without errors, Code tab closed
TAB_NAMES = ("Summary", "Diagram", "Code", "Problems", "Train")
# The Code tab's choices and the Train tab's settings outlive their closed tabs (editor.ui.lazy_tabs).
KEPT = {2: ("previews.code_train", "previews.code_strategy"),
        4: tuple(f"train.{name}" for name in ("epochs", "batch_size", "samples", "seed", "validation_split",
                                             "none_dim", "task"))}


def show(project: Project, preview: Optional[Preview], structural, digest: str = "", key: str = "previews") -> None:
    # Keyed by project too: "the last version that built" is never another project's.
    where = (state.project_id(), state.graph_id())
    last_good = st.session_state.setdefault(LAST_GOOD, {})
    if preview is not None and preview.ok:
        last_good[where] = preview
    shown = preview if preview is not None and preview.ok else last_good.get(where)
    stale = shown is not None and shown is not preview
    problems = distinct(preview.problems if preview is not None else structural)
    errors = [p for p in problems if p.severity == "error"]
    failure = preview.failure if preview is not None else ""
    title = f"Problems ({len(errors)})" if errors or failure else f"Problems ({len(problems)})"
    names = [*TAB_NAMES[:3], title, TAB_NAMES[4]]
    tabs = lazy_tabs.tabs(names, f"{key}.tab", KEPT)
    digest = digest or preview_cache.digest(project)
    if tabs[0].open is not False:
        with tabs[0]:
            _summary(shown, stale, preview, key)
    if tabs[1].open is not False:
        with tabs[1]:
            _diagram(shown, stale, key)
    if tabs[2].open is not False:
        with tabs[2]:
            _code(project, digest, key, problems)
    elif not errors:  # the Code tab opened on a version with errors shows this one, made then
        st.session_state.setdefault(LAST_CODABLE, {})[state.project_id()] = (project, digest)
    if tabs[3].open is not False:
        with tabs[3]:
            _problems(project, problems, failure, key)
    if tabs[4].open is not False:
        with tabs[4]:
            train_panel.show(project, preview, digest)


def _stale_note(what: str) -> None:
    st.warning(f"Out of date: the graph has errors (see Problems); this {what} is from the last version that built.")


def _summary(shown: Optional[Preview], stale: bool, current: Optional[Preview], key: str) -> None:
    if shown is None:
        if current is None:
            st.caption("The summary appears when TensorFlow has loaded.")
        else:
            st.info("The model does not build yet; see Problems.")
        return
    if stale:
        _stale_note("summary")
    counts = shown.counts
    if counts:
        st.caption(f"{counts['total_params']:,} parameters · {counts['trainable_params']:,} trainable · "
                   f"{counts['non_trainable_params']:,} non-trainable")
    totals = cost_view.totals_line(shown)
    if totals:
        st.caption(totals)
    text, cut = _head(shown.summary, tail=4)  # the totals lines stay
    st.code(text, language=None)
    if cut:
        name = preview_cache.file_stem(shown.model_name or "model")
        st.caption(f"The first {SHOWN_LINES} lines of {cut + SHOWN_LINES + 4:,}: a page with every row of a big "
                   "model is slow to draw. The whole summary is in the download.")
        st.download_button("Download the summary (.txt)", data=shown.summary, file_name=f"{name}-summary.txt",
                           mime="text/plain", key=f"{key}.summary_download", on_click="ignore")


# Long texts (the summary and code of a big graph) are shown up to this many lines: sending
# and drawing 5,000 lines on every rerun made each click take seconds; the rest is downloadable.
SHOWN_LINES = 400


def _head(text: str, tail: int = 0) -> tuple[str, int]:
    """The first SHOWN_LINES lines (and the last `tail`), and how many were left out."""
    lines = text.splitlines()
    cut = len(lines) - SHOWN_LINES - tail
    if cut <= 0:
        return text, 0
    kept = lines[:SHOWN_LINES] + [f"… {cut:,} more lines (download them all)"] + (lines[-tail:] if tail else [])
    return "\n".join(kept), cut


# Above this many nodes the diagram is drawn by Graphviz on the server, as an image: the
# browser's renderer (st.graphviz_chart, Graphviz in WebAssembly) drew a 402-node graph in
# 2.4 s, but gave up on a 1,002-node one (a 0 px chart, `pageerror: undefined`)
# and on a 2,002-node residual stack here after 120 s, where `dot` on the server takes 0.9 s
# at 1,002 nodes and 2.8 s at 2,002 (see preview_cache.DOT_TIMEOUT_S for its bounds).
BROWSER_DIAGRAM_MAX = 400


def _diagram(shown: Optional[Preview], stale: bool, key: str) -> None:
    if shown is None:
        st.caption("The diagram appears when the model builds.")
        return
    if stale:
        _stale_note("diagram")
    dot = shown.dot
    name = preview_cache.file_stem(shown.model_name or "model")
    if shown.quick:  # a big graph: laying out its diagram takes seconds, so on request
        dot = _diagram_on_request(shown, key)
        if not dot:
            return
        count = len(state.project().graph(shown.graph_id).nodes)
        if count > BROWSER_DIAGRAM_MAX:
            _server_diagram(dot, count, shown, name, key)
            return
    st.graphviz_chart(preview_cache.screen_dot(dot))
    cols = st.columns(3)
    _dot_download(cols[0], dot, name, key)
    if shutil.which("dot"):
        cols[1].download_button("Download PNG", data=lambda: preview_cache.render_dot(dot, "png"), file_name=f"{name}.png",
                                mime="image/png", key=f"{key}.png", on_click="ignore", width="stretch")
        _svg_download(cols[2], dot, name, key)
    else:
        cols[1].caption("PNG and SVG need Graphviz's `dot` program.")


def _dot_download(col, dot: str, name: str, key: str) -> None:
    col.download_button("Download DOT", data=dot, file_name=f"{name}.dot", mime="text/vnd.graphviz",
                        key=f"{key}.dot", on_click="ignore", width="stretch")


def _svg_download(col, dot: str, name: str, key: str) -> None:
    col.download_button("Download SVG", data=lambda: preview_cache.render_dot(dot, "svg"), file_name=f"{name}.svg",
                        mime="image/svg+xml", key=f"{key}.svg", on_click="ignore", width="stretch")


def _server_diagram(dot: str, count: int, shown: Preview, name: str, key: str) -> None:
    """A diagram too big for the browser: an SVG image made by Graphviz on the server, or
    one line saying why there is none, and the DOT to lay out elsewhere."""
    with st.spinner(f"Graphviz is laying out {count:,} nodes…"):
        svg, why = preview_cache.page_svg(dot, (shown.digest, shown.graph_id))
    cols = st.columns(3)
    _dot_download(cols[0], dot, name, key)
    if not svg:
        st.warning(md(f"The diagram was not drawn: {why}. Download the DOT and open it with Graphviz "
                      "or another DOT viewer."))
        return
    cols[1].download_button("Download SVG", data=svg, file_name=f"{name}.svg", mime="image/svg+xml",
                            key=f"{key}.svg", on_click="ignore", width="stretch")
    st.caption(f"{count:,} nodes, drawn by Graphviz on the server (too many for the browser to lay out).")
    st.image(svg)


def _diagram_on_request(shown: Preview, key: str) -> str:
    """The DOT of a big graph once the person has asked for it on this project state."""
    asked = st.session_state.get(f"{key}.diagram_for") == shown.digest
    if not asked:
        count = len(state.project().graph(shown.graph_id).nodes)
        st.caption(f"{count:,} nodes: the diagram is laid out when you ask for it (that takes seconds for a "
                   "graph this big, and the canvas shows the same graph).")
        if st.button("Draw the diagram", key=f"{key}.diagram"):
            st.session_state[f"{key}.diagram_for"] = shown.digest
            page_scope.rerun()
        return ""
    with st.spinner("Building the model for its diagram…"):
        dot = preview_cache.full_dot(state.project(), shown.graph_id, shown.digest)
    if not dot:
        st.info("The diagram could not be made: the model does not build.")
    return dot


def _code(project: Project, digest: str, key: str, problems=()) -> None:
    cols = st.columns([2, 1])
    with_train = cols[0].checkbox("Include train() on synthetic data", key=f"{key}.code_train",
                                  help="The Train tab's settings become its defaults; the same seed draws the same data.")
    strategy = cols[1].selectbox("Strategy", list(run_settings.STRATEGIES), key=f"{key}.code_strategy",
                                 disabled=not with_train,
                                 help="tf.distribute strategy of train(): mirrored uses every GPU of the machine, "
                                      "multiworker several machines (TF_CONFIG).")
    train = None
    if with_train:
        try:
            train = train_panel.settings()
        except ValueError as err:
            st.error(md(f"The training settings are not valid: {err}"))
    refused = codegen.refusal(problems)  # the rule export-code follows too
    found = (preview_cache.Code(error=f"{refused} (see Problems)") if refused
             else preview_cache.code(project, digest, train, strategy if with_train else "default"))
    last_code = st.session_state.setdefault(LAST_CODE, {})
    codable = st.session_state.get(LAST_CODABLE, {}).pop(state.project_id(), None)
    if not found.source and codable is not None:  # built while this tab was closed: newer than the last code
        made = preview_cache.code(codable[0], codable[1], train, strategy if with_train else "default")
        if made.source:
            last_code[state.project_id()] = made.source
    last = last_code.get(state.project_id())
    if found.source:
        last_code[state.project_id()] = found.source
        source, stale = found.source, False
    else:
        source, stale = last, True
        st.error(md(f"The code cannot be generated: {found.error}"))
    if not source:
        return
    if stale:
        _stale_note("code")
    name = preview_cache.file_stem(project.main.name)
    st.download_button("Download code (.py)", data=source, file_name=f"{name}.py", mime="text/x-python",
                       key=f"{key}.code_download", on_click="ignore", type="primary")
    text, cut = _head(source)
    st.code(text, language="python")
    if cut:
        st.caption(f"The first {SHOWN_LINES} lines of {cut + SHOWN_LINES:,}: the download has them all.")


def _problems(project: Project, problems, failure: str, key: str) -> None:
    if failure:
        st.error(md(failure))
    if not problems and not failure:
        st.success("No problems: the model builds.")
        return
    graph_names = {g.id: g.name for g in project.graphs}
    current = state.graph_id()
    for i, problem in enumerate(problems):
        where = "" if problem.graph in (None, current) else f"in {graph_names.get(problem.graph, problem.graph)}: "
        box = st.error if problem.severity == "error" else st.warning
        if problem.node is not None and problem.graph in (None, current):
            cols = st.columns([8, 1])
            with cols[0]:
                box(md(where + problem.message))
            cols[1].button("Select", key=f"{key}.problem{i}", on_click=state.select, args=(problem.node,))
        else:
            box(md(where + problem.message))
