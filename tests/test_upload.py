"""Tests of mnist_course.upload: ipywidgets 7 and 8 values, Colab's dict, a file path, headless use."""

import datetime
import re
import sys
import types

import pytest

from mnist_course import upload
from mnist_course.handwriting import ImageReadError


def test_ipywidgets_8_value():
    value = ({"name": "digit.png", "type": "image/png", "size": 3, "content": memoryview(b"abc"), "last_modified": datetime.datetime(2026, 1, 1)},)
    assert upload.uploaded_files(value) == [("digit.png", b"abc")]


def test_ipywidgets_7_value():
    value = {"digit.jpg": {"metadata": {"name": "digit.jpg", "type": "image/jpeg", "size": 3}, "content": b"xyz"}}
    assert upload.uploaded_files(value) == [("digit.jpg", b"xyz")]


def test_colab_files_upload_value():
    assert upload.uploaded_files({"a.png": b"123", "b.png": b"456"}) == [("a.png", b"123"), ("b.png", b"456")]


def test_empty_values():
    assert upload.uploaded_files(None) == []
    assert upload.uploaded_files(()) == []
    assert upload.uploaded_files({}) == []


def test_path(tmp_path):
    path = tmp_path / "digit.png"
    path.write_bytes(b"data")
    received = []
    assert upload.upload_image(lambda name, data: received.append((name, data)), path=path) is None
    assert received == [("digit.png", b"data")]
    with pytest.raises(ImageReadError, match="no such file"):
        upload.read_path(tmp_path / "missing.png")
    with pytest.raises(ImageReadError, match="folder"):
        upload.read_path(tmp_path)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageReadError, match="empty"):
        upload.read_path(tmp_path / "empty.png")


def _choose(button, name, kind, content, day=1):
    """Do what the browser does when a person chooses a file, in the installed ipywidgets' own form.

    ipywidgets 8 sends a tuple of dicts; ipywidgets 7 (Colab's) a dict by file name, and its ``value`` is
    read-only from Python, so the trait is set the way the widget's own front-end message sets it.
    """
    import ipywidgets

    if int(ipywidgets.__version__.split(".")[0]) >= 8:
        button.value = ({"name": name, "type": kind, "size": len(content), "content": memoryview(content),
                         "last_modified": datetime.datetime(2026, 1, day)},)
    else:
        button.set_trait("value", {name: {"metadata": {"name": name, "type": kind, "size": len(content)},
                                          "content": content}})


def test_button_calls_back_and_never_blocks():
    received = []
    box = upload.upload_image(lambda name, data: received.append((name, data)))
    button, output = box.children
    assert type(button).__name__ == "FileUpload"
    assert received == []  # nothing happens until a person chooses a file
    _choose(button, "seven.png", "image/png", b"1234")
    assert received == [("seven.png", b"1234")]


def test_button_prints_one_clear_line_per_bad_picture_instead_of_raising(capsys):
    def refuse(name, data):
        raise ValueError(f"image has no ink: is the page blank? ({len(data)} bytes)")

    box = upload.upload_button(refuse)
    button = box.children[0]
    _choose(button, "blank.png", "image/png", b"1")  # must not raise
    _choose(button, "white.jpg", "image/jpeg", b"22", day=2)  # a second bad picture: must not raise
    captured = capsys.readouterr()
    # Outside a notebook the Output area does not capture, so its lines reach stdout; clear_output
    # there writes terminal codes (erase the line), which are no part of the message.
    lines = [line for line in re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\r", "", captured.out).splitlines() if line]
    assert lines == [
        "blank.png: image has no ink: is the page blank? (1 bytes)",
        "white.jpg: image has no ink: is the page blank? (2 bytes)",
    ]
    assert "Traceback" not in captured.out + captured.err


def test_colab_uses_its_own_dialog(monkeypatch):
    files = types.SimpleNamespace(upload=lambda: {"photo.jpg": b"jpeg bytes"})
    colab = types.ModuleType("google.colab")
    colab.files = files
    google = types.ModuleType("google")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    assert upload.in_colab()
    received = []
    assert upload.upload_image(lambda name, data: received.append((name, data))) is None
    assert received == [("photo.jpg", b"jpeg bytes")]
