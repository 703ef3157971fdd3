"""The prediction log: one committed row per prediction, safe against kill -9, two writers and foreign files.

The crash and concurrency tests run real Python processes (``subprocess``) that write to the same SQLite
file; the kill test ends one with ``os.kill(pid, SIGKILL)`` while it is writing.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from mnist_course import predlog

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_registry(course_home, monkeypatch):
    """Each test gets its own course home and forgets logs another test opened or warned about."""
    monkeypatch.delenv(predlog.LOG_VARIABLE, raising=False)
    monkeypatch.setattr(predlog, "_path_override", None)
    monkeypatch.setattr(predlog, "_open_logs", {})
    monkeypatch.setattr(predlog, "_failed", {})
    monkeypatch.setattr(predlog, "_warned", set())
    yield
    for log in predlog._open_logs.values():
        log.close()


def _probabilities(digit, confidence=0.9):
    values = np.full(10, (1 - confidence) / 9)
    values[digit] = confidence
    return values


def _raw(path, query):
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


# --- the file ----------------------------------------------------------------------------------


def test_a_new_log_is_made_in_the_course_home_with_version_wal_and_our_id(course_home):
    image = np.zeros((28, 28), np.float32)
    image[5:20, 12:15] = 1.0
    row = predlog.log_prediction("pad", image, _probabilities(1), true_label=1, file_name="/some/folder/one.png",
                                 notes={"polarity": "light ink", "lines_removed": 0, "crop": "1,2,3,4", "try": 2})
    path = course_home / "predictions.sqlite"
    assert predlog.log_path() == path and path.is_file()
    assert row == 1
    assert _raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert _raw(path, "PRAGMA user_version") == [(predlog.SCHEMA_VERSION,)]
    assert _raw(path, "PRAGMA application_id") == [(predlog.APPLICATION_ID,)]

    [stored] = predlog.open_log().rows()
    assert stored["source"] == "pad" and stored["digit"] == 1 and stored["true_label"] == 1
    assert stored["confidence"] == pytest.approx(0.9)
    assert json.loads(stored["probabilities"]) == pytest.approx(list(_probabilities(1)), abs=1e-6)
    assert stored["file_name"] == "one.png", "only the file's name is kept, never its folder"
    assert stored["polarity"] == "light ink" and stored["lines_removed"] == 0 and stored["crop"] == "1,2,3,4"
    assert json.loads(stored["notes"]) == {"try": 2}
    np.testing.assert_array_equal(predlog.png_to_image(stored["image_png"]), image)
    assert stored["time"].endswith("Z") and stored["time"][:4].isdigit()


def test_logging_off_writes_nothing(course_home, monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_LOG", "0")
    assert predlog.log_prediction("pad", np.zeros((28, 28)), _probabilities(3)) is None
    assert not (course_home / "predictions.sqlite").exists()


def test_bad_rows_are_refused_by_the_log_but_never_raise_from_a_tool(course_home, capsys):
    with pytest.raises(ValueError, match="10 probabilities"):
        predlog.make_entry("pad", np.zeros((28, 28)), [0.5, 0.5])
    with pytest.raises(ValueError, match="digit 0-9"):
        predlog.make_entry("pad", np.zeros((28, 28)), _probabilities(2), true_label=12)
    # Through the tools' entry point: no exception, one line, and the next good row still goes in.
    assert predlog.log_prediction("pad", np.zeros((28, 28)), [0.5, 0.5]) is None
    assert predlog.log_prediction("pad", np.zeros((28, 28)), [0.5, 0.5]) is None
    assert predlog.log_prediction("pad", np.zeros((28, 28)), _probabilities(2)) is not None
    err = capsys.readouterr().err
    assert err.count("10 probabilities") == 1, err


def test_label_a_row_later_and_read_by_source(course_home):
    first = predlog.log_prediction("pad", np.zeros((28, 28)), _probabilities(4))
    predlog.log_prediction("predict", np.zeros((28, 28)), _probabilities(5))
    assert predlog.label_prediction(first, 9)
    assert not predlog.label_prediction(None, 9)
    log = predlog.open_log()
    assert [row["true_label"] for row in log.rows(source="pad")] == [9]
    assert [row["source"] for row in log.rows()] == ["predict", "pad"]
    assert [row["source"] for row in log.rows(exclude_source="pad", newest_first=False)] == ["predict"]
    assert log.count() == 2 and log.count("pad") == 1
    assert log.clear() == 2 and log.count() == 0
    assert log.integrity() == "ok"


def test_migrations_bring_an_old_log_up_to_date_and_keep_its_rows(course_home, monkeypatch):
    path = course_home / "predictions.sqlite"
    predlog.log_prediction("pad", np.zeros((28, 28)), _probabilities(7))
    for log in predlog._open_logs.values():
        log.close()
    # A future version 2 that adds a column: the version-1 file is brought up to it, rows kept.
    migrations = dict(predlog.MIGRATIONS)
    migrations[2] = ["ALTER TABLE predictions ADD COLUMN pen TEXT"]
    monkeypatch.setattr(predlog, "MIGRATIONS", migrations)
    monkeypatch.setattr(predlog, "SCHEMA_VERSION", 2)
    log = predlog.open_log(path)
    assert log.schema_version() == 2
    [row] = log.rows()
    assert row["digit"] == 7 and "pen" in row
    log.close()


def test_a_log_from_a_newer_course_is_refused_and_left_alone(course_home, capsys):
    path = course_home / "predictions.sqlite"
    predlog.open_log(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {predlog.SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(predlog.PredictionLogError, match="newer version of the course"):
        predlog.open_log(path)
    assert predlog.log_prediction("pad", np.zeros((28, 28)), _probabilities(1)) is None
    assert path.read_bytes() == before
    assert "newer version" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["random bytes", "another program's database", "a damaged log", "a folder"])
def test_a_foreign_or_damaged_file_is_never_overwritten_and_predictions_go_on(course_home, capsys, kind):
    path = course_home / "predictions.sqlite"
    course_home.mkdir(parents=True, exist_ok=True)
    if kind == "random bytes":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    elif kind == "another program's database":
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE contacts (name TEXT)")
            connection.execute("INSERT INTO contacts VALUES ('Ada')")
        connection.close()
    elif kind == "a damaged log":
        predlog.open_log(path).close()
        data = bytearray(path.read_bytes())
        data[100:4096] = b"\xff" * (4096 - 100)  # the first page's table of contents, garbled
        path.write_bytes(bytes(data))
    else:
        path.mkdir()
    before = None if path.is_dir() else path.read_bytes()
    for digit in range(3):  # the tool goes on: no exception, nothing logged
        assert predlog.log_prediction("pad", np.zeros((28, 28)), _probabilities(digit)) is None
    if before is not None:
        assert path.read_bytes() == before, "the file was changed"
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "is not a prediction log" in lines[0] and "left as it is" in lines[0]
    assert "[course folder]/predictions.sqlite" in lines[0]


def test_a_damaged_log_stops_the_pad_from_logging_but_not_from_reading(course_home, capsys, trained_model_path):
    from mnist_course import training, widgets

    path = course_home / "predictions.sqlite"
    course_home.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is my shopping list, not a database\n" * 10)
    before = path.read_bytes()
    pad = widgets.DrawingPad(model=training.load_model(trained_model_path))
    reading = pad.classify(widgets.pad_ink_image([[(70, 56), (210, 56), (126, 238)]]))
    assert reading.prediction is not None and pad.prediction == reading.prediction
    assert path.read_bytes() == before
    assert capsys.readouterr().err.count("is not a prediction log") == 1


# --- the tools log -------------------------------------------------------------------------------


def test_the_pad_logs_each_prediction_and_save_labels_it(course_home, trained_model_path, tmp_path):
    from mnist_course import training, widgets

    model = training.load_model(trained_model_path)
    predlog.remember_model_file(model, trained_model_path)
    pad = widgets.DrawingPad(model=model, save_folder=tmp_path / "digits")
    seven = [[(70, 56), (210, 56), (126, 238)]]
    pad.classify(widgets.pad_ink_image(seven[:1]))
    pad.classify(np.zeros((112, 112), np.uint8))  # a cleared pad: no prediction, no row
    reading = pad.classify(widgets.pad_ink_image(seven))
    pad.save(7)
    rows = predlog.open_log().rows(newest_first=False)
    assert [row["source"] for row in rows] == ["pad", "pad"]
    assert [row["true_label"] for row in rows] == [None, 7]
    last = rows[-1]
    assert last["digit"] == reading.prediction
    assert json.loads(last["probabilities"]) == pytest.approx(reading.probabilities.tolist(), abs=1e-5)
    assert last["model_id"] == predlog.file_sha256(trained_model_path)
    assert last["weights_id"] == predlog.weights_sha256(model) and last["model_name"] == "cnn.keras"
    assert last["polarity"] == "light ink" and last["lines_removed"] == 0
    assert last["stroke_before"] > 0 and len(last["crop"].split(",")) == 4
    np.testing.assert_allclose(predlog.png_to_image(last["image_png"]), reading.image, atol=1 / 255)
    assert json.loads(last["notes"]) == {"touches_edge": False}
    pad.classify(widgets.pad_ink_image([[(0, 10), (279, 10), (100, 279)]]))  # a 7 as big as the pad
    assert json.loads(predlog.open_log().rows(limit=1)[0]["notes"]) == {"touches_edge": True}


def test_predict_and_evaluate_log_with_true_labels(course_home, trained_model_path, tmp_path, capsys):
    from PIL import Image, ImageDraw

    from mnist_course import cli

    folder = tmp_path / "my_digits" / "7"
    folder.mkdir(parents=True)
    picture = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(picture).line([(90, 60), (210, 60), (130, 240)], fill=0, width=12, joint="curve")
    picture.save(folder / "seven.png")
    picture.save(tmp_path / "unlabelled.png")
    assert cli.main(["predict", str(folder / "seven.png"), str(tmp_path / "unlabelled.png"),
                     "--model", str(trained_model_path)]) == 0  # fmt: skip
    assert cli.main(["evaluate", str(trained_model_path), "--limit", "3"]) == 0
    capsys.readouterr()
    log = predlog.open_log()
    predicted = log.rows(source="predict", newest_first=False)
    assert [(row["file_name"], row["true_label"]) for row in predicted] == [("seven.png", 7), ("unlabelled.png", None)]
    assert predicted[0]["polarity"] == "dark ink" and predicted[0]["model_id"] == predlog.file_sha256(trained_model_path)
    tested = log.rows(source="evaluate")
    assert len(tested) == 30 and sorted(row["true_label"] for row in tested) == sorted(list(range(10)) * 3)


def test_the_upload_helper_logs_with_the_file_name(course_home, trained_model_path):
    from mnist_course import samples, training, upload

    model = training.load_model(trained_model_path)
    data = samples.encode(samples.make_sample(4, kind="scan", seed=0).image, "JPEG")
    result, probabilities = upload.read_upload(model, "my four.jpg", data, label=4)
    [row] = predlog.open_log().rows()
    assert (row["source"], row["file_name"], row["true_label"]) == ("upload", "my four.jpg", 4)
    assert row["digit"] == int(np.argmax(probabilities)) and row["polarity"] == "dark ink"
    assert row["lines_removed"] >= 1, "a scan of ruled paper: its lines were removed"


def test_lines_removed_is_read_from_the_preprocessing_steps(monkeypatch):
    from mnist_course import handwriting, samples

    result = handwriting.preprocess(samples.encode(samples.make_sample(4, kind="scan", seed=0).image, "PNG"))
    assert result.steps["lines"].any()
    old = handwriting.Preprocessed(result.image, {k: v for k, v in result.steps.items() if k != "lines"},
                                   result.dark_ink, result.stroke_width, result.box, result.plain)  # fmt: skip
    again = predlog.preprocessing_notes(old)  # no "lines" step: remove_lines runs again, with the same answer
    assert again["lines_removed"] >= 1

    def no_second_run(*args, **kwargs):
        raise AssertionError("remove_lines ran a second time")

    monkeypatch.setattr(handwriting, "remove_lines", no_second_run)
    assert predlog.preprocessing_notes(result) == again
    assert predlog.preprocessing_notes(result, handwriting.Cleanup(lines=False))["lines_removed"] == 0


# --- real processes ----------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from mnist_course import predlog

    count, start_at = int(sys.argv[1]), float(sys.argv[2])
    rng = np.random.default_rng(int(sys.argv[3]))
    image = (rng.random((28, 28)) > 0.7).astype(np.float32)
    while time.time() < start_at:  # both writers start at the same moment
        time.sleep(0.001)
    number = 0
    while count < 0 or number < count:
        probabilities = rng.random(10)
        row = predlog.log_prediction("pad", image, probabilities / probabilities.sum(), notes={"writer": sys.argv[3]})
        if row is None:
            sys.exit("nothing logged")
        if number % 3 == 0:
            predlog.label_prediction(row, number % 10)
        print(row, flush=True)  # reported to the user: from now on it must survive anything
        number += 1
    """
)


