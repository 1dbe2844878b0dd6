"""The Train tab: settings, estimate, start / stop, live curves, results and downloads.

The run itself is editor.train.training's (a background thread per project, see
`editor.ui.runs`); this module only draws it. While a run is going, a fragment
polls its snapshot every POLL_S seconds and redraws the progress and the curves
(per-batch series thinned, see editor.ui.train_charts), so training never waits on
the page and the rest of the page stays usable; when the run ends, one rerun of the
page drops the polling and shows the results.

A run belongs to its project (the workspace project id, which the URL carries as
?project=ID) and lives in editor.ui.runs, which also stops it when no tab of the editor
is open any more.

Optimizer and learning rate are the project's compile settings (an edit with undo, and
what the exported code compiles with); batch size, epochs, samples, validation split,
seed, task and the length of None dimensions belong to this browser session.

Results (curves, epoch table, downloads) stay while the graph is the one that was
trained; after an edit they are hidden (undo brings them back) until the next run.

Memory limit: half of the free memory, or KGS_MEMORY_LIMIT_MB (megabytes, 10^6 bytes;
a positive number, anything else is ignored) where a shared machine or a test wants less:
editor.train.cost.memory_limit reads it, for the page and `python -m editor train` alike.
"""

from __future__ import annotations

from typing import Optional

import streamlit as st
from pydantic import ValidationError

from editor.model import run_settings
from editor.train import cost, run_model, training
from editor.errors import UserError
from editor.model.graph import Project, Training
from editor.model.problems import one_line
from editor.ui import fields, keras_reruns, preview_cache, runs, state, train_charts, widgets
from editor.ui.preview_cache import Preview
from editor.ui.fields import md
from editor.train.cost import memory_limit
from editor.words import counted, format_bytes, format_seconds

keras_reruns.install()  # Streamlit's after-run Keras cleanup would stall the training thread

# Each poll costs training some speed: the server's run and the browser's redraw share the
# machine with it (headline_multi_io, page vs CLI on a 2-core machine: 0.5 s 0.79x, 1 s
# 0.87-0.91x, no polls 0.96x). An A/B of 1 s against 2 s, 6 alternating rounds each (after
# bench_train_page stopped reading the last run's figure): 642 vs 703 samples/s, CLI 779.
POLL_S = 2.0
STOP_WAIT_S = 1.0  # Stop waits this long for the batch in progress, so its rerun shows the results
ESTIMATE = "kgs.train.estimate"  # (digest, settings, Estimate or one-line error)
ESTIMATE_WANTED = "kgs.train.estimate_wanted"  # set by the button, done by the next run
AXES = "kgs.train.axes"  # (id of the run, chart name -> y domain drawn last): the live charts' steady axes
RUN_FIELDS = ("epochs", "batch_size", "samples", "seed")  # whole-number settings, in this order


def owner() -> str:
    """Who a run belongs to: the project this tab edits."""
    return state.project_id()


def settings() -> run_settings.Settings:
    """The session's run settings (the project's optimizer and learning rate apply)."""
    ss = st.session_state
    values = {name: ss.get(f"train.{name}", run_settings.default(name))
              for name in (*RUN_FIELDS, "validation_split", "none_dim", "task")}
    return run_settings.Settings(**values)


def show(project: Project, preview: Optional[Preview], digest: str) -> None:
    run = runs.current_run(owner())
    going = run is not None and not run.done
    _compile_settings(project, disabled=going)
    _run_settings(project, disabled=going)
    try:
        chosen = settings()
    except ValueError as err:
        st.error(md(one_line(err)))
        return
    builds_ok = preview is not None and preview.ok
    cols = st.columns(3)
    cols[0].button("Start training", key="train.start", type="primary", disabled=going or not builds_ok,
                   on_click=_start, args=(project, chosen, digest), width="stretch",
                   help=f"Trains while any tab of the editor is open, whichever project it shows; it stops "
                        f"{training.GRACE_S:g} s after the last one is closed.")
    cols[1].button("Stop", key="train.stop", disabled=not going, on_click=_stop, width="stretch",
                   help="Stops after the batch in progress; the history is kept.")
    cols[2].button("Estimate memory and time", key="train.estimate", disabled=not builds_ok,
                   on_click=_want_estimate, width="stretch",
                   help="Builds the model with its weights (seconds for a big model); nothing is trained.")
    if not builds_ok:
        _not_building(preview)
    _estimate_box(project, digest, chosen)
    if run is None:
        return
    if going:
        st.fragment(_live, run_every=POLL_S)(run, digest)
    elif run.tag == digest:
        _results(run)
    else:
        st.caption("The graph has changed since the last run: its results are hidden (undo brings them back).")


