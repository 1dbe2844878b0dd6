"""The preview build (no weight initialisation) against the core build, and its caches."""

import pytest

from editor.model import edits
from editor.templates import load_template
from editor.ui import preview_cache


@pytest.mark.parametrize("template", ["mlp", "autoencoder", "custom_loss_layers", "shared_input"])
def test_preview_matches_the_core_build(template):
    from editor.building.build import build_project, param_counts, summary_text

    project = load_template(template)
    core = build_project(project)
    preview = preview_cache.preview(project, project.main.id)
    assert preview.ok
    assert preview.summary == summary_text(core.model)
    assert preview.counts == param_counts(core.model)
    assert preview.shapes == core.shapes


def test_problems_match_the_core_build():
    from editor.building.build import build_project

    project = load_template("mlp")
    broken = project.replace_graph(edits.set_param(project.main, "n3", "units", -1))
    preview = preview_cache.preview(broken, broken.main.id)
    assert not preview.ok and not preview.summary
    assert [p.message for p in preview.problems] == [p.message for p in build_project(broken).problems]


def test_previews_are_built_once_per_content():
    project = load_template("mlp")
    first = preview_cache.preview(project, "main")
    again = preview_cache.preview(load_template("mlp").model_copy(), "main")
    assert again is first
    assert preview_cache.cached_preview(preview_cache.digest(project), "main") is first
    changed = project.replace_graph(edits.set_param(project.main, "n2", "units", 7))
    assert preview_cache.cached_preview(preview_cache.digest(changed), "main") is None


def test_no_weights_are_left_waiting_for_initialisation():
    from keras.src.backend.common import global_state

    preview_cache.preview(load_template("cnn"), "main")
    assert not global_state.get_global_attribute("uninitialized_variables", None)


def test_code_and_template_counts():
    project = load_template("mlp")
    assert "def build_model" in preview_cache.code(project).source
    assert preview_cache.template_counts("mlp")["total_params"] == 541_794


def test_lru_drops_the_oldest():
    lru = preview_cache.LRU(size=2)
    for key in "abc":
        lru.get_or_make(key, lambda k=key: k.upper())
    assert lru.get("a") is None and lru.get("c") == "C" and len(lru) == 2


def test_previews_keep_text_not_models():
    preview = preview_cache.preview(load_template("mlp"), "main")
    assert not hasattr(preview, "model") and preview.model_name == "mlp"
    assert preview.dot.startswith("digraph")


@pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="Graphviz's dot is not installed")
def test_png_and_svg_from_the_dot_text():
    preview = preview_cache.preview(load_template("mlp"), "main")
    assert preview_cache.render_dot(preview.dot, "png").startswith(b"\x89PNG")
    assert b"<svg" in preview_cache.render_dot(preview.dot, "svg")
    with pytest.raises(ValueError):
        preview_cache.render_dot(preview.dot, "pdf")


def test_the_page_draws_the_diagram_at_screen_size():
    dot = preview_cache.preview(load_template("mlp"), "main").dot
    assert "dpi=200;" in dot  # Keras's print size, kept for the DOT download
    screen = preview_cache.screen_dot(dot)
    assert "dpi=72;" in screen and "dpi=200" not in screen
    assert screen.replace("dpi=72;", "dpi=200;") == dot


def test_callers_of_one_key_wait_for_one_make():
    """Two sessions ask for the same preview at once: one make() runs, both get its value.
    The first make waits for a second one (a barrier); before the fix the second caller
    ran make() too and the barrier passed. With the fix it breaks after a second (the
    second caller is waiting for the first): passing does not depend on speed."""
    import threading

    lru = preview_cache.LRU(size=4)
    both_making = threading.Barrier(2, timeout=1.0)
    made: list[str] = []

    def make():
        made.append(threading.current_thread().name)
        try:
            both_making.wait()
        except threading.BrokenBarrierError:
            pass
        return object()

    got: dict[str, object] = {}
    threads = [threading.Thread(target=lambda n=n: got.__setitem__(n, lru.get_or_make("k", make)), name=n)
               for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(made) == 1
    assert got["first"] is got["second"]


def test_others_wait_outside_the_lock_and_a_failed_make_is_tried_again():
    """While one key is being made, other keys are served (the LRU's lock is not held
    during make), and a make that raises leaves no entry: the next caller makes it."""
    import threading

    lru = preview_cache.LRU(size=4)
    lru.get_or_make("ready", lambda: "R")
    making, release = threading.Event(), threading.Event()

    def slow():
        making.set()
        release.wait(timeout=30)
        return "S"

    slow_thread = threading.Thread(target=lambda: lru.get_or_make("slow", slow))
    slow_thread.start()
    making.wait(timeout=30)
    assert lru.get("ready") == "R"
    assert lru.get_or_make("other", lambda: "O") == "O"
    release.set()
    slow_thread.join(timeout=30)
    assert lru.get("slow") == "S"

    def broken():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        lru.get_or_make("bad", broken)
    assert lru.get("bad") is None
    assert lru.get_or_make("bad", lambda: "B") == "B"
