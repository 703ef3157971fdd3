"""The light runtime (``mnist_course.onnx_model``): the ONNX copy that ``train`` saves beside a model, and
``predict`` reads without TensorFlow, with the same answers and the same prediction log as Keras."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mnist_course import cli, onnx_model

REPO = Path(__file__).resolve().parent.parent
PHOTO = REPO / "assets" / "photo_7.jpg"

#: The two runtimes' probabilities may differ by this much (the issue's bar; a float32 model: about 1e-6).
AGREEMENT = 1e-4


@pytest.fixture(scope="module")
def calibrated_model_path(tmp_path_factory, trained_model_path, mnist):
    """The briefly trained course CNN, calibrated (its last layer a ``Temperature``), saved with its ONNX copy."""
    from mnist_course import calibration, data, training

    _, (test_images, test_labels) = mnist
    model = calibration.calibrate(training.load_model(trained_model_path), data.scale(test_images[-500:]),
                                  test_labels[-500:])  # fmt: skip
    path = tmp_path_factory.mktemp("light") / "cnn.keras"
    training.save_model(model, path)
    onnx_model.export(model, path)
    return path


def _copy_of(model_path, folder: Path, with_onnx: bool = True) -> Path:
    """Copy a model (and its ONNX copy) into ``folder``; returns the new ``.keras`` path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(model_path, folder / model_path.name)
    if with_onnx:
        shutil.copy(onnx_model.copy_path(model_path), folder / onnx_model.copy_path(model_path).name)
    return folder / model_path.name


def test_the_copy_records_the_keras_file_its_weights_and_temperature(calibrated_model_path):
    import onnx

    from mnist_course import calibration, model_ids, training

    keras_model = training.load_model(calibrated_model_path)
    copy = onnx_model.load(calibrated_model_path)
    assert copy.path == calibrated_model_path.with_suffix(".onnx")
    assert copy.identity == {"model_id": model_ids.file_sha256(calibrated_model_path),
                             "weights_id": model_ids.weights_sha256(keras_model), "model_name": "cnn.keras"}  # fmt: skip
    assert copy.temperature == calibration.temperature_of(keras_model) and copy.name == keras_model.name
    notes = {entry.key: entry.value for entry in onnx.load(str(copy.path)).metadata_props}
    assert notes[onnx_model.KERAS_SHA256] == model_ids.file_sha256(calibrated_model_path)
    assert float(notes[onnx_model.TEMPERATURE]) == calibration.temperature_of(keras_model)


@pytest.mark.parametrize("number_format", ["calibrated", "float32", "mixed_bfloat16"])
def test_both_runtimes_agree_on_mnist_test_images(number_format, calibrated_model_path, trained_model_path,
                                                  mnist, tmp_path):  # fmt: skip
    from mnist_course import data, models, training

    if number_format == "calibrated":
        path = calibrated_model_path
        keras_model = training.load_model(path)
    else:  # the same weights, computing in this number format
        keras_model = models.cnn(dtype_policy=number_format)
        keras_model.set_weights(training.load_model(trained_model_path).get_weights())
        path = training.save_model(keras_model, tmp_path / "cnn.keras")
        onnx_model.export(keras_model, path)
    _, (test_images, _) = mnist
    images = data.scale(test_images[:300])
    expected = models.predict_proba(keras_model, images)
    found = onnx_model.load(path).predict_proba(images)
    assert found.shape == (300, 10) and found.dtype == np.float32
    np.testing.assert_array_equal(found.argmax(axis=1), expected.argmax(axis=1))
    assert np.abs(found - expected).max() <= AGREEMENT


def test_predict_proba_takes_every_shape_a_keras_model_does(calibrated_model_path):
    copy = onnx_model.load(calibrated_model_path)
    one = np.zeros((28, 28), np.float32)
    assert copy.predict_proba(one).shape == (1, 10)
    assert copy.predict_proba(np.zeros((3, 784))).shape == (3, 10)
    assert copy(np.zeros((2, 28, 28, 1))).shape == (2, 10)  # called like a Keras model
    assert copy.predict_proba(np.zeros((0, 28, 28))).shape == (0, 10)
    with pytest.raises(ValueError, match="28x28"):
        copy.predict_proba(np.zeros((5, 5)))


def test_a_copy_that_is_missing_damaged_or_of_another_model_is_not_used(calibrated_model_path, trained_model_path,
                                                                        tmp_path):  # fmt: skip
    path = _copy_of(trained_model_path, tmp_path / "none", with_onnx=False)
    with pytest.raises(onnx_model.CopyError, match="no ONNX copy beside cnn.keras"):
        onnx_model.load(path)
    path.with_suffix(".onnx").write_bytes(b"not an onnx file")
    with pytest.raises(onnx_model.CopyError, match="cnn.onnx could not be read"):
        onnx_model.load(path)
    # The calibrated model's copy beside another cnn.keras (a model trained again, say).
    shutil.copy(onnx_model.copy_path(calibrated_model_path), path.with_suffix(".onnx"))
    with pytest.raises(onnx_model.CopyError, match="made from another version of cnn.keras"):
        onnx_model.load(path)
    # The commands then use Keras, and make a copy that matches for the next time.
    lines = []
    model = onnx_model.load_for_prediction(path, say=lines.append)
    assert not onnx_model.is_onnx(model)
    assert lines == ["runtime: Keras (cnn.onnx was made from another version of cnn.keras; "
                     "made cnn.onnx for the next time)"]  # fmt: skip
    assert onnx_model.is_onnx(onnx_model.load_for_prediction(path, say=lines.append))
    assert lines[-1] == "runtime: ONNX Runtime (cnn.onnx matches cnn.keras)"


