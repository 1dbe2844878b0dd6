"""editor.building.deadline: the build budget counts the CPU time of the step's own thread, so
waiting (a loaded machine, another thread's work) never spends it."""

import threading
import time

import pytest

from editor.building.deadline import Deadline, TooSlow


def burn(seconds: float) -> None:
    """Work on this thread's CPU until it has used `seconds` more of it (no wall-clock limit)."""
    start = time.thread_time()
    total = 0
    while time.thread_time() - start < seconds:
        total += sum(range(1000))


def test_waiting_does_not_spend_the_budget():
    deadline = Deadline("build", seconds=0.2)
    time.sleep(0.5)  # a machine under load: the wall clock runs, this thread does not
    deadline.check("node 'a'")
    assert deadline.spent() < 0.2


def test_cpu_work_spends_the_budget():
    deadline = Deadline("build", seconds=0.2)
    burn(0.25)
    with pytest.raises(TooSlow) as caught:
        deadline.check("node 'b'")
    assert str(caught.value) == ("build stopped at node 'b': it took more than 0.2 s of CPU time, "
                                 "the budget of one build")


def test_another_threads_work_does_not_spend_the_budget():
    """A training in another thread of the page's process must not stop an edit's build."""
    deadline = Deadline("build", seconds=0.2)
    worker = threading.Thread(target=burn, args=(0.4,))
    worker.start()
    worker.join()
    deadline.check("node 'c'")


def test_the_budget_is_read_from_the_clock_it_is_given(monkeypatch):
    now = [10.0]
    deadline = Deadline("import", seconds=5, clock=lambda: now[0])
    now[0] = 14.9
    deadline.check("layer 'd'")
    now[0] = 15.0
    with pytest.raises(TooSlow, match="^import stopped at layer 'd': it took more than 5 s of CPU time"):
        deadline.check("layer 'd'")
    monkeypatch.setenv("KGS_STEP_SECONDS", "0.5")
    assert Deadline("build").seconds == 0.5
