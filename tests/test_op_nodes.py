"""Op nodes (issue 13.1): keras.ops on tensors as nodes of the graph, in the language of
loss expressions. They build as Keras operations, generate the code a person writes,
and their problems name the node."""

import numpy as np
import pytest

from editor.canvas import drawing, looks
from editor.code import codegen
from editor.model import edits
from editor.model.graph import Node, Ref
from tests.helpers import inp, layer, project

import keras
from editor.building.build import build_project  # noqa: E402
from tests.test_codegen import assert_same_model, build_both, sample_inputs  # noqa: E402


def op(node_id, name, expression, **inputs):
    """An op node over named inputs: op("n3", "sum", "a + b", a="n1", b="n2")."""
    return Node(id=node_id, kind="op", name=name, expression=expression,
                input_names=tuple(inputs), inputs=tuple(Ref(node=v) if isinstance(v, str) else v for v in inputs.values()))


def residual():
    """The timeseries transformer's `x + inputs` and the actor's `outputs * upper_bound`."""
    return project(
        inp("n1", "inputs", (10, 8)),
        layer("n2", "dense", "Dense", "n1", units=8),
        op("n3", "residual", "x + inputs", x="n2", inputs="n1"),
        op("n4", "scaled", "x * 2.5", x="n3"),
        outputs=["n4"],
    )


def test_ops_build_as_keras_operations_with_their_shapes():
    result = build_project(residual())
    assert result.ok, result.first_error
    assert result.shapes["n3"] == [(None, 10, 8)] and result.shapes["n4"] == [(None, 10, 8)]
    config = result.model.get_config()
    ops_entries = [(l["module"], l["class_name"]) for l in config["layers"] if l["module"].startswith("keras.src.ops")]
    assert ops_entries == [("keras.src.ops.numpy", "Add"), ("keras.src.ops.numpy", "Multiply")]
    assert result.model.count_params() == 8 * 8 + 8


SHAPES = [
    ("expand_dims(x, 1)", (5,), (None, 1, 5)),
    ("squeeze(expand_dims(x, 1), axis=1)", (5,), (None, 5)),
    ("reshape(x, (-1, 2, 3))", (6,), (None, 2, 3)),
    ("transpose(x, (0, 2, 1))", (2, 3), (None, 3, 2)),
    ("x[:, 0]", (4, 3), (None, 3)),
    ("x[..., :2]", (4, 3), (None, 4, 2)),
    ("mean(x, axis=-1, keepdims=True)", (4, 3), (None, 4, 1)),
    ("sum(x, axis=1)", (4, 3), (None, 3)),
    ("max(x, axis=(1, 2))", (4, 3), (None,)),
    ("concatenate([x, square(x)], axis=-1)", (4,), (None, 8)),
    ("stack([x, x], axis=1)", (4,), (None, 2, 4)),
    ("x @ transpose(x, (0, 2, 1))", (4, 3), (None, 4, 4)),
    ("matmul(x, transpose(x, (0, 2, 1)))", (4, 3), (None, 4, 4)),
    ("softmax(x, axis=-1)", (4,), (None, 4)),
    ("gelu(x) - relu(-x) + sigmoid(x) * tanh(x)", (4,), (None, 4)),
    ("clip(abs(x), 0.1, 0.9) ** 2", (4,), (None, 4)),
    ("sqrt(exp(log(x + 2)))", (4,), (None, 4)),
    ("where(x > 0.5, x, 0.0)", (4,), (None, 4)),
    ("cast(x, \"float16\")", (4,), (None, 4)),
]


@pytest.mark.parametrize("expression, shape, expected", SHAPES, ids=[s[0] for s in SHAPES])
def test_each_op_builds_exports_and_predicts_the_same(expression, shape, expected, tmp_path):
    p = project(inp("n1", "x_in", shape), layer("n2", "x", "Dense", "n1", units=shape[-1]),
                op("n3", "result", expression, x="n2"), outputs=["n3"])
    result, generated = build_both(p, tmp_path)
    assert result.shapes["n3"] == [expected]
    assert_same_model(result.model, generated)
    generated.set_weights(result.model.get_weights())
    data = sample_inputs(result.model, np.random.default_rng(0))
    np.testing.assert_allclose(generated.predict(data, verbose=0), result.model.predict(data, verbose=0), rtol=1e-5)


def test_generated_code_reads_as_a_person_writes_it():
    source = codegen.generate(residual())
    assert "    residual = dense + inputs\n" in source
    assert "    scaled = residual * 2.5\n" in source
    wide = project(inp("n1", "x0", (4,)), op("n2", "expanded", "expand_dims(x, 1)", x="n1"), outputs=["n2"])
    assert "    expanded = ops.expand_dims(x0, 1)\n" in codegen.generate(wide)
    assert "from keras import ops" in codegen.generate(wide)