def test_without_tf2onnx_there_is_no_copy_and_one_line_says_why(trained_model_path, tmp_path, monkeypatch):
    from mnist_course import training

    path = _copy_of(trained_model_path, tmp_path, with_onnx=False)
    monkeypatch.setitem(sys.modules, "tf2onnx", None)  # as if it were not installed
    with pytest.raises(onnx_model.ExportError, match="tf2onnx and onnx are not installed"):
        onnx_model.export(training.load_model(path), path)
    lines = []
    assert not onnx_model.is_onnx(onnx_model.load_for_prediction(path, say=lines.append))
    assert "no ONNX copy made: tf2onnx and onnx are not installed" in lines[0]
    assert not path.with_suffix(".onnx").exists()


def test_predict_with_the_copy_never_imports_tensorflow(calibrated_model_path, tmp_path):
    code = ("import json, sys\nfrom mnist_course import cli\n"
            f"status = cli.main(['predict', {str(PHOTO)!r}, '--model', {str(calibrated_model_path)!r}, '--json', "
            "'--verbose'])\n"
            "print(json.dumps({'status': status, 'loaded': sorted(name for name in ('tensorflow', 'keras') "
            "if name in sys.modules)}))")  # fmt: skip
    environment = dict(os.environ, MNIST_COURSE_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=REPO, capture_output=True,
                            text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    record, summary = (json.loads(line) for line in result.stdout.strip().splitlines()[-2:])
    assert summary == {"status": 0, "loaded": []}
    assert record["file"] == str(PHOTO) and "answer" in record
    assert result.stderr.strip() == "runtime: ONNX Runtime (cnn.onnx matches cnn.keras)"


def test_predict_answers_and_logs_the_same_on_both_runtimes(calibrated_model_path, tmp_path, course_home, capsys):
    from mnist_course import predlog

    path = _copy_of(calibrated_model_path, tmp_path / "model", with_onnx=False)
    records, runtimes = [], []
    for _ in ("keras", "onnx"):  # the first run has no copy: it uses Keras and makes the copy
        status = cli.main(["predict", str(PHOTO), "--model", str(path), "--json", "--verbose"])
        captured = capsys.readouterr()
        assert status == 0, captured.err
        records.append(json.loads(captured.out))
        runtimes.append(captured.err.split(" (")[0])
    assert runtimes == ["runtime: Keras", "runtime: ONNX Runtime"]
    keras_record, onnx_record = records
    for key in ("file", "digit", "answer", "sure"):
        assert onnx_record[key] == keras_record[key]
    assert [item["digit"] for item in onnx_record["top3"]] == [item["digit"] for item in keras_record["top3"]]
    assert abs(onnx_record["confidence"] - keras_record["confidence"]) <= 2 * AGREEMENT  # both rounded to 4 places
    keras_row, onnx_row = predlog.open_log().rows(source="predict", newest_first=False)
    for key in ("model_id", "weights_id", "model_name", "image_png", "file_name", "digit", "true_label", "notes"):
        assert onnx_row[key] == keras_row[key], key
    assert keras_row["weights_id"] and keras_row["model_name"] == "cnn.keras"
    np.testing.assert_allclose(json.loads(onnx_row["probabilities"]), json.loads(keras_row["probabilities"]),
                               atol=AGREEMENT)  # fmt: skip


def test_a_damaged_model_file_is_one_clear_line_on_either_path(calibrated_model_path, tmp_path, capsys):
    path = _copy_of(calibrated_model_path, tmp_path)
    path.write_text("not a model")  # the copy no longer matches, and Keras cannot read the file
    status = cli.main(["predict", str(PHOTO), "--model", str(path)])
    err = capsys.readouterr().err
    assert status == 2 and "could not load the model" in err and "Traceback" not in err


def test_the_desktop_app_reads_a_drawing_the_same_with_the_copy(calibrated_model_path):
    from mnist_course import training, widgets

    seven = widgets.pad_ink_image([[(70, 56), (210, 56), (126, 238)]])
    with_keras = widgets.read_drawing(seven, training.load_model(calibrated_model_path))
    with_onnx = widgets.read_drawing(seven, onnx_model.load(calibrated_model_path))
    assert with_onnx.prediction == with_keras.prediction and with_onnx.describe() == with_keras.describe()
    np.testing.assert_allclose(with_onnx.probabilities, with_keras.probabilities, atol=AGREEMENT)


def test_train_saves_an_onnx_copy_beside_the_model(tmp_path, course_home, capsys):
    out = tmp_path / "models" / "cnn.keras"
    assert cli.main(["train", "--epochs", "1", "--limit", "10", "--out", str(out)]) == 0
    output = capsys.readouterr().out
    assert f"Saved an ONNX copy for fast prediction to {out.with_suffix('.onnx')}" in output
    copy = onnx_model.load(out)
    assert copy.temperature is not None and copy.name == "cnn"


def test_importing_the_runtime_loads_neither_tensorflow_nor_onnx_runtime():
    code = ("import sys\nimport mnist_course.onnx_model, mnist_course.answers\n"
            "print(sorted(n for n in ('tensorflow', 'keras', 'onnxruntime', 'onnx') if n in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]", result.stderr[-2000:]


def test_answers_is_where_calibration_finds_not_sure():
    from mnist_course import answers, calibration

    assert calibration.answer is answers.answer and calibration.UNSURE_BELOW == answers.UNSURE_BELOW
