"""editor.train.synthetic: synthetic inputs and targets (pure numpy; no model is built here)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from editor.train import synthetic
from editor.model.graph import Graph, Node, Output, Ref
from editor.templates import load_template
from tests.helpers import inp, layer, project


def tokens_project():
    """Inputs reaching an Embedding in every way the data module must see."""
    inner = Graph(
        id="inner", name="inner",
        nodes=(inp("i1", "codes_in", (5,), "int64"), layer("i2", "reshape", "Reshape", "i1", target_shape=[5]),
               layer("i3", "inner_embedding", "Embedding", "i2", input_dim=7, output_dim=3)),
        outputs=(Output(ref=Ref(node="i3")),),
    )
    nodes = (
        inp("a", "tokens", (None,), "int32"),
        layer("a1", "embedding", "Embedding", "a", input_dim=50, output_dim=4),
        inp("b", "float_ids", (6,), "float32"),  # seed 004: Input(shape=(None,)) float ids
        layer("b1", "embedding_b", "Embedding", "b", input_dim=30, output_dim=4),
        inp("c", "codes", (5,), "int64"),
        Node(id="c1", kind="model", name="nested", graph="inner", inputs=(Ref(node="c"),)),
        inp("d", "shared_ids", (4,), "int32"),
        Node(id="d1", kind="layer", name="reuse", class_name="Embedding", shares="a1", inputs=(Ref(node="d"),)),
        layer("d2", "reshape_d", "Reshape", "d", target_shape=[4]),
        layer("d3", "small_embedding", "Embedding", "d2", input_dim=20, output_dim=4),
        inp("e", "small", (3,), "int32"),
        layer("e1", "dense", "Dense", "e", units=2),
        inp("f", "flags", (2,), "bool"),
        layer("f1", "dense_f", "Dense", "f", units=2),
        inp("g", "image", (4, 4, 1)),
        layer("g1", "flat", "Flatten", "g"),
        inp("h", "wrapped", (3, 2), "int32"),
        layer("h1", "td", "TimeDistributed", "h",
              layer={"module": "keras.layers", "class_name": "Embedding", "config": {"input_dim": 9, "output_dim": 2}}),
    )
    outs = ("a1", "b1", "c1", "d1", "d3", "e1", "f1", "g1", "h1")
    return project(*nodes, outputs=outs, extra_graphs=(inner,))


def test_vocabulary_limits_follow_the_graph():
    limits = synthetic.vocabulary_limits(tokens_project())
    assert limits == {"a": 50, "b": 30, "c": 7, "d": 20, "h": 9}  # d: min(shared 50, via Reshape 20)


def test_inputs_have_their_shape_dtype_and_range():
    p = tokens_project()
    shapes = [(None, 4), (6, 4), (5, 3), (4, 4), (4, 4), (2,), (2,), (16,), (3, 2, 2)]
    d = synthetic.synthetic_data(p, shapes, samples=64, seed=3, none_dim=12)
    x = dict(zip(d.input_names, d.x))
    assert x["tokens"].shape == (64, 12) and x["tokens"].dtype == np.int32
    assert 0 <= x["tokens"].min() and x["tokens"].max() < 50 and x["tokens"].max() > 25
    assert x["float_ids"].dtype == np.float32 and np.all(x["float_ids"] == np.round(x["float_ids"]))
    assert x["float_ids"].max() < 30
    assert x["codes"].dtype == np.int64 and x["codes"].max() < 7
    assert x["shared_ids"].max() < 20
    assert x["small"].dtype == np.int32 and x["small"].min() >= 0 and x["small"].max() < synthetic.SMALL_INT_RANGE
    assert x["flags"].dtype == np.bool_ and x["flags"].shape == (64, 2) and 0 < x["flags"].mean() < 1
    assert x["image"].shape == (64, 4, 4, 1) and x["image"].dtype == np.float32
    assert abs(float(x["image"].mean())) < 0.3 and 0.7 < float(x["image"].std()) < 1.3
    assert x["wrapped"].max() < 9
    assert d.y is None  # no output has a loss: loss nodes or nothing supervise it
    assert d.fit_args()[1] is None


def test_none_dims_default_to_16():
    p = project(inp("a", "seq", (None, 3)), layer("b", "out", "Dense", "a", units=2),
                outputs=(Output(ref=Ref(node="b"), loss="mse"),))
    d = synthetic.synthetic_data(p, [(None, 2)], samples=5)
    assert d.x[0].shape == (5, 16, 3)
    assert d.y[0].shape == (5, 16, 2)


def loss_project(*losses_and_units):
    nodes = [inp("x", "x", (6,))]
    outputs = []
    for i, (loss, units) in enumerate(losses_and_units):
        nodes.append(layer(f"o{i}", f"out{i}", "Dense", "x", units=units))
        outputs.append(Output(ref=Ref(node=f"o{i}"), loss=loss))
    return project(*nodes, outputs=outputs)


def test_targets_fit_their_loss():
    losses = [("sparse_categorical_crossentropy", 7), ("categorical_crossentropy", 4), ("binary_crossentropy", 3),
              ("mean_squared_error", 2), ("expr:mean(abs(y_true - y_pred), axis=-1)", 2), (None, 5),
              ("kl_divergence", 3), ("hinge", 2), ("mae", 1), ("circle", 8)]
    p = loss_project(*losses)
    shapes = [(u,) for _, u in losses]
    d = synthetic.synthetic_data(p, shapes, samples=400, seed=1)
    sparse, onehot, binary, mse, custom, none, kld, hinge, mae, circle = d.y
    assert sparse.shape == (400,) and sparse.dtype == np.int32
    assert sparse.min() >= 0 and sparse.max() == 6  # every one of the 7 classes can occur
    assert len(np.unique(sparse)) >= 5
    assert onehot.shape == (400, 4) and onehot.dtype == np.float32
    assert np.all(onehot.sum(axis=1) == 1) and set(np.unique(onehot)) == {0.0, 1.0}
    assert binary.shape == (400, 3) and set(np.unique(binary)) == {0.0, 1.0}
    assert mse.shape == (400, 2) and mse.dtype == np.float32 and len(np.unique(mse)) > 100
    assert custom.shape == (400, 2) and custom.dtype == np.float32
    assert none is None
    assert np.allclose(kld.sum(axis=1), 1, atol=1e-5) and kld.min() >= 0
    assert set(np.unique(hinge)) == {0.0, 1.0}
    assert mae.shape == (400, 1)
    assert circle.shape == (400,) and circle.dtype == np.int32
    assert len(d.y) == len(p.main.outputs)


def test_sequence_targets_and_placeholders_for_loss_nodes():
    p = project(
        inp("x", "x", (9, 3)), layer("a", "seq", "Dense", "x", units=5),
        inp("t", "target", (9, 5)),
        Node(id="l", kind="loss", name="extra", expression="mean(square(a - b))", input_names=("a", "b"),
             inputs=(Ref(node="t"), Ref(node="a"))),
        outputs=(Output(ref=Ref(node="a"), loss="sparse_categorical_crossentropy"),),
    )
    d = synthetic.synthetic_data(p, [(9, 5)], samples=8)
    assert d.y[0].shape == (8, 9) and d.y[0].max() < 5
    assert d.y[1:] == [None]  # the loss node's output: a placeholder, no target
    assert d.output_names == ("seq", "extra")


def test_label_inputs_are_learnable_from_the_other_inputs():
    p = load_template("add_loss_labels")  # inputs x, label_1, label_2; only the loss node reads the labels
    assert synthetic.label_inputs(p.main) == ["n2", "n3"]
    shapes = [(10,), (10,)]

    def fit_quality(task):
        """R^2 of a least-squares fit of atanh(label) on the input."""
        d = synthetic.synthetic_data(p, shapes, samples=300, seed=0, task=task)
        x, label = d.x[0], np.arctanh(np.clip(d.x[1], -0.999, 0.999))
        design = np.c_[x, np.ones(len(x))]
        coef, *_ = np.linalg.lstsq(design, label, rcond=None)
        return 1 - (label - design @ coef).var() / label.var()

    assert fit_quality("learnable") > 0.95  # a linear function of the inputs, through tanh
    assert fit_quality("noise") < 0.2


def test_learnable_classes_are_predictable_noise_is_not():
    p = loss_project(("sparse_categorical_crossentropy", 5))

    def linear_accuracy(task):
        """Held-out accuracy of a least-squares linear classifier of the input."""
        d = synthetic.synthetic_data(p, [(5,)], samples=2000, seed=5, task=task)
        x, y = d.x[0], d.y[0]
        design = np.c_[x, np.ones(len(x))]
        coef, *_ = np.linalg.lstsq(design[:1500], np.eye(5)[y[:1500]], rcond=None)
        return float(np.mean((design[1500:] @ coef).argmax(axis=1) == y[1500:]))

    assert linear_accuracy("learnable") > 0.6  # chance is 0.2
    assert linear_accuracy("noise") < 0.35


def test_same_seed_same_data_other_seed_other_data():
    p = load_template("ticket_priority")
    shapes = [(1,), (4,)]
    one = synthetic.synthetic_data(p, shapes, samples=20, seed=7)
    two = synthetic.synthetic_data(p, shapes, samples=20, seed=7)
    other = synthetic.synthetic_data(p, shapes, samples=20, seed=8)
    for a, b in zip(one.x + one.y, two.x + two.y):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert not np.array_equal(one.x[2], other.x[2])
    assert one.x[0].max() < 2000 and one.x[0].shape == (20, 16)


def test_target_kinds_accept_aliases_and_class_names():
    assert synthetic.target_kind("mse") == "real"
    assert synthetic.target_kind("SparseCategoricalCrossentropy") == "classes"
    assert synthetic.target_kind("CategoricalCrossentropy") == "onehot"
    assert synthetic.target_kind("bce") == "binary"
    assert synthetic.target_kind("kld") == "probabilities"
    assert synthetic.target_kind("expr:mean(y_pred)") == "real"
    assert synthetic.target_kind(None) == "none"


def test_data_bytes_predicts_the_arrays():
    p = load_template("headline_multi_io")
    shapes = [(1,), (1,)]
    d = synthetic.synthetic_data(p, shapes, samples=33)
    assert synthetic.data_bytes(p, shapes, samples=33) == d.nbytes


def test_bad_arguments_are_refused():
    p = load_template("mlp")
    with pytest.raises(ValueError, match="task"):
        synthetic.synthetic_data(p, [(10,)], samples=4, task="magic")
    with pytest.raises(ValueError, match="output shapes"):
        synthetic.synthetic_data(p, [], samples=4)
    with pytest.raises(ValueError, match="samples"):
        synthetic.synthetic_data(p, [(10,)], samples=0)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=1, max_size=3),
    dtype=st.sampled_from(["float32", "float16", "float64", "int32", "int64", "uint8", "bool", "bfloat16"]),
    samples=st.integers(1, 6),
    none_dim=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_any_input_gets_its_shape_and_dtype(shape, dtype, samples, none_dim, seed):
    p = project(inp("x", "x", tuple(shape), dtype), layer("y", "y", "Flatten", "x"), outputs=("y",))
    d = synthetic.synthetic_data(p, [(1,)], samples=samples, seed=seed, none_dim=none_dim)
    (x,) = d.x
    assert x.shape == (samples, *(none_dim if s is None else s for s in shape))
    assert x.dtype == synthetic.numpy_dtype(dtype)
    if dtype in synthetic.INTEGER_DTYPES:
        assert x.min() >= 0 and x.max() < synthetic.SMALL_INT_RANGE