def test_an_op_on_one_output_of_a_multi_output_layer(tmp_path):
    """`state_h * 2` on an LSTM's second output: the code indexes the layer's list."""
    p = project(inp("n1", "frames", (5, 3)), layer("n2", "lstm", "LSTM", "n1", units=4, return_state=True),
                op("n3", "scaled_h", "h * 2", h=Ref(node="n2", output=1)), outputs=["n3"])
    result, generated = build_both(p, tmp_path)
    assert result.shapes["n3"] == [(None, 4)]
    assert "scaled_h = lstm[1] * 2" in codegen.generate(p)
    assert_same_model(result.model, generated)


@pytest.mark.parametrize("expression, message", [
    ("x + y", "node 'bad': expression: unknown name 'y'"),
    ("mean(x, axis=5)", "node 'bad':"),
    ("reshape(x, (-1, 7))", "node 'bad':"),
    ("2 * 3", "node 'bad': expression does not use input 'x'"),
    ("open('f')", "node 'bad': expression: unknown function 'open'"),
])
def test_problems_name_the_op_node(expression, message):
    p = project(inp("n1", "inputs", (4,)), op("n2", "bad", expression, x="n1"), outputs=["n2"])
    result = build_project(p)
    assert not result.ok
    assert result.first_error.startswith(message), result.first_error
    assert [pr.node for pr in result.problems] == ["n2"]


def test_an_op_without_tensors_is_refused():
    p = project(inp("n1", "inputs", (4,)), op("n2", "const", "x * 0 + 1", x="n1"),
                Node(id="n3", kind="op", name="two", expression="1 + 1", input_names=(), inputs=(Ref(node="n1"),)),
                outputs=["n2"])
    problems = [pr.message for pr in build_project(p).problems]
    assert any("'two'" in m and "2 inputs but 0 names" in m or "'two'" in m and "names" in m for m in problems), problems


def test_the_canvas_draws_op_nodes_small_with_their_expression():
    graph = residual().main
    drawn = {n["id"]: n for n in drawing.canvas_nodes(graph, shapes={"n3": [(None, 10, 8)]})}
    assert drawn["n3"]["label"] == "x + inputs\n(None, 10, 8)"
    assert drawn["n3"]["font"]["size"] < drawn["n2"]["font"]["size"]
    assert drawn["n3"]["color"]["background"] == looks.KIND_COLOURS["op"][0]


def test_op_inputs_keep_their_names_through_edits():
    graph = residual().main
    graph = edits.move_input(graph, "n3", 0, 1)
    assert graph.node("n3").input_names == ("inputs", "x") and graph.node("n3").expression == "x + inputs"
    graph = edits.rename_tensor(graph, "n3", 1, "y")
    assert graph.node("n3").expression == "y + inputs"
    graph = edits.remove_node(graph, "n1")
    assert graph.node("n3").input_names == ("y",)
    graph, _ = edits.insert_after(graph, Ref(node="n2"), "Dropout", {"rate": 0.1})
    assert graph.node("n3").input_names == ("y",)


# ----------------------------------------------------------------------------- keyword tensors (13.2)

def seq2seq():
    return project(
        inp("n1", "enc_in", (6, 3)), inp("n2", "dec_in", (5, 2)),
        layer("n3", "encoder", "LSTM", "n1", units=4, return_state=True),
        layer("n4", "decoder", "LSTM", "n2", Ref(node="n3", output=1), Ref(node="n3", output=2),
              units=4, return_sequences=True).model_copy(update={"input_names": ("", "initial_state", "initial_state")}),
        layer("n5", "next", "Dense", "n4", units=2),
        outputs=["n5"],
    )


def test_keyword_tensors_build_and_export(tmp_path):
    result, generated = build_both(seq2seq(), tmp_path)
    assert result.shapes["n4"] == [(None, 5, 4)]
    assert "(dec_in, initial_state=[encoder[1], encoder[2]])" in codegen.generate(seq2seq())
    assert_same_model(result.model, generated)


def test_a_keyword_the_layer_does_not_take_is_a_problem_on_the_node():
    p = project(inp("n1", "x", (4,)), inp("n2", "m", (4,)),
                layer("n3", "dense", "Dense", "n1", "n2", units=2).model_copy(update={"input_names": ("", "mask")}),
                outputs=["n3"])
    result = build_project(p)
    assert result.first_error == "node 'dense': Dense has no tensor argument 'mask' (it takes none)"
    bad = p.main.node("n3").model_copy(update={"input_names": ("", "states")})
    problems = [pr.message for pr in build_project(project(*p.main.nodes[:2], bad, outputs=["n3"])).problems]
    assert any("'states' is not a tensor argument" in m for m in problems), problems


def test_keywords_follow_their_tensors_through_edits():
    graph = seq2seq().main
    graph = edits.move_input(graph, "n4", 2, -1)
    assert graph.node("n4").input_names == ("", "initial_state", "initial_state")
    assert [r.output for r in graph.node("n4").inputs] == [0, 2, 1]
    graph, new = edits.insert_between(graph, Ref(node="n3", output=2), "n4", "Dense", {"units": 4})
    assert graph.node("n4").input_names == ("", "initial_state", "initial_state")
    graph = edits.remove_node(graph, new)
    assert graph.node("n4").input_names == ("", "initial_state")
    graph = edits.set_keyword(graph, "n4", 1, "")
    assert graph.node("n4").input_names == ()
    with pytest.raises(edits.EditError, match="'states' is not a tensor argument"):
        edits.set_keyword(graph, "n4", 1, "states")


