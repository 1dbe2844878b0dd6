"""The Train tab: settings, start, stop, NaN, refusal, results, downloads (AppTest).

AppTest does not run the polling fragment by itself: the tests wait on the run object
(editor.train.training keeps one per session) and run the page again.
"""

import pytest

from editor.train import training
from editor.ui import runs, state, train_panel
from tests.ui.helpers import errors, graph, open_app, project, python_code, run, select, node_key

WAIT_S = 240


def set_run(at, epochs=2, samples=64, batch_size=16, **more):
    at.number_input(key="train.epochs").set_value(epochs)
    at.number_input(key="train.samples").set_value(samples)
    at.number_input(key="train.batch_size").set_value(batch_size)
    for key, value in more.items():
        at.number_input(key=f"train.{key}").set_value(value)
    return run(at)


def the_run(at) -> training.TrainingRun:
    found = runs.current_run(at.session_state[state.PROJECT_ID])
    assert found is not None
    return found


def start_and_wait(at):
    at.button(key="train.start").click()
    run(at)
    assert the_run(at).wait(WAIT_S)
    return run(at)


def download_keys(at) -> list[str]:
    return [b.key for b in at.get("download_button")]


def table_epochs(at) -> list[int]:
    frames = at.dataframe
    assert frames, "no history table"
    return list(frames[0].value["epoch"])


def test_train_the_mlp_then_results_and_downloads():
    at = set_run(open_app("mlp"), epochs=3)
    at = start_and_wait(at)
    done = the_run(at)
    assert done.error is None and done.stopped is None
    assert len(done.history["loss"]) == 3 and done.history["loss"][-1] < done.history["loss"][0]
    assert table_epochs(at) == [1, 2, 3]
    assert any(s.value.startswith("Trained 3 epochs with seed 0 in ") for s in at.success)
    assert {"train.model", "train.csv"} <= set(download_keys(at))
    assert training.history_csv(done.history).splitlines()[0] == "epoch,loss,accuracy"
    assert not at.button(key="train.start").disabled and at.button(key="train.stop").disabled


def test_results_hide_after_an_edit_and_come_back_with_undo():
    at = start_and_wait(set_run(open_app("mlp"), epochs=1, samples=32))
    assert table_epochs(at) == [1]
    select(at, "n2")
    at.number_input(key=node_key("n2", "cfg.units")).set_value(64)
    run(at)
    assert not at.dataframe
    assert any("graph has changed since the last run" in c.value for c in at.caption)
    at.button(key="toolbar.undo").click()
    run(at)
    assert table_epochs(at) == [1]


def test_stop_keeps_the_history():
    at = set_run(open_app("mlp"), epochs=400, samples=256, batch_size=8)
    at.button(key="train.start").click()
    run(at)
    going = the_run(at)
    while not going.history.get("loss"):  # let one epoch finish
        assert not going.wait(0.2)
    run(at)  # the live view: a progress bar with the phase, speed and time left
    bars = at.get("progress")
    assert len(bars) == 1 and "samples/s" in bars[0].proto.text and " left" in bars[0].proto.text
    assert not going.done and not at.button(key="train.stop").disabled
    at.button(key="train.stop").click()
    run(at)
    assert going.wait(WAIT_S)
    run(at)
    assert going.stopped.startswith("stopped by the user at epoch ")
    epochs = len(going.history["loss"])
    assert 1 <= epochs < 400 and table_epochs(at) == list(range(1, epochs + 1))
    assert any(w.value.startswith("Stopped: stopped by the user at epoch ") for w in at.warning)


def test_nan_loss_stops_the_run_naming_epoch_and_batch():
    at = open_app("mlp")
    select(at, "n5")  # a custom loss that passes the dry run (values in [0.05, 1]) but not
    # real targets: a custom loss gets real-valued targets in (-1, 1), and sqrt(-x) is NaN
    at.selectbox(key=node_key("n5", "loss")).select("custom expression…")
    run(at)
    at.text_input(key=node_key("n5", "loss_expr")).set_value("mean(sqrt(y_true) * y_pred)")
    run(at)
    assert graph(at).outputs[0].loss == "expr:mean(sqrt(y_true) * y_pred)", errors(at)
    at = start_and_wait(set_run(at, epochs=2, samples=32))
    assert the_run(at).stopped == "loss became NaN at epoch 1, batch 1", (the_run(at).error, the_run(at).history)
    assert any("loss became NaN at epoch 1, batch 1" in w.value for w in at.warning)