def _not_building(preview: Optional[Preview]) -> None:
    """Why there is nothing to train: the first error (it names the node), as one line."""
    if preview is None:
        st.caption("Training starts once TensorFlow has loaded.")
        return
    first = next((p for p in preview.problems if p.severity == "error"), None)
    reason = first.message if first else preview.failure or "the model does not build"
    st.error(md(f"Cannot train: {one_line(ValueError(reason))} (see Problems)."))


# ----------------------------------------------------------------------------- settings


def _compile_settings(project: Project, disabled: bool) -> None:
    from editor.building import compile_choices

    names = compile_choices.optimizers()
    current = next((n for n in names if n.lower() == project.training.optimizer.lower()), project.training.optimizer)
    options = names if current in names else [current, *names]
    cols = st.columns(2)
    with cols[0]:
        st.selectbox("Optimizer", options, key="train.optimizer", disabled=disabled,
                     **widgets.bind("train.optimizer", current, options, on_change=_set_optimizer),
                     help="The project's optimizer: compile() and the exported code use it too.")
    with cols[1]:
        rate = project.training.learning_rate
        st.text_input("Learning rate", key="train.learning_rate", disabled=disabled,
                      **widgets.bind("train.learning_rate", "" if rate is None else f"{rate:g}",
                                     on_change=_set_learning_rate), placeholder="the optimizer's default",
                      help="Empty: the optimizer's default.")
        widgets.field_error("train.learning_rate")


def _run_settings(project: Project, disabled: bool) -> None:
    cols = st.columns(len(RUN_FIELDS))
    for col, name in zip(cols, RUN_FIELDS):
        _number(col, name, disabled, step=1)
    cols = st.columns(3)
    _number(cols[0], "validation_split", disabled, step=0.1, high=0.99)
    cols[1].selectbox("Targets", list(run_settings.TASKS), key="train.task", disabled=disabled,
                      help="learnable: a fixed random function of the inputs (the loss falls); noise: random")
    if any(d is None for n in project.main.inputs for d in (n.shape or ())):
        _number(cols[2], "none_dim", disabled, step=1)


def _number(col, name: str, disabled: bool, step, high=None) -> None:
    """A number field of run setting `name`, its label, bounds and default from editor.model.run_settings."""
    bound, key = run_settings.BOUNDS[name], f"train.{name}"
    col.number_input(bound.label, key=key, min_value=bound.low, max_value=high if high is not None else bound.high,
                     step=step, value=st.session_state.get(key, run_settings.default(name)), disabled=disabled,
                     help=bound.help)


@state.callback
def _set_optimizer() -> None:
    from editor.building import compile_choices

    name = st.session_state.get("train.optimizer")
    compile_name = compile_choices.optimizer_strings().get(name) or name  # "adam" where compile takes a string
    if compile_name.lower() != state.project().training.optimizer.lower():
        _set_training(f"set optimizer {compile_name}", "train.optimizer", optimizer=compile_name)


@state.callback
def _set_learning_rate() -> None:
    key = "train.learning_rate"
    text = str(st.session_state.get(key, "")).strip()
    try:
        rate = fields.parse_float(text, "learning rate") if text else None
    except fields.FieldError as err:
        state.fail(str(err), key)
        return
    if rate != state.project().training.learning_rate:
        _set_training(f"set learning rate {text or 'default'}", key, learning_rate=rate)


def _set_training(label: str, key: str, **changes) -> None:
    """A change of the project's compile settings, checked by the project schema (its
    range for the learning rate) and committed as one undoable edit."""
    project = state.project()
    try:
        training_ = Training.model_validate({**project.training.model_dump(), **changes})
    except ValidationError as err:
        state.fail(state.describe_error(err), key)
        return
    state.commit(project.model_copy(update={"training": training_}), label)


# ----------------------------------------------------------------------------- actions


