"""editor.ui.runs: one training run per project, forgotten when nobody wants it."""

import pytest

from editor.train import run_model
from editor.model.run_settings import Settings
from editor.templates import load_template
from editor.ui import runs


def tiny(batch_size=2, **kwargs):
    return Settings(batch_size=batch_size, samples=2 * batch_size, epochs=1, **kwargs)


def test_one_run_at_a_time_per_owner():
    owner = object()
    p = load_template("mlp")
    first = runs.start_run(owner, p, Settings(batch_size=8, samples=256, epochs=100))
    try:
        with pytest.raises(runs.RunBusy):
            runs.start_run(owner, p, tiny())
        other = runs.start_run("someone else", p, tiny())
        assert runs.current_run(owner) is first
    finally:
        first.stop()
        assert first.wait(60)
    assert other.wait(120) and other.error is None
    second = runs.start_run(owner, p, tiny())
    assert second.wait(120) and runs.current_run(owner) is second
    runs.forget_run(owner)
    assert runs.current_run(owner) is None
    with pytest.raises(run_model.TrainingError, match="already been started"):
        second.start()


def test_finished_runs_of_projects_no_tab_shows_are_forgotten_at_the_next_start(monkeypatch):
    p = load_template("mlp")
    monkeypatch.setattr(runs, "_SHOWN", {"s1": "a", "s2": "b"})  # no runtime here: every session counts as connected
    for owner in "ab":
        assert runs.start_run(owner, p, tiny(), still_wanted=lambda: True).wait(120)
    runs._SHOWN["s1"] = "b"  # project a's last tab switched to b after its run
    assert runs.start_run("c", p, tiny()).wait(120)
    assert runs.current_run("a") is None
    assert runs.current_run("b") is not None and runs.current_run("c") is not None
    for owner in "bc":
        runs.forget_run(owner)


def fake_runtime(monkeypatch, connected: set):
    from streamlit import runtime

    class Server:
        def is_active_session(self, session_id):
            return session_id in connected

    monkeypatch.setattr(runtime, "exists", lambda: True)
    monkeypatch.setattr(runtime, "get_instance", lambda: Server())


def test_a_run_is_wanted_while_any_session_is_connected_whatever_it_shows(monkeypatch):
    """Issue 22 #3: a tab that opens another project keeps the run going."""
    connected = {"a", "b"}
    fake_runtime(monkeypatch, connected)
    monkeypatch.setattr(runs, "_SHOWN", {"a": "p1", "b": "p2"})
    wanted = runs.still_wanted()
    assert wanted()
    runs._SHOWN["a"] = "p2"  # tab a switched to another project
    assert wanted()
    connected.discard("b")  # tab b closed: tab a, showing p2, still keeps p1's run
    assert wanted() and "b" not in runs._SHOWN
    connected.discard("a")  # the last tab closed
    assert not wanted() and runs._SHOWN == {}
    runs._SHOWN["c"] = "p3"  # a tab opened again (a refresh)
    connected.add("c")
    assert wanted()


def test_the_library_knows_which_projects_train(monkeypatch):
    p = load_template("mlp")
    going = runs.start_run("p1", p, Settings(batch_size=8, samples=256, epochs=1000))
    done = runs.start_run("p2", p, tiny())
    try:
        assert done.wait(120)
        assert runs.training_now() == {"p1"}
    finally:
        going.stop()
        assert going.wait(60)
        runs.forget_run("p2")
    assert runs.training_now() == set()
    runs.forget_run("p1")


def test_the_grace_comes_from_kgs_run_grace_s():
    from editor.train import training

    assert training.grace_from_env("2.5") == 2.5
    for text in ("", "0", "-1", "nan", "inf", "soon"):
        assert training.grace_from_env(text) == training.DEFAULT_GRACE_S
