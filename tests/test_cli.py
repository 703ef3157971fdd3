"""Tests for the mnist-course command itself: its commands exist and failures are one clear line."""

import shutil
import subprocess
import sys

import pytest

from mnist_course import cli


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for command in ("train", "evaluate", "predict", "draw", "serve"):
        assert command in text


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2
    assert "usage: mnist-course" in capsys.readouterr().err


def test_a_failing_command_prints_one_line_and_no_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path / "missing.npz"))
    status = cli.main(["train", "--epochs", "1", "--out", str(tmp_path / "model.keras")])
    captured = capsys.readouterr()
    assert status != 0
    assert "Traceback" not in captured.err + captured.out
    assert "missing.npz" in captured.err


def test_console_script_is_installed():
    executable = shutil.which("mnist-course") or str(__import__("pathlib").Path(sys.executable).parent / "mnist-course")
    result = subprocess.run([executable, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "predict" in result.stdout


# --- Which model: every command treats a missing model the same way ----------------------------

def _seven(path):
    from PIL import Image, ImageDraw

    picture = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(picture).line([(150, 40), (150, 260)], fill=0, width=14)
    picture.save(path)
    return path


def _argv(command, image, *extra):
    """The command line for ``command``, with the options that get it as far as finding the model."""
    return {
        "predict": ["predict", str(image)],
        "draw": ["draw"],
        "serve": ["serve", "--port", "0"],
        "evaluate": ["evaluate", "--limit", "1"],
    }[command] + list(extra)


MODEL_COMMANDS = ("predict", "draw", "serve", "evaluate")


@pytest.mark.parametrize("command", MODEL_COMMANDS)
def test_no_saved_model_is_one_line_with_the_train_hint(command, course_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":0")  # draw: past the display check (no window opens before the model is found)
    status = cli.main(_argv(command, _seven(tmp_path / "one.png")))
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"mnist-course {command}: error: no trained model at ")
    assert "mnist-course train" in lines[0] and "Traceback" not in captured.out + captured.err
    assert not list(course_home.glob("models/*.keras")), "nothing may be trained without --train-if-missing"


@pytest.mark.parametrize("command", MODEL_COMMANDS)
def test_a_missing_model_path_is_always_an_error(command, course_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":0")
    missing = tmp_path / "nowhere" / "model.keras"
    extra = [str(missing)] if command == "evaluate" else ["--model", str(missing), "--train-if-missing"]
    status = cli.main(_argv(command, _seven(tmp_path / "one.png"), *extra))
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert lines == [f"mnist-course {command}: error: model file not found: {missing}"]
    assert not list(course_home.glob("models/*.keras"))


def test_train_if_missing_trains_the_course_model_first(course_home, tmp_path, monkeypatch, capsys, trained_model_path):
    from pathlib import Path

    from mnist_course import training

    calls = []

    def train_quickly(path=None, verbose=True):  # stands in for a real run: copy the test model there
        calls.append(Path(path))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(trained_model_path.read_bytes())

    monkeypatch.setattr(training, "load_or_train_cnn", train_quickly)
    image = _seven(tmp_path / "one.png")
    assert cli.main(["predict", str(image), "--train-if-missing"]) == 0
    assert calls == [course_home / "models" / "cnn.keras"]
    assert capsys.readouterr().out.startswith(f"{image}: ")
    assert cli.main(["predict", str(image), "--train-if-missing"]) == 0  # now it is there: no second run
    assert len(calls) == 1


def test_help_texts_say_what_happens_without_a_model(capsys):
    for command in ("predict", "draw", "serve"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "--train-if-missing" in text and "mnist-course train" in text and "exits with status 2" in text


def test_draw_without_a_model_in_a_real_process(tmp_path):
    import os

    environment = dict(os.environ, DISPLAY=":0", MNIST_COURSE_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-m", "mnist_course.cli", "draw"], env=environment,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "mnist-course train" in result.stderr
