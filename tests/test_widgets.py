"""The drawing pad's Python side: strokes to pixels, the message handler, Save, and the shipped JavaScript.

The browser itself is tested in test_browser.py; here the pad gets the same messages the page sends.
"""

import json
import re
from types import SimpleNamespace

import numpy as np
import pytest

from mnist_course import cli, handwriting, widgets

SEVEN = [[(70, 56), (210, 56), (126, 238)]]
TALL_ONE = [[(142, 12), (138, 268)]]  # crosses 90% of the pad: must not vanish as a "ruled line"


@pytest.fixture(scope="module")
def model(trained_model_path):
    from mnist_course import training

    return training.load_model(trained_model_path)


def _drawing_message(ink, message_id=1):
    """What drawing_pad.js sends after a stroke: content plus one buffer of grayscale bytes."""
    height, width = ink.shape
    content = {"type": "drawing", "id": message_id, "width": width, "height": height, "strokes": 1}
    return content, [memoryview(np.ascontiguousarray(ink, dtype=np.uint8).tobytes())]


def test_pad_ink_image_makes_light_ink_on_black():
    ink = widgets.pad_ink_image(SEVEN)
    assert ink.shape == (widgets.INK_SIZE, widgets.INK_SIZE) and ink.dtype == np.uint8
    assert ink.max() == 255 and ink[0, 0] == 0 and ink[-1, -1] == 0
    assert widgets.pad_ink_image([]).max() == 0
    dot = widgets.pad_ink_image([[(140, 140)]], brush_size=20)
    assert dot[56, 56] == 255 and (dot > 128).sum() < 80  # one round dot of about 8 px across


def test_read_drawing_blank_and_digits(model):
    blank = widgets.read_drawing(np.zeros((112, 112), np.uint8), model)
    assert blank.blank and blank.prediction is None and blank.describe() == "draw a digit"
    seven = widgets.read_drawing(widgets.pad_ink_image(SEVEN), model)
    assert seven.image.shape == (28, 28) and seven.image.dtype == np.float32
    assert seven.probabilities.shape == (10,) and abs(float(seven.probabilities.sum()) - 1) < 1e-4
    assert seven.prediction == 7
    assert seven.describe().startswith("7 (")
    one = widgets.read_drawing(widgets.pad_ink_image(TALL_ONE), model)
    assert not one.blank and one.prediction == 1


def test_pad_gives_the_mean_of_predict_proba_on_both_views(model):
    from mnist_course import models

    reading = widgets.read_drawing(widgets.pad_ink_image(SEVEN), model)
    both = models.predict_proba(model, reading.preprocessed.views)
    assert both.shape == (2, 10)
    np.testing.assert_allclose(reading.probabilities, both.mean(axis=0), atol=1e-5)


def test_pad_handles_the_page_messages(model, course_home):
    pad = widgets.DrawingPad(model=model)
    assert pad.message == "draw a digit" and pad.prediction == -1
    pad._on_message(pad, *_drawing_message(widgets.pad_ink_image(SEVEN), message_id=5))
    assert pad.prediction == 7 and pad.result_id == 5
    assert len(pad.probabilities) == 10 and abs(sum(pad.probabilities) - 1) < 1e-3
    assert len(pad.model_input) == 784 and max(pad.model_input) == 255
    assert pad.drawing.shape == (112, 112)

    pad._on_message(pad, {"type": "save", "label": 7}, [])
    saved = list((course_home / "my_digits" / "7").glob("7_*.png"))
    assert len(saved) == 1 and pad.status.startswith("Saved as 7")
    # Lesson 06's preprocessing reads the saved file (dark ink on white) like the pad's drawing.
    again = handwriting.to_mnist(saved[0])
    assert np.abs(again - widgets.read_drawing(pad.drawing).image).mean() < 0.05

    pad._on_message(pad, {"type": "clear", "id": 6}, [])
    assert pad.prediction == -1 and pad.message == "draw a digit" and pad.model_input == []
    assert pad.result_id == 6 and pad.drawing is None
    pad._on_message(pad, {"type": "save", "label": 3}, [])
    assert "draw a digit first" in pad.status


def test_pad_without_a_model_shows_the_image_only(model):
    pad = widgets.DrawingPad()
    assert "no model" in pad.message
    reading = pad.classify(widgets.pad_ink_image(SEVEN))
    assert reading.prediction is None and pad.prediction == -1 and len(pad.model_input) == 784
    pad.model = model  # attaching a model reads the current drawing at once
    assert pad.prediction == 7


def test_save_drawing_checks_its_input(tmp_path):
    ink = widgets.pad_ink_image(SEVEN)
    with pytest.raises(ValueError, match="0-9"):
        widgets.save_drawing(ink, 10, tmp_path)
    with pytest.raises(ValueError, match="0-9"):
        widgets.save_drawing(ink, "seven", tmp_path)
    with pytest.raises(ValueError, match="empty"):
        widgets.save_drawing(np.zeros((112, 112), np.uint8), 7, tmp_path)
    first = widgets.save_drawing(ink, 7, tmp_path)
    second = widgets.save_drawing(ink, "7", tmp_path)
    assert first != second and first.parent == second.parent == tmp_path / "7"


def test_javascript_ships_and_uses_only_the_portable_widget_api():
    script = widgets.STATIC / "drawing_pad.js"
    assert script.is_file() and (widgets.STATIC / "drawing_pad.css").is_file()
    text = script.read_text()
    assert "export default { render }" in text
    # The anywidget model API that also works with ipywidgets 7.7.1 (Colab).
    used = set(re.findall(r"\bmodel\.(\w+)\(", text))
    assert used <= {"get", "set", "save_changes", "on", "off", "send"}, used
    for event in ("pointerdown", "pointermove", "pointerup", "pointercancel"):
        assert f'"{event}"' in text
    # Every trait the script reads is a synced trait of the widget.
    synced = set(widgets.DrawingPad().trait_names(sync=True))
    assert set(re.findall(r'model\.get\("(\w+)"\)', text)) <= synced


def test_serve_page_and_arguments(tmp_path, capsys):
    notebook = json.loads(widgets.PAD_NOTEBOOK.read_text())
    code = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    assert "classroom_pad()" in code
    args = cli._build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    missing = cli.main(["serve", "--model", str(tmp_path / "nothing.keras")])
    assert missing == 2 and "model file not found" in capsys.readouterr().err


def test_classroom_pad_uses_the_model_from_the_environment(trained_model_path, monkeypatch):
    monkeypatch.setenv(widgets.PAD_MODEL_VARIABLE, str(trained_model_path))
    pad = widgets.classroom_pad()
    assert pad.model is not None and pad.size == 420
    assert pad.classify(widgets.pad_ink_image(SEVEN)).prediction == 7


def test_serve_without_voila_says_what_to_install(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *rest: None if name == "voila" else real(name, *rest))
    from mnist_course.commands import serve

    args = SimpleNamespace(host="127.0.0.1", port=8866, model=None)
    assert serve.run(args) == 2
    assert "pip install" in capsys.readouterr().err


def test_serve_with_a_busy_port_says_so(capsys, trained_model_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["serve", "--port", str(port), "--model", str(trained_model_path)]) == 2
    error = capsys.readouterr().err
    assert f"port {port}" in error and "--port" in error