def test_a_run_above_the_memory_limit_is_refused_with_the_figures(monkeypatch):
    monkeypatch.setenv("KGS_MEMORY_LIMIT_MB", "1")
    at = open_app("mlp")
    at.button(key="train.estimate").click()
    run(at)
    refusals = [e.value for e in at.error if e.value.startswith("Too big to train here: ")]
    assert len(refusals) == 1 and "but the limit is 1.0 MB" in refusals[0] and "try " in refusals[0]
    at = start_and_wait(at)
    assert the_run(at).error.startswith("training needs about ")
    assert any(e.value.startswith("training needs about ") and "but the limit is 1.0 MB" in e.value for e in at.error)
    assert "train.model" not in download_keys(at)


def test_estimate_within_the_limit_gives_memory_and_time():
    at = open_app("mlp")
    at.button(key="train.estimate").click()
    run(at)
    info = [i.value for i in at.info if i.value.startswith("Estimate on ")]
    assert len(info) == 1 and "weights 2.2 MB" in info[0] and " a step" in info[0]


def test_optimizer_and_learning_rate_are_project_edits_with_undo():
    at = open_app("mlp")
    before = project(at).training
    at.selectbox(key="train.optimizer").select("SGD")
    run(at)
    at.text_input(key="train.learning_rate").set_value("0.05")
    run(at)
    assert project(at).training.optimizer == "sgd" and project(at).training.learning_rate == 0.05
    assert "keras.optimizers.SGD(learning_rate=0.05)" in python_code(at)
    at.text_input(key="train.learning_rate").set_value("fast")
    run(at)
    assert [e for e in errors(at) if "learning rate" in e] == ["learning rate: 'fast' is not a number"]
    assert project(at).training.learning_rate == 0.05
    at.text_input(key="train.learning_rate").set_value("50")  # the project schema's range: (0, 10]
    run(at)
    assert "learning_rate: Input should be less than or equal to 10" in errors(at)
    assert project(at).training.learning_rate == 0.05
    at.button(key="toolbar.undo").click()
    run(at)
    at.button(key="toolbar.undo").click()
    run(at)
    assert project(at).training == before
    assert at.selectbox(key="train.optimizer").value.lower() == before.optimizer.lower()


def test_code_tab_can_include_train_with_a_strategy():
    at = set_run(open_app("mlp"), epochs=7)
    assert "def train(" not in python_code(at)
    at.checkbox(key="previews.code_train").check()
    run(at)
    at.selectbox(key="previews.code_strategy").select("mirrored")
    run(at)
    code = python_code(at)
    assert "def train(epochs=7, batch_size=16, samples=64," in code and 'strategy="mirrored"' in code


def test_a_second_start_while_running_is_refused():
    at = set_run(open_app("mlp"), epochs=400, samples=256, batch_size=8)
    at.button(key="train.start").click()
    run(at)
    going = the_run(at)
    with pytest.raises(runs.RunBusy):
        runs.start_run(at.session_state[state.PROJECT_ID], project(at))
    assert at.button(key="train.start").disabled
    going.stop()
    assert going.wait(WAIT_S)


def charts(at) -> list[dict]:
    """The line charts on the page as {column: values} (AppTest sees them as unknown elements)."""
    import json

    import pyarrow as pa

    found = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        table = pa.ipc.open_stream(chart.proto.data.data).read_all()  # Streamlit moves data.values here
        rows = table.to_pylist()
        x_name = spec["encoding"]["x"]["field"]
        xs = sorted({r[x_name] for r in rows})
        columns = {x_name: xs}
        for name in spec["encoding"]["color"]["sort"]:
            values = {r[x_name]: r["value"] for r in rows if r["series"] == name}
            columns[name] = [values.get(x) for x in xs]
        found.append(columns)
    return found


