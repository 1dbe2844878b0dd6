"""Two sessions build at once (issue 23, item 4): every build, quick or full, holds
build.CONSTRUCTION (a new layer's seeds come from Python's global random) and the quick
build's cache has a lock, so builds in two threads give what they give one at a time."""

from __future__ import annotations

import threading

import keras

from support.big_graphs import residual_stack
from editor.building import build, quick_build
from editor.building.build import build_project, param_counts
from editor.templates import load_template


def quick_figures(project):
    result = quick_build.quick_build(project, project.main.id)
    return result.shapes, [p.message for p in result.problems], result.rows, result.counts


def full_figures(project):
    keras.utils.set_random_seed(7)
    result = build_project(project, weights=False)
    return result.shapes, [p.message for p in result.problems], param_counts(result.model)


def test_the_quick_build_holds_the_construction_lock(monkeypatch):
    held = []
    check = quick_build.check_project
    monkeypatch.setattr(quick_build, "check_project",
                        lambda project: held.append(build.CONSTRUCTION._is_owned()) or check(project))
    quick_build.quick_build(load_template("mlp"), "main")
    assert held == [True]


def test_quick_and_full_builds_in_two_threads_give_what_they_give_alone():
    big, small = residual_stack(quick_build.QUICK_ABOVE + 10), load_template("unet")
    quick_build._cache.clear()
    alone = [quick_figures(big), full_figures(small)]
    quick_build._cache.clear()  # the threads call every node again, both at once
    results: dict[str, list] = {"quick": [], "full": []}
    start = threading.Barrier(2)

    def run(kind, work, project):
        start.wait()
        for _ in range(3):
            results[kind].append(work(project))

    threads = [threading.Thread(target=run, args=("quick", quick_figures, big)),
               threading.Thread(target=run, args=("full", full_figures, small))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["quick"] == [alone[0]] * 3
    assert results["full"] == [alone[1]] * 3
