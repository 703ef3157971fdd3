"""The path a student walks: lessons 05, 06, 07 and 09 run in order in one course folder.

The lesson builds run each lesson in an empty course folder, so they cannot see what one lesson hands
the next. This test runs the committed notebooks one after another, in fast mode, in one new course
folder, as a student does, and checks that lesson 05 saves the calibrated course CNN, that 06, 07 and 09
load that very file (no lesson trains it again), and that it is calibrated.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
PATH = ["05_cnn", "06_your_own_handwriting", "07_drawing_pad", "09_logs_and_report"]


def output_text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            elif "text/plain" in output.get("data", {}):
                parts.append(output.data["text/plain"])
    return "\n".join(parts)


def run_in_order(paths: list[Path], home: Path, monkeypatch) -> tuple[dict[str, str], dict[str, str]]:
    """Run notebooks in order with one course home; return each one's output text and the model's hash after it."""
    monkeypatch.setenv("MNIST_COURSE_HOME", str(home))
    monkeypatch.setenv("MNIST_COURSE_FAST", "1")
    outputs, hashes = {}, {}
    model = home / "models" / "cnn.keras"
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
        outputs[path.stem] = output_text(notebook)
        hashes[path.stem] = hashlib.sha256(model.read_bytes()).hexdigest() if model.exists() else ""
    return outputs, hashes


@pytest.mark.skipif(os.environ.get("MNIST_COURSE_FAST", "1") != "1", reason="runs the lessons in fast mode")
def test_lessons_hand_each_other_the_calibrated_course_cnn(tmp_path, monkeypatch):
    outputs, hashes = run_in_order([NOTEBOOKS / f"{name}.ipynb" for name in PATH], tmp_path, monkeypatch)
    saved_by_05 = hashes["05_cnn"]
    assert saved_by_05, "lesson 05 saved no course CNN at [course folder]/models/cnn.keras"
    for name in PATH[1:]:
        text = outputs[name]
        assert "Loaded the course CNN from [course folder]/models/cnn.keras" in text, f"{name} did not load 05's model"
        assert "No saved model" not in text, f"{name} trained the course CNN again"
        assert hashes[name] == saved_by_05, f"{name} replaced the model that lesson 05 saved"
    assert "temperature" in outputs["06_your_own_handwriting"].lower()
    assert "not calibrated" not in "\n".join(outputs.values()).lower(), "lesson 05 handed on an uncalibrated model"
    from mnist_course import calibration, training

    assert calibration.temperature_of(training.load_model(tmp_path / "models" / "cnn.keras")) is not None