def test_the_canvas_labels_keyword_wires():
    edges = {(e["from"], e["to"]): e.get("label") for e in drawing.canvas_edges(seq2seq().main)}
    assert edges[("n2", "n4")] is None and edges[("n3", "n4")] == "initial_state out 2"


def test_palette_ops_start_from_the_selected_tensor_and_name_the_next_wire():
    """The palette's "add" after `dense`: `x + y` reads dense as x; the next wire is y."""
    from editor.building.op_palette import OPS

    graph = residual().main
    graph, new = edits.insert_after(graph, Ref(node="n2"), edits.Op("add", OPS["add"]))
    node = graph.node(new)
    assert (node.kind, node.name, node.expression, node.input_names) == ("op", "add", "x + y", ("x",))
    assert graph.node("n3").inputs[0] == Ref(node=new)  # the residual now reads the new op
    graph = edits.connect(graph, Ref(node="n1"), new)
    assert graph.node(new).input_names == ("x", "y")
    p = project(*graph.nodes, outputs=["n4"])
    assert build_project(p).ok


@pytest.mark.parametrize("name", sorted(__import__("editor.building.op_palette", fromlist=["OPS"]).OPS))
def test_every_palette_op_is_in_the_language(name):
    from editor.model import expr
    from editor.building.op_palette import OPS

    assert expr.check(OPS[name], ["x", "y"]) == OPS[name]


def test_the_memory_estimate_counts_what_op_nodes_keep():
    """An op's output is kept for the backward pass like a layer's: the estimate grows by it."""
    from editor.train import run_model
    from editor.model.run_settings import Settings

    plain = project(inp("n1", "inputs", (10, 8)), layer("n2", "dense", "Dense", "n1", units=8), outputs=["n2"])
    settings = Settings(batch_size=1, samples=1)
    grown = (run_model.estimate(residual(), settings).activations_per_sample
             - run_model.estimate(plain, settings).activations_per_sample)
    assert grown == 2 * (2 * 10 * 8 * 4)  # two float32 outputs of (10, 8), and their gradients


def _op_name(text: str, tensors: dict) -> str:
    from editor.model import expr

    out = expr.evaluate(expr.parse(text, list(tensors)), tensors)
    return out._keras_history.operation.name


def test_the_op_names_keras_gives_are_known():
    """expr.KERAS_OP_NAMES, which decides when an operation must be named after its node, holds
    the name Keras gives each function and operator of the language."""
    from editor.model import expr

    x, y, z = (keras.Input((4, 3)) for _ in range(3))
    tensors = {"x": x, "y": y, "z": z}
    written = {"expand_dims": "expand_dims(x, 1)", "reshape": "reshape(x, (12,))", "cast": "cast(x, 'float16')",
               "power": "power(x, 2)", "matmul": "matmul(x, transpose(y, (0, 2, 1)))", "clip": "clip(x, 0.1, 0.9)",
               "where": "where(x > 0, y, z)"}
    texts = [written.get(name) or (f"{name}([x, y])" if f.arity == expr.LIST else
                                   f"{name}({', '.join('xyz'[:f.arity])})") for name, f in expr.FUNCTIONS.items()]
    texts += [f"x {o} y" for o in expr.OPERATORS if o not in ("@", "**")] + ["x ** 2", "-x", "x[:, 0]", "x[..., :2]"]
    for text in texts:
        name = _op_name(text, tensors)
        assert expr.may_name_an_op(name), (text, name)


def clash():
    """A layer named as Keras names an operation ("concatenate", as imported code names it)
    beside an op node that records that operation: Keras refused the model ("used 2 times")."""
    return project(
        inp("n1", "x", (4,)),
        layer("n2", "concatenate", "Concatenate", "n1", "n1"),
        op("n3", "joined", "concatenate([c, square(c)], axis=-1)", c="n2"),
        outputs=["n3"],
    )


def test_an_op_beside_a_layer_of_its_keras_name_builds_exports_and_imports(tmp_path):
    from editor.code.code_import import import_code
    from tests.test_code_import import shape_of

    result, generated = build_both(clash(), tmp_path)
    names = [entry["name"] for entry in result.model.get_config()["layers"]]
    assert names[:2] == ["x", "concatenate"] and names[-1] == "joined"
    assert result.shapes["n3"] == [(None, 16)]
    assert_same_model(result.model, generated)
    source = codegen.generate(clash())
    assert 'joined = named_op(ops.concatenate([concatenate, ops.square(concatenate)], axis=-1), "joined")' in source
    assert shape_of(import_code(source).project) == shape_of(clash())
    assert "named_op" not in codegen.generate(residual())  # no layer named like an operation: plain ops
