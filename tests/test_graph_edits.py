"""Graph data model and pure edits: no Keras involved."""

import pytest

from editor.building.plan import owner
from editor.model import edits
from editor.model.edits import EditError
from editor.model.graph import Ref, topological_order, upstream
from tests.helpers import inp, layer, project


@pytest.fixture
def graph():
    return project(
        inp("n1", "x", (8,)),
        layer("n2", "a", "Dense", "n1", units=4),
        layer("n3", "b", "Dense", "n1", units=4),
        layer("n4", "merge", "Concatenate", "n2", "n3"),
        outputs=["n4"],
    ).main


def test_topological_order_keeps_insertion_order_between_independent_nodes(graph):
    assert topological_order(graph) == ["n1", "n2", "n3", "n4"]


def test_topological_order_leaves_out_cycles(graph):
    cyclic = edits.set_inputs(graph, "n2", [Ref(node="n4")])
    assert topological_order(cyclic) == ["n1", "n3"]


def test_upstream(graph):
    assert upstream(graph, ["n2"]) == {"n1", "n2"}


def test_edits_return_new_graphs_and_leave_the_old_one_alone(graph):
    renamed = edits.rename(graph, "n2", "left")
    assert renamed.node("n2").name == "left"
    assert graph.node("n2").name == "a"


def test_add_layer_names_like_keras_and_wires_after_selected(graph):
    g, new = edits.add_layer(graph, "MaxPooling2D", after="n4")
    assert new == "n5"
    assert g.node(new).name == "max_pooling2d"
    assert g.node(new).inputs == (Ref(node="n4"),)
    g, second = edits.add_layer(g, "MaxPooling2D")
    assert g.node(second).name == "max_pooling2d_1"


def test_new_id_is_one_past_the_highest_in_use(graph):
    g = edits.remove_node(graph, "n4")
    g, new = edits.add_layer(g, "Dense", {"units": 1}, after="n2")
    assert new == "n4"  # n4 is free again after removal; ids only need to be unique
    g, newer = edits.add_layer(g, "Dense", {"units": 1}, after="n2")
    assert newer == "n5"


def test_remove_node_drops_wires_and_outputs(graph):
    g = edits.remove_node(graph, "n3")
    assert g.node("n4").inputs == (Ref(node="n2"),)
    g = edits.remove_node(g, "n4")
    assert g.outputs == ()


def test_rename_refuses_duplicates_empty_and_slash(graph):
    with pytest.raises(EditError, match="'b' is already used"):
        edits.rename(graph, "n2", "b")
    with pytest.raises(EditError, match="cannot be empty"):
        edits.rename(graph, "n2", "  ")
    with pytest.raises(EditError, match="Keras names cannot contain '/'"):
        edits.rename(graph, "n2", "a/b")


def test_reorder_inputs(graph):
    g = edits.move_input(graph, "n4", 0, 1)
    assert [r.node for r in g.node("n4").inputs] == ["n3", "n2"]
    with pytest.raises(EditError, match="node 'merge': cannot move input 2 to place 3"):
        edits.move_input(graph, "n4", 1, 1)


def test_connect_and_remove_input(graph):
    g = edits.connect(graph, Ref(node="n1"), "n4")
    assert [r.node for r in g.node("n4").inputs] == ["n2", "n3", "n1"]
    g = edits.remove_input(g, "n4", 0)
    assert [r.node for r in g.node("n4").inputs] == ["n3", "n1"]


def test_inputs_take_no_tensors_and_nodes_not_their_own(graph):
    with pytest.raises(EditError, match="node 'x' is an input"):
        edits.set_inputs(graph, "n1", [Ref(node="n2")])
    with pytest.raises(EditError, match="node 'a' cannot take its own output"):
        edits.set_inputs(graph, "n2", [Ref(node="n2")])
    with pytest.raises(EditError, match="no node with id 'zz'"):
        edits.set_inputs(graph, "n2", [Ref(node="zz")])


def test_set_param_and_back_to_default(graph):
    g = edits.set_param(graph, "n2", "activation", "relu")
    assert g.node("n2").config == {"units": 4, "activation": "relu"}
    g = edits.set_param(g, "n2", "activation", None)
    assert g.node("n2").config == {"units": 4}


def test_set_config_validates_fields(graph):
    with pytest.raises(EditError, match="node 'x': shape"):
        edits.set_config(graph, "n1", shape=(0,))
    with pytest.raises(EditError, match="cannot set inputs"):
        edits.set_config(graph, "n1", inputs=())
    assert edits.set_config(graph, "n1", shape=(None, 3)).node("n1").shape == (None, 3)


