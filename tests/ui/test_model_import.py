"""Importing a Keras model from the sidebar: a file, or keras.applications by name."""

import io
import zipfile

from tests.ui.helpers import errors, open_app, project, run, summary


def _file_uploader(at, label_start):
    return next(u for u in at.get("file_uploader") if u.label.startswith(label_start))


def test_import_a_keras_file_opens_it_as_a_new_project(tmp_path):
    import keras

    inputs = keras.Input((8,), name="features")
    shared = keras.layers.Dense(4, name="shared")
    out = keras.layers.Concatenate(name="both")([shared(inputs), shared(inputs)])
    model = keras.Model(inputs, keras.layers.Dense(1, name="score")(out), name="tiny")
    path = tmp_path / "tiny.keras"
    model.save(path)
    at = open_app("mlp")
    before = project(at)
    _file_uploader(at, "A .keras").set_value(("tiny.keras", path.read_bytes(), "application/octet-stream"))
    run(at)
    assert not errors(at), errors(at)
    imported = project(at)
    assert imported != before and imported.title == "tiny"
    assert f"Total params: {model.count_params():,}" in summary(at)
    assert {n.name for n in imported.main.nodes} >= {"features", "shared", "both", "score"}


def test_a_refused_file_says_why_and_keeps_the_project(tmp_path):
    at = open_app("mlp")
    before = project(at)
    buffer = io.BytesIO()
    config = ('{"class_name": "Functional", "config": {"name": "m", "layers": [{"class_name": "Lambda", '
              '"name": "evil", "config": {"name": "evil", "function": "os.system"}, "inbound_nodes": []}], '
              '"input_layers": [], "output_layers": []}}')
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.json", config)
        archive.writestr("metadata.json", "{}")
    _file_uploader(at, "A .keras").set_value(("evil.keras", buffer.getvalue(), "application/octet-stream"))
    run(at)
    messages = [m for m in errors(at) if m.startswith("import refused: ")]
    assert len(messages) == 1 and "evil" in messages[0] and "Lambda" in messages[0] and "\n" not in messages[0]
    assert project(at) == before


def test_import_an_application_by_name():
    at = open_app("mlp")
    at.selectbox(key="import.application").select("MobileNetV2")
    at.button(key="import.application_go").click()
    run(at)
    assert not errors(at), errors(at)
    assert project(at).title == "MobileNetV2"
    assert "Total params: 3,538,984" in summary(at)