def _writer(home, count, start_at, seed):
    environment = dict(os.environ, MNIST_COURSE_HOME=str(home))
    return subprocess.Popen([sys.executable, "-c", WRITER, str(count), str(start_at), str(seed)], env=environment,
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_kill_9_while_logging_keeps_every_reported_prediction_and_a_whole_file(course_home):
    process = _writer(course_home, -1, 0, seed=1)  # writes until it is killed
    reported = []
    try:
        for line in process.stdout:
            reported.append(int(line))
            if len(reported) >= 300:
                break
        os.kill(process.pid, signal.SIGKILL)
        reported.extend(int(line) for line in process.stdout.read().split())  # printed before the kill
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert len(reported) >= 300, process.stderr.read()
    path = course_home / "predictions.sqlite"
    assert _raw(path, "PRAGMA integrity_check") == [("ok",)]
    stored = {row[0] for row in _raw(path, "SELECT id FROM predictions")}
    missing = set(reported) - stored
    assert not missing, f"{len(missing)} reported predictions are not in the log"
    log = predlog.open_log(path)  # the tools go on with the same file
    assert log.count() >= len(reported)
    assert predlog.log_prediction("pad", np.zeros((28, 28)), _probabilities(0)) is not None


def test_two_writers_at_once_never_fail(course_home):
    count = 250
    start_at = time.time() + 3.0  # both processes are running by then; the log does not exist yet
    writers = [_writer(course_home, count, start_at, seed) for seed in (1, 2)]
    results = [writer.communicate(timeout=240) for writer in writers]
    for writer, (out, err) in zip(writers, results):
        assert writer.returncode == 0, err
        assert "locked" not in err and "prediction log off" not in err, err
        assert len(out.split()) == count
    path = course_home / "predictions.sqlite"
    assert _raw(path, "PRAGMA integrity_check") == [("ok",)]
    by_writer = dict(_raw(path, "SELECT json_extract(notes, '$.writer'), COUNT(*) FROM predictions GROUP BY 1"))
    assert by_writer == {"1": count, "2": count}
    assert _raw(path, "SELECT COUNT(*) FROM predictions WHERE true_label IS NOT NULL") == [(2 * ((count + 2) // 3),)]


def test_the_png_and_model_id_helpers_live_in_their_own_modules_and_stay_usable_from_predlog():
    from mnist_course import model_ids, pngs

    for name in ("image_to_png", "png_to_image"):
        assert getattr(predlog, name) is getattr(pngs, name)
    for name in ("file_sha256", "weights_sha256", "remember_model_file", "model_identity"):
        assert getattr(predlog, name) is getattr(model_ids, name)
    digit = np.zeros((28, 28), dtype=np.float32)
    digit[5:20, 12:15] = 1.0
    assert np.array_equal(pngs.png_to_image(pngs.image_to_png(digit)), digit)