def test_insert_between(graph):
    g, new = edits.insert_between(graph, Ref(node="n2"), "n4", "Dropout", {"rate": 0.5})
    assert g.node(new).inputs == (Ref(node="n2"),)
    assert [r.node for r in g.node("n4").inputs] == [new, "n3"]
    with pytest.raises(EditError, match="node 'merge' does not take x"):
        edits.insert_between(graph, Ref(node="n1"), "n4", "Dropout")


def chain_with_loss():
    """x -> a -> b (output, with a loss), a -> c, and a loss node reading a as 'feat'."""
    from editor.model.graph import Node, Output

    loss = Node(id="n5", kind="loss", name="loss", inputs=(Ref(node="n2"), Ref(node="n3")),
                input_names=("feat", "pred"), expression="mean(square(feat)) + mean(pred)")
    graph = project(
        inp("n1", "x", (8,)),
        layer("n2", "a", "Dense", "n1", units=4),
        layer("n3", "b", "Dense", "n2", units=2),
        layer("n4", "c", "Dense", "n2", units=3),
        loss,
        outputs=[Output(ref=Ref(node="n3"), loss="mse", loss_weight=0.5, metrics=("mae",))],
    ).main
    return graph


def test_insert_after_rewires_every_consumer_into_the_new_node():
    graph = chain_with_loss()
    g, new = edits.insert_after(graph, Ref(node="n2"), "Dropout", {"rate": 0.5})
    assert new == "n6" and g.node(new).name == "dropout" and g.node(new).config == {"rate": 0.5}
    assert g.node(new).inputs == (Ref(node="n2"),)
    assert g.node("n3").inputs == (Ref(node=new),)
    assert g.node("n4").inputs == (Ref(node=new),)
    loss = g.node("n5")
    assert loss.inputs == (Ref(node=new), Ref(node="n3"))
    assert loss.input_names == ("feat", "pred") and loss.expression == graph.node("n5").expression
    assert g.outputs == graph.outputs  # a's tensor was no output: outputs stay on b
    assert topological_order(g)[:3] == ["n1", "n2", new]


def test_insert_after_the_output_node_moves_the_output_with_its_settings():
    graph = chain_with_loss()
    g, new = edits.insert_after(graph, Ref(node="n3"), "Activation", {"activation": "softmax"})
    assert len(g.outputs) == 1
    out = g.outputs[0]
    assert out.ref == Ref(node=new) and out.loss == "mse" and out.loss_weight == 0.5 and out.metrics == ("mae",)
    assert g.node("n5").inputs == (Ref(node="n2"), Ref(node=new))  # the loss node read b: now the new end
    assert g.node(new).inputs == (Ref(node="n3"),)


def test_insert_after_only_moves_readers_of_that_output_port():
    graph = project(
        inp("n1", "x", (5, 8)),
        layer("n2", "lstm", "LSTM", "n1", units=4, return_state=True),
        layer("n3", "h", "Dense", Ref(node="n2", output=1), units=2),
        layer("n4", "y", "Dense", "n2", units=2),
        outputs=["n3", "n4"],
    ).main
    g, new = edits.insert_after(graph, Ref(node="n2"), "Dropout")
    assert g.node("n3").inputs == (Ref(node="n2", output=1),)
    assert g.node("n4").inputs == (Ref(node=new),)
    assert [o.ref for o in g.outputs] == [Ref(node="n3"), Ref(node="n4")]


def test_branch_from_leaves_every_consumer_alone():
    graph = chain_with_loss()
    g, new = edits.add_layer(graph, "Dropout", after="n2")
    assert g.node(new).inputs == (Ref(node="n2"),)
    assert all(g.node(i) == graph.node(i) for i in ("n3", "n4", "n5")) and g.outputs == graph.outputs


def test_insert_after_refuses_a_loss_node_and_a_missing_node():
    graph = chain_with_loss()
    with pytest.raises(EditError, match="node 'loss' is a loss node"):
        edits.insert_after(graph, Ref(node="n5"), "Dropout")
    with pytest.raises(EditError, match="no node with id 'n99'"):
        edits.insert_after(graph, Ref(node="n99"), "Dropout")


def test_share_points_at_the_real_owner_and_holds_no_config(graph):
    g = edits.share(graph, "n3", "n2")
    assert g.node("n3").shares == "n2"
    assert g.node("n3").config == {}  # the layer's config is its owner's: no copy to go stale
    assert owner(g, g.node("n3")).config == {"units": 4}
    g, extra = edits.add_layer(g, "Dense", {"units": 9}, after="n1")
    g = edits.share(g, extra, "n3")  # n3 shares n2, so the new node shares n2 directly
    assert g.node(extra).shares == "n2"
    g = edits.set_param(g, "n2", "units", 6)
    unshared = edits.unshare(g, "n3").node("n3")
    assert (unshared.shares, unshared.config) == (None, {"units": 6})  # the owner's config as it is now
    with pytest.raises(EditError, match="only layer nodes"):
        edits.share(g, "n1", "n2")


