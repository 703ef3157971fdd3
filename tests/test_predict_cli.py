"""Tests of `mnist-course predict`: output per file, --json, the default model, and every bad input."""

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnist_course import calibration, cli, samples


def seven_png(path):
    picture = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(picture).line([(90, 60), (210, 60), (130, 240)], fill=0, width=12, joint="curve")
    picture.save(path)
    return path


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    """One file (or path) for each kind of bad input, with the words its error line must contain."""
    folder = tmp_path_factory.mktemp("bad")
    files = {}
    (folder / "empty.jpg").write_bytes(b"")
    files["empty.jpg"] = "empty"
    (folder / "text.jpg").write_text("not a picture")
    files["text.jpg"] = "not an image"
    photo = samples.encode(samples.make_sample(3, kind="scan", seed=2).image, "JPEG")
    (folder / "cut.jpg").write_bytes(photo[: len(photo) // 2])
    files["cut.jpg"] = "truncated or damaged"
    buffer = io.BytesIO()
    samples.make_sample(3, kind="scan", seed=2).image.save(buffer, format="PNG")
    (folder / "cut.png").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    files["cut.png"] = "truncated or damaged"
    Image.new("RGB", (1, 1)).save(folder / "dot.png")
    files["dot.png"] = "too small"
    Image.new("RGB", (640, 480), (240, 240, 235)).save(folder / "blank.png")
    files["blank.png"] = "is the page blank"
    (folder / "a_folder").mkdir()
    files["a_folder"] = "folder"
    files["missing.png"] = "no such file"
    return folder, files


def run(capsys, *argv):
    status = cli.main(["predict", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_one_line_per_file(tmp_path, capsys, trained_model_path):
    path = seven_png(tmp_path / "seven.png")
    status, out, err = run(capsys, path, "--model", trained_model_path)
    assert status == 0
    assert out.startswith(f"{path}: ") and "top 3:" in out
    assert "Traceback" not in err


def test_json_lines(tmp_path, capsys, trained_model_path):
    first = seven_png(tmp_path / "a.png")
    second = tmp_path / "b.jpg"
    second.write_bytes(samples.encode(samples.make_sample(4, kind="photo", seed=8).image, "JPEG"))
    status, out, _ = run(capsys, first, second, "--model", trained_model_path, "--json")
    assert status == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["file"] for record in records] == [str(first), str(second)]
    for record in records:
        assert set(record) == {"file", "digit", "confidence", "answer", "sure", "top3"}
        assert record["sure"] == (record["confidence"] >= calibration.UNSURE_BELOW)
        assert record["answer"].startswith(f"{record['digit']} (" if record["sure"] else f"not sure: {record['digit']} or ")
        assert 0 <= record["digit"] <= 9 and 0 <= record["confidence"] <= 1
        assert [item["digit"] for item in record["top3"]][0] == record["digit"]
        assert len(record["top3"]) == 3
        confidences = [item["confidence"] for item in record["top3"]]
        assert confidences == sorted(confidences, reverse=True)


def test_a_written_year_is_read_as_the_number_2026(tmp_path, capsys, trained_model_path):
    path = tmp_path / "year.png"
    samples.make_sample("2026", kind="scan", writer="neat", seed=5).image.save(path)
    status, out, _ = run(capsys, path, "--model", trained_model_path, "--json")
    assert status == 0
    record = json.loads(out)
    assert record["number"] == "2026"
    assert [digit["digit"] for digit in record["digits"]] == [2, 0, 2, 6]


def test_every_bad_input_gives_one_clear_line(bad_files, capsys, trained_model_path):
    folder, files = bad_files
    paths = [folder / name for name in files]
    status, out, err = run(capsys, *paths, "--model", trained_model_path)
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == len(files)
    for line, (name, words) in zip(lines, files.items()):
        assert line.startswith("error: ") and name in line and words in line, line
    assert "Traceback" not in err and out == ""


def test_bad_inputs_in_json_and_good_ones_still_read(bad_files, tmp_path, capsys, trained_model_path):
    folder, files = bad_files
    good = seven_png(tmp_path / "good.png")
    status, out, _ = run(capsys, good, *(folder / name for name in files), "--model", trained_model_path, "--json")
    assert status == 1  # non-zero because some files could not be read
    records = [json.loads(line) for line in out.splitlines()]
    assert "digit" in records[0]
    for record, (name, words) in zip(records[1:], files.items()):
        assert set(record) == {"file", "error"} and record["file"].endswith(name) and words in record["error"]


def test_default_model_and_how_to_train_one(tmp_path, capsys, course_home, trained_model_path):
    path = seven_png(tmp_path / "seven.png")
    status, _, err = run(capsys, path)
    assert status == 2
    assert "mnist-course train" in err and "Traceback" not in err
    # With a model where `mnist-course train` saves it, predict finds it without --model.
    from mnist_course import config

    config.default_model_path().parent.mkdir(parents=True, exist_ok=True)
    config.default_model_path().write_bytes(trained_model_path.read_bytes())
    status, out, _ = run(capsys, path)
    assert status == 0 and out.startswith(str(path))


def test_missing_or_broken_model(tmp_path, capsys):
    path = seven_png(tmp_path / "seven.png")
    status, _, err = run(capsys, path, "--model", tmp_path / "none.keras")
    assert status == 2 and "model file not found" in err
    broken = tmp_path / "broken.keras"
    broken.write_text("not a model")
    status, _, err = run(capsys, path, "--model", broken)
    assert status == 2 and "could not load the model" in err and "Traceback" not in err


def test_fifty_megapixel_and_animated_gif(tmp_path, capsys, trained_model_path):
    huge = Image.new("L", (8660, 5774), 250)
    ImageDraw.Draw(huge).line([(3500, 1500), (5000, 1500), (4000, 4500)], fill=10, width=150)
    huge.save(tmp_path / "huge.jpg", quality=60)
    frames = [Image.new("L", (200, 200), 255).convert("P") for _ in range(3)]
    ImageDraw.Draw(frames[0]).line([(100, 30), (100, 170)], fill=0, width=12)
    frames[0].save(tmp_path / "moving.gif", save_all=True, append_images=frames[1:], duration=100)
    status, out, _ = run(capsys, tmp_path / "huge.jpg", tmp_path / "moving.gif", "--model", trained_model_path, "--json")
    assert status == 0
    assert len([json.loads(line) for line in out.splitlines()]) == 2


def test_predict_reads_a_drawn_digit_correctly(tmp_path, capsys, trained_model_path):
    # A 1 is the easiest digit even for the small test model: check the whole path gives the right answer.
    picture = Image.new("RGB", (800, 600), (250, 250, 245))
    ImageDraw.Draw(picture).line([(620, 120), (600, 480)], fill=(20, 30, 120), width=10)  # off-centre, blue pen
    picture.save(tmp_path / "one.jpg")
    status, out, _ = run(capsys, tmp_path / "one.jpg", "--model", trained_model_path, "--json")
    assert status == 0 and json.loads(out)["digit"] == 1
    assert np.isclose(sum(item["confidence"] for item in json.loads(out)["top3"]), 1, atol=0.2)


def test_predict_and_the_pad_take_an_ensemble_as_is(tmp_path, capsys, trained_model_path, ensemble_model_path):
    from mnist_course import models, training, widgets

    picture = Image.new("RGB", (400, 400), "white")
    ImageDraw.Draw(picture).line([(200, 60), (196, 340)], fill="black", width=14)
    picture.save(tmp_path / "one.png")
    answers = []
    for model_path in (trained_model_path, ensemble_model_path):
        status, out, _ = run(capsys, tmp_path / "one.png", "--model", model_path, "--json")
        assert status == 0
        answers.append(json.loads(out))
    assert answers[1]["digit"] == answers[0]["digit"] == 1
    assert answers[1]["confidence"] == pytest.approx(answers[0]["confidence"], abs=1e-3)
    ensemble = training.load_model(ensemble_model_path)
    assert len(models.ensemble_members(ensemble)) == 2
    seven = widgets.pad_ink_image([[(70, 56), (210, 56), (126, 238)]])
    single = widgets.read_drawing(seven, training.load_model(trained_model_path))
    np.testing.assert_allclose(widgets.read_drawing(seven, ensemble).probabilities, single.probabilities, atol=1e-5)
