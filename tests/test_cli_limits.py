"""`python -m editor summary / cost / validate` build without weights, as the page does: a
model of a trillion parameters is described within 1 GB, and TensorFlow's own error text
never reaches the user (once, a 2,000,000-unit Dense peaked at 18.6 GB; at 10**9
units "OOM when allocating tensor ... StatelessRandomUniformV2" was printed)."""

import json
import os
import subprocess

import pytest

from editor.model import edits
from editor.files import project_files
from editor.model.problems import one_line
from editor.templates import load_template
from tests.test_cli import ROOT
from tests.work import run_with_peak

GB = 1_000_000_000
UNITS = 10**9  # hidden1 of mlp: 784 x 10**9 + 10**9 x 216 weights, 3.6 TB of float32
PARAMS = 784 * UNITS + UNITS + UNITS * 216 + 216 + 216 * 128 + 128 + 128 * 10 + 10
TF_WORDS = ("OOM", "allocat", "function_node", "[Op:", "/job:", "Traceback")


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    p = load_template("mlp")
    path = tmp_path_factory.mktemp("huge") / "huge.json"
    project_files.save(p.replace_graph(edits.set_param(p.main, "n2", "units", UNITS)), path)
    return path


def run_measured(args: list[str]) -> tuple[subprocess.CompletedProcess, int]:
    """Run a child; its output and its own peak RSS in bytes (tests.work.run_with_peak)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return run_with_peak(args, env, ROOT)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the child's peak RSS (VmHWM)")
def test_summary_of_a_trillion_parameters_stays_under_1_gb(huge):
    result, peak = run_measured(["-m", "editor", "summary", str(huge), "--json"])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [report] = json.loads(result.stdout)
    assert (report["total_params"], report["trainable_params"]) == (PARAMS, PARAMS)
    assert report["outputs"] == [{"name": "output", "shape": [None, 10]}]
    assert peak < GB, f"summary peaked at {peak / GB:.2f} GB"


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the child's peak RSS (VmHWM)")
def test_validate_and_cost_of_a_trillion_parameters_stay_under_1_gb(huge):
    code = ("import sys\nfrom editor.cli import main\n"
            f"sys.exit(main(['validate', {str(huge)!r}]) or main(['cost', {str(huge)!r}, '--json']))")
    result, peak = run_measured(["-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    first, _, rest = result.stdout.partition("\n")
    assert first == "huge: ok"
    [report] = json.loads(rest)
    assert report["total"]["params"] == PARAMS
    hidden1 = next(n for n in report["nodes"] if n["name"] == "hidden1")
    assert hidden1["params"] == 785 * UNITS and hidden1["flops"] == 2 * 784 * UNITS
    assert hidden1["activation_bytes"] == 32 * 4 * UNITS
    assert peak < GB, f"validate and cost peaked at {peak / GB:.2f} GB"
    assert not any(word in result.stdout for word in TF_WORDS)


def test_tensorflow_out_of_memory_is_one_plain_line():
    import tensorflow as tf

    with pytest.raises(tf.errors.ResourceExhaustedError) as caught:
        tf.random.stateless_uniform((784, UNITS), seed=(1, 2))
    assert one_line(caught.value) == "out of memory: a 784 x 1,000,000,000 float32 tensor (3.1 TB) does not fit"


def test_tensorflow_op_errors_lose_their_wrappers():
    import tensorflow as tf

    with pytest.raises(tf.errors.InvalidArgumentError) as caught:
        tf.reshape(tf.zeros((4,)), (3,))
    assert one_line(caught.value) == "Input to reshape is a tensor with 4 values, but the requested shape has 3"
    with pytest.raises(tf.errors.InvalidArgumentError) as caught:
        tf.matmul(tf.zeros((2, 3)), tf.zeros((4, 5)))
    assert one_line(caught.value) == "Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]"


def test_a_build_with_weights_names_the_node_in_plain_words(huge):
    """The build that trains (weights=True) still meets TensorFlow's allocator: its refusal
    is one line on the node, without TensorFlow's text."""
    from editor.building.build import build_project

    result = build_project(project_files.load(huge))
    assert result.model is None
    [problem] = result.problems
    assert problem.message == ("node 'hidden1': out of memory: a 784 x 1,000,000,000 float32 tensor (3.1 TB) "
                               "does not fit")