def test_curves_of_each_output_per_batch_and_per_epoch_with_validation():
    at = set_run(open_app("two_losses_weighted"), epochs=2, samples=64, batch_size=8)
    at.number_input(key="train.validation_split").set_value(0.25)
    at = start_and_wait(run(at))
    assert the_run(at).error is None
    by_batch, by_epoch = charts(at)  # losses only: this template has no metrics
    assert set(by_batch) == {"batch", "loss (total)", "out1_loss", "out2_loss"}
    assert by_batch["batch"] == list(range(1, 13))  # 48 training samples / 8, two epochs
    assert set(by_epoch) == {"epoch", "loss (total)", "out1_loss", "out2_loss", "val_loss (total)", "val_out1_loss",
                             "val_out2_loss"}
    assert by_epoch["loss (total)"] == the_run(at).history["loss"]
    assert by_epoch["epoch"] == [1, 2]
    assert by_epoch["val_out2_loss"] == the_run(at).history["val_out2_loss"]


def test_metrics_have_their_own_curves():
    at = set_run(open_app("mlp"), epochs=2, samples=32, batch_size=16)
    at.number_input(key="train.validation_split").set_value(0.5)
    at = start_and_wait(run(at))
    loss_batch, loss_epoch, metric_batch, metric_epoch = charts(at)
    assert set(metric_batch) == {"batch", "accuracy"} and metric_batch["batch"] == [1, 2]
    assert set(metric_epoch) == {"epoch", "accuracy", "val_accuracy"}
    assert "accuracy" not in loss_batch and "val_accuracy" not in loss_epoch


def test_thin_keeps_a_few_hundred_points_first_and_last():
    from editor.ui.train_charts import MAX_POINTS, thin

    x, y = thin(list(range(10_000)))
    assert len(x) <= MAX_POINTS + 1 and x[0] == 1 and x[-1] == 10_000 and y[-1] == 9_999
    assert thin([5.0, 6.0]) == ([1, 2], [5.0, 6.0]) and thin([]) == ([], [])


def test_a_model_that_does_not_build_names_the_node_and_cannot_start():
    at = select(open_app("mlp"), "n3")
    at.button(key=node_key("n3", "in0.remove")).click()
    run(at)
    refusals = [e for e in errors(at) if e.startswith("Cannot train: ")]
    assert len(refusals) == 1 and "hidden2" in refusals[0] and "\n" not in refusals[0], errors(at)
    assert at.button(key="train.start").disabled and at.button(key="train.estimate").disabled


def test_estimate_says_the_limit_it_fits_in(monkeypatch):
    monkeypatch.setenv("KGS_MEMORY_LIMIT_MB", "500")
    at = open_app("mlp")
    at.button(key="train.estimate").click()
    run(at)
    info = [i.value for i in at.info if i.value.startswith("Estimate on ")]
    assert len(info) == 1 and info[0].endswith("; within the limit of 500.0 MB.")


@pytest.mark.parametrize("text, limit", [
    ("1", 1_000_000), ("2.5", 2_500_000), ("", None), ("0", None), ("-3", None), ("inf", None), ("nan", None),
    ("1e400", None), ("lots", None),
])
def test_memory_limit_from_the_environment(monkeypatch, text, limit):
    monkeypatch.setenv("KGS_MEMORY_LIMIT_MB", text)
    assert train_panel.memory_limit() == limit


def test_a_new_loss_node_is_named_after_its_source_not_like_the_total_loss():
    at = select(open_app("mlp"), "n4")
    at.button(key="palette.add_loss").click()
    run(at)
    loss = graph(at).nodes[-1]
    source = graph(at).node("n4").name
    assert loss.kind == "loss" and loss.name == f"{source}_loss_term"
    select(at, "n4")
    at.button(key="palette.add_loss").click()
    run(at)
    assert graph(at).nodes[-1].name == f"{source}_loss_term_1"
