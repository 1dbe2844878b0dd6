"""editor.ui.runs: one training run per project, forgotten when nobody wants it."""

import pytest

from editor import run_model
from editor.run_settings import Settings
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


def test_finished_runs_nobody_wants_are_forgotten_at_the_next_start():
    p = load_template("mlp")
    wanted = {"a": True, "b": True}
    for owner in wanted:
        assert runs.start_run(owner, p, tiny(), still_wanted=lambda o=owner: wanted[o]).wait(120)
    wanted["a"] = False  # project a's last tab was closed after its run
    assert runs.start_run("c", p, tiny()).wait(120)
    assert runs.current_run("a") is None
    assert runs.current_run("b") is not None and runs.current_run("c") is not None
    for owner in "bc":
        runs.forget_run(owner)


def test_a_run_is_wanted_while_a_connected_session_shows_its_project(monkeypatch):
    from streamlit import runtime

    connected = {"a", "b"}

    class Server:
        def is_active_session(self, session_id):
            return session_id in connected

    monkeypatch.setattr(runtime, "exists", lambda: True)
    monkeypatch.setattr(runtime, "get_instance", lambda: Server())
    monkeypatch.setattr(runs, "_SHOWN", {"a": "p1", "b": "p2"})
    wanted = runs.still_wanted("p1")
    assert wanted()
    runs._SHOWN["a"] = "p2"  # tab a switched to another project
    assert not wanted()
    runs._SHOWN["c"] = "p1"  # a refreshed tab, connected again
    connected.add("c")
    assert wanted()
    connected.discard("c")  # and closed
    assert not wanted() and "c" not in runs._SHOWN
