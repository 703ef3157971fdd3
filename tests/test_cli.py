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