def test_removing_an_owner_unshares(graph):
    g = edits.remove_node(edits.set_param(edits.share(graph, "n3", "n2"), "n2", "units", 6), "n2")
    assert g.node("n3").shares is None
    assert g.node("n3").config == {"units": 6}  # the removed layer's config, now its own


def test_outputs_set_update_move_unset(graph):
    g = edits.set_output(graph, Ref(node="n2"), loss="mse", loss_weight=0.2)
    assert [o.ref.node for o in g.outputs] == ["n4", "n2"]
    g = edits.set_output(g, Ref(node="n2"), loss_weight=0.5)
    assert g.outputs[1].loss == "mse" and g.outputs[1].loss_weight == 0.5
    g = edits.move_output(g, 1, -1)
    assert [o.ref.node for o in g.outputs] == ["n2", "n4"]
    g = edits.unset_output(g, Ref(node="n2"))
    assert [o.ref.node for o in g.outputs] == ["n4"]


@pytest.mark.parametrize("name", ["a b", "名字", "x\ny", "it's"])
def test_rename_refuses_names_tensorflow_cannot_scope(graph, name):
    with pytest.raises(EditError, match="names may hold only letters A-Z, digits and _ . -"):
        edits.rename(graph, "n2", name)


# ---- a loss node's input names stay aligned with its inputs, whatever the edit

def names(graph, node_id="n5"):
    node = graph.node(node_id)
    return list(zip([r.node for r in node.inputs], node.input_names))


def test_loss_inputs_keep_their_names_through_every_wiring_edit():
    g = chain_with_loss()  # loss n5 reads a (n2) as 'feat' and b (n3) as 'pred'
    assert names(g) == [("n2", "feat"), ("n3", "pred")]
    g = edits.connect(g, Ref(node="n4"), "n5")
    assert names(g) == [("n2", "feat"), ("n3", "pred"), ("n4", "c")]
    g = edits.move_input(g, "n5", 2, -2)
    assert names(g) == [("n4", "c"), ("n2", "feat"), ("n3", "pred")]
    g = edits.remove_input(g, "n5", 1)
    assert names(g) == [("n4", "c"), ("n3", "pred")]
    g = edits.remove_input(g, "n5", 0)
    assert names(g) == [("n3", "pred")]
    g, new = edits.insert_between(g, Ref(node="n3"), "n5", "Dropout", {"rate": 0.1})
    assert names(g) == [(new, "pred")]  # a tensor put in another's place takes its name
    g = edits.set_inputs(g, "n5", [Ref(node="n1"), Ref(node=new)])
    assert names(g) == [("n1", "feat"), (new, "pred")]  # a new tensor takes the name the expression still uses
    g = edits.remove_node(g, "n1")
    assert names(g) == [(new, "pred")]
    with pytest.raises(EditError, match="loss node 'loss': 1 inputs need 1 names, not 2"):
        edits.set_inputs(g, "n5", [Ref(node="n2")], names=["a", "b"])


def test_renaming_a_loss_input_renames_the_tensor_in_its_expression_not_functions():
    g = chain_with_loss()
    g = edits.set_config(g, "n5", input_names=("abs", "pred"), expression="mean(abs(abs)) +  0.5*pred")
    g = edits.rename_tensor(g, "n5", 0, " x ")
    assert g.node("n5").input_names == ("x", "pred")
    assert g.node("n5").expression == "mean(abs(x)) +  0.5*pred"  # spacing kept as typed
    with pytest.raises(EditError, match="loss node 'loss': two inputs cannot both be called 'pred'"):
        edits.rename_tensor(g, "n5", 0, "pred")
    with pytest.raises(EditError, match="'2x' is not a name an expression can use"):
        edits.rename_tensor(g, "n5", 0, "2x")
    with pytest.raises(EditError, match="'lambda' is not a name"):
        edits.rename_tensor(g, "n5", 0, "lambda")
    broken = edits.set_config(g, "n5", expression="mean(x +")  # not yet in the language: left as typed
    assert edits.rename_tensor(broken, "n5", 0, "y").node("n5").expression == "mean(x +"


def test_tensor_names_fill_in_names_a_file_left_out():
    from editor.model.graph import Node

    node = Node(id="L", kind="loss", name="l", inputs=(Ref(node="a"), Ref(node="b")), input_names=("p",))
    assert edits.tensor_names(node) == ("p", "x2")
