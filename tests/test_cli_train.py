"""The ``mnist-course train`` and ``evaluate`` commands, end to end on a small subset."""

import json
import re

import pytest

from mnist_course.cli import main


def test_train_then_evaluate(tmp_path, course_home, capsys):
    out = tmp_path / "models" / "mlp.keras"
    status = main(["train", "--model", "mlp_128", "--epochs", "2", "--limit", "100", "--out", str(out)])
    output = capsys.readouterr().out
    assert status == 0, output
    assert out.exists()
    assert "test accuracy" in output and "Saved to" in output
    history = json.loads((out.parent / "mlp.history.json").read_text())  # for the report's learning curves
    assert len(history["loss"]) == 2 and len(history["val_accuracy"]) == 2
    assert output.count("epoch ") == 2  # one quiet line per epoch

    status = main(["evaluate", str(out), "--limit", "30"])
    output = capsys.readouterr().out
    assert status == 0
    accuracy = float(output.split("Test accuracy: ")[1].split("%")[0])
    assert accuracy > 60  # 2 epochs on 1,000 images; chance is 10
    assert "Accuracy per digit" in output and "true\\pred" in output
    assert len(re.findall(r"^  \d: \d+\.\d\d%$", output, flags=re.MULTILINE)) == 10


def test_evaluate_the_course_cnn(trained_model_path, capsys):
    assert main(["evaluate", str(trained_model_path), "--limit", "50"]) == 0
    output = capsys.readouterr().out
    assert float(output.split("Test accuracy: ")[1].split("%")[0]) > 80


def test_train_default_out_is_named_after_the_model(course_home, capsys):
    # Only the course CNN goes to the path the other commands use; another model never replaces it.
    assert main(["train", "--model", "mlp_128", "--epochs", "1", "--limit", "20"]) == 0
    assert (course_home / "models" / "mlp_128.keras").exists()
    assert not (course_home / "models" / "cnn.keras").exists()
    assert "mlp_128.keras" in capsys.readouterr().out
    assert main(["train", "--epochs", "1", "--limit", "20"]) == 0
    assert (course_home / "models" / "cnn.keras").exists()


def test_evaluate_without_a_path_uses_the_saved_model(course_home, trained_model_path, capsys):
    assert main(["evaluate", "--limit", "5"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "mnist-course train" in err
    (course_home / "models").mkdir(parents=True)
    (course_home / "models" / "cnn.keras").write_bytes(trained_model_path.read_bytes())
    assert main(["evaluate", "--limit", "5"]) == 0
    assert "Test accuracy" in capsys.readouterr().out


def test_list_models(capsys):
    assert main(["train", "--list"]) == 0
    output = capsys.readouterr().out
    assert "cnn " in output and "mlp_deep" in output


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--model", "resnet"], "unknown model"),
        (["train", "--epochs", "0"], "--epochs"),
        (["train", "--out", "model.h5"], ".keras"),
        (["train", "--model", "cnn", "--members", "3"], "--members goes with --model ensemble"),
        (["train", "--model", "ensemble", "--members", "1"], "--members must be between 2 and 20"),
        (["train", "--data", "/nowhere/mnist.npz", "--limit", "5"], "MNIST file not found"),
        (["evaluate", "/nowhere/model.keras"], "model file not found: /nowhere/model.keras"),
    ],
)
def test_bad_input_prints_one_clear_line(argv, message, capsys, course_home):
    assert main(argv) != 0
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in captured.err + captured.out


def test_evaluate_a_file_that_is_not_a_model(tmp_path, capsys):
    fake = tmp_path / "notes.keras"
    fake.write_text("hello")
    assert main(["evaluate", str(fake)]) != 0
    assert "could not load the model" in capsys.readouterr().err
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert main(["evaluate", str(text)]) != 0
    assert "not a .keras model file" in capsys.readouterr().err


def test_train_an_ensemble_resumes_and_evaluates_with_tta(tmp_path, course_home, capsys):
    out = tmp_path / "ensemble.keras"
    argv = ["train", "--model", "ensemble", "--members", "2", "--epochs", "1", "--limit", "40", "--out", str(out)]
    assert main(argv) == 0
    output = capsys.readouterr().out
    assert output.count("test accuracy") == 3  # two members, then the ensemble
    assert sorted(path.name for path in (tmp_path / "ensemble.members").iterdir()) == [
        "member_1.json", "member_1.keras", "member_2.json", "member_2.keras"]
    # A run that stopped half-way starts from the members it finished.
    (tmp_path / "ensemble.members" / "member_2.keras").unlink()
    assert main(argv) == 0
    output = capsys.readouterr().out
    assert "Member 1/2: found from an earlier run" in output and "Member 2/2 (seed 43)" in output

    assert main(["evaluate", str(out), "--limit", "20", "--tta"]) == 0
    output = capsys.readouterr().out
    assert "mean of 5 views" in output
    assert float(output.split("Test accuracy: ")[1].split("%")[0]) > 30  # 1 epoch on 400 images; chance is 10


def test_train_refuses_an_unknown_precision(monkeypatch, course_home, capsys):
    monkeypatch.setenv("MNIST_COURSE_PRECISION", "half")
    assert main(["train", "--epochs", "1", "--limit", "5"]) == 2
    assert "MNIST_COURSE_PRECISION" in capsys.readouterr().err
