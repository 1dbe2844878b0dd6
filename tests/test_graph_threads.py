"""The node index every Graph.get reads is shared by all sessions' threads."""

import threading
from collections import OrderedDict

from editor.model import graph as graph_module
from tests.helpers import inp, layer, project


def _nodes(count: int, prefix: str):
    return project(*(inp(f"{prefix}{i}", f"{prefix}{i}", (2,)) for i in range(count))).main


def test_an_index_evicted_by_another_thread_meanwhile_is_no_keyerror(monkeypatch):
    """Thread A finds its graph's index; before A marks it recently used, thread B fills
    the index with 64 other graphs (evicting A's). Without a lock A's move_to_end raised
    KeyError. The wait for B ends when B is done or after a second (B is then held by the
    lock), so the test passes at any speed; before the fix B was done in milliseconds."""
    graph = _nodes(3, "a")
    others = [_nodes(1, f"b{i}_") for i in range(70)]
    a_found, b_done = threading.Event(), threading.Event()
    a_thread: list[threading.Thread] = []

    class Watched(OrderedDict):
        def get(self, key, default=None):
            found = super().get(key, default)
            if a_thread and threading.current_thread() is a_thread[0] and found is not None and not a_found.is_set():
                a_found.set()
                b_done.wait(timeout=1.0)
            return found

    monkeypatch.setattr(graph_module, "_INDEXES", Watched())
    graph.get("a0")  # indexed, so A's next lookup finds the entry
    failures: list[BaseException] = []

    def in_a():
        try:
            assert graph.get("a1").name == "a1"
        except BaseException as err:  # noqa: BLE001 (the test reports it)
            failures.append(err)

    def in_b():
        a_found.wait(timeout=10)
        for other in others:
            other.get("x")
        b_done.set()

    a_thread.append(threading.Thread(target=in_a))
    b = threading.Thread(target=in_b)
    a_thread[0].start()
    b.start()
    a_thread[0].join(timeout=30)
    b.join(timeout=30)
    assert failures == []
    assert graph.get("a2").name == "a2"


def test_a_stale_entry_at_a_reused_id_is_never_returned(monkeypatch):
    """id() of a freed tuple is reused: an entry left at that id for other nodes must not
    answer for the new graph."""
    graph = project(inp("x", "x", (2,)), layer("d", "dense", "Dense", "x", units=1)).main
    stale = _nodes(2, "s").nodes
    monkeypatch.setattr(graph_module, "_INDEXES", OrderedDict())
    graph_module._INDEXES[id(graph.nodes)] = (stale, {n.id: n for n in stale})
    assert graph.get("s0") is None
    assert graph.get("d").name == "dense"


def test_many_threads_read_many_graphs():
    """Eight threads look nodes up in 100 graphs (more than the index keeps) at once."""
    graphs = [_nodes(3, f"g{i}_") for i in range(100)]
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def reader(offset: int):
        start.wait()
        try:
            for round_ in range(20):
                for i in range(len(graphs)):
                    g = graphs[(i + offset * 13 + round_) % len(graphs)]
                    assert g.node(g.nodes[1].id) is g.nodes[1]
        except BaseException as err:  # noqa: BLE001
            failures.append(err)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