@state.callback
def _start(project: Project, chosen: run_settings.Settings, digest: str) -> None:
    try:
        runs.start_run(owner(), project, chosen, limit_bytes=memory_limit(), tag=digest,
                       still_wanted=runs.still_wanted())
    except UserError as err:  # RunBusy, TrainingError
        state.fail(str(err))


@state.callback
def _stop() -> None:
    run = runs.current_run(owner())
    if run is not None:
        run.stop()
        run.wait(STOP_WAIT_S)  # most batches end well within it: the rerun shows the results at once


@state.callback
def _want_estimate() -> None:
    st.session_state[ESTIMATE_WANTED] = True


def _estimate(project: Project, chosen: run_settings.Settings):
    """An Estimate, or why there is none (one line)."""
    try:
        return run_model.estimate(project, chosen)
    except UserError as err:
        return str(err)
    except Exception as err:  # noqa: BLE001 - a Keras failure while building: one line
        return one_line(err)


def _estimate_box(project: Project, digest: str, chosen: run_settings.Settings) -> None:
    """The estimate of these settings, made here (under a spinner, not in a silent callback)
    when the button asked for it; kept for the same project digest and settings."""
    if st.session_state.pop(ESTIMATE_WANTED, False):
        with st.spinner("Estimating from the model's shapes…"):
            st.session_state[ESTIMATE] = (digest, chosen, _estimate(project, chosen))
    saved = st.session_state.get(ESTIMATE)
    if not saved or saved[0] != digest or saved[1] != chosen:
        return
    found = saved[2]
    if isinstance(found, str):
        st.error(md(found))
        return
    try:
        cost.check_fits(found, memory_limit())
    except cost.NotEnoughMemory as err:
        st.error(md(f"Too big to train here: {err}"))
        return
    limit = memory_limit() or cost.default_limit()
    within = f"; within the limit of {format_bytes(limit)}" if limit else ""
    st.info(md(f"Estimate on {found.device}: {found.summary()}{within}."))


# ----------------------------------------------------------------------------- the run


def _live(run: training.TrainingRun, digest: str) -> None:
    snap = run.snapshot()
    if snap.done:
        st.rerun()  # the whole page: drop the polling, show the results
    details = [snap.phase]
    if snap.samples_per_second:
        details.append(f"{snap.samples_per_second:,.0f} samples/s")
    if snap.seconds_left is not None:
        details.append(f"{format_seconds(snap.seconds_left)} left")
    if snap.device:
        details.append(f"on {snap.device}")
    st.progress(snap.progress, text=md(" · ".join(details)))
    if run.tag != digest:
        st.caption("Training the graph as it was when the run started; your edits since then are not in it.")
    axes = st.session_state.get(AXES)
    if axes is None or axes[0] != id(run):  # the id, not the run: a finished run's model is not kept alive here
        axes = st.session_state[AXES] = (id(run), {})
    train_charts.show(snap, axes[1])


def _results(run: training.TrainingRun) -> None:
    snap = run.snapshot()
    if snap.error:
        st.error(md(snap.error))
    elif snap.stopped:
        st.warning(md(f"Stopped: {snap.stopped}. The history so far is kept."))
    else:
        loss = snap.history.get("loss")
        final = f", final loss {loss[-1]:.6g}" if loss else ""
        speed = f", {snap.samples_per_second:,.0f} samples/s" if snap.samples_per_second else ""
        st.success(md(f"Trained {counted(snap.epochs, 'epoch')} with seed {run.settings.seed} in "
                      f"{format_seconds(snap.elapsed)}{final}{speed} "
                      f"on {snap.device}."))
    train_charts.show(snap)
    if snap.history:
        rows = [{"epoch": i + 1, **{k: v[i] for k, v in snap.history.items() if i < len(v)}}
                for i in range(max(len(v) for v in snap.history.values()))]
        st.dataframe(rows, hide_index=True)
    cols = st.columns(2)
    name = preview_cache.file_stem(run.project.main.name if run.project else "model")
    if run.model is not None and not snap.error:
        cols[0].download_button("Download trained model (.keras)", data=lambda: training.model_bytes(run.model),
                                file_name=f"{name}.keras", mime="application/octet-stream", key="train.model",
                                on_click="ignore", width="stretch")
    if snap.history:
        cols[1].download_button("Download history (.csv)", data=training.history_csv(snap.history),
                                file_name=f"{name}_history.csv", mime="text/csv", key="train.csv",
                                on_click="ignore", width="stretch")
