"""The Tkinter app of `mnist-course draw` in a real X window: Xvfb, drawn with xdotool's pointer.

Needs Debian's `xvfb` and `xdotool` and Python's tkinter. Skips without them locally; fails
without them when CI=true. The no-display message is tested everywhere.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _require_x():
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    try:
        import tkinter  # noqa: F401
    except ImportError:
        missing.append("tkinter (python3-tk)")
    if missing:
        message = (
            "desktop test needs " + ", ".join(missing)
            + " (Debian/Ubuntu: apt-get install xvfb xdotool python3-tk; a Python built without Tk has no tkinter)"
        )
        if IN_CI:
            pytest.fail(message + " (CI=true: the real desktop test must run in CI)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def display():
    """A private Xvfb server; Xvfb picks a free display number itself (-displayfd)."""
    _require_x()
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_end)
    number = b""
    deadline = time.monotonic() + 20
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        chunk = os.read(read_end, 16)
        if not chunk:
            break
        number += chunk
    os.close(read_end)
    if not number.strip():
        server.kill()
        pytest.fail("Xvfb did not start")
    yield ":" + number.decode().strip()
    server.terminate()
    server.wait(timeout=10)


def _events(report: Path) -> list[dict]:
    if not report.exists():
        return []
    return [json.loads(line) for line in report.read_text().splitlines() if line.strip()]


def _wait_for(report: Path, kind: str, count: int, process, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [event for event in _events(report) if event["event"] == kind]
        if len(found) >= count:
            return found[count - 1]
        if process.poll() is not None:
            pytest.fail(f"the app stopped (exit {process.returncode}): {process.stdout.read()}")
        time.sleep(0.1)
    pytest.fail(f"no {kind!r} event from the app within {timeout} s")


def _xdotool(display, *arguments):
    subprocess.run(["xdotool", *map(str, arguments)], env=dict(os.environ, DISPLAY=display), check=True, timeout=30)


def test_draw_app_predicts_a_digit_drawn_with_the_pointer(display, trained_model_path, tmp_path):
    report = tmp_path / "events.jsonl"
    environment = dict(os.environ, DISPLAY=display, MNIST_COURSE_HOME=str(tmp_path / "home"), TF_CPP_MIN_LOG_LEVEL="3")
    app = subprocess.Popen(
        [sys.executable, "-m", "mnist_course.cli", "draw", "--model", str(trained_model_path), "--report", str(report)],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        ready = _wait_for(report, "ready", 1, app, timeout=120)
        left, top, width, height = ready["canvas"]
        assert (width, height) == (280 + 2 * ready["border"],) * 2

        # An empty canvas: Predict says "draw a digit" instead of predicting.
        _xdotool(display, "mousemove", *ready["buttons"]["predict"], "click", 1)
        assert _wait_for(report, "prediction", 1, app, timeout=30)["prediction"] is None

        # A 7 drawn with the pointer: top bar, then the long diagonal.
        def at(x, y):
            return left + ready["border"] + round(x * 280), top + ready["border"] + round(y * 280)

        _xdotool(display, "mousemove", *at(0.25, 0.2), "mousedown", 1)
        for step in range(1, 11):
            _xdotool(display, "mousemove", *at(0.25 + 0.05 * step, 0.2))
        for step in range(1, 14):
            _xdotool(display, "mousemove", *at(0.75 - 0.3 * step / 13, 0.2 + 0.65 * step / 13))
        _xdotool(display, "mouseup", 1)
        _xdotool(display, "mousemove", *ready["buttons"]["predict"], "click", 1)
        result = _wait_for(report, "prediction", 2, app, timeout=30)
        assert result["strokes"] == 1
        assert abs(sum(result["probabilities"]) - 1) < 1e-2
        assert result["prediction"] == max(range(10), key=lambda digit: result["probabilities"][digit])
        assert result["prediction"] == 7, f"a clear 7 was read as {result['prediction']}"
        # The window shows it: its title names the digit.
        found = subprocess.run(["xdotool", "search", "--name", f"MNIST drawing pad: {result['prediction']}"],
                               env=dict(os.environ, DISPLAY=display), capture_output=True, text=True)  # fmt: skip
        assert found.stdout.strip(), "the window title does not show the prediction"
        try:
            from PIL import ImageGrab

            ARTIFACTS.mkdir(exist_ok=True)
            x, y, window_width, window_height = ready["window"]
            screen = ImageGrab.grab(xdisplay=display)
            screen.crop((x, y, x + window_width, y + window_height)).save(ARTIFACTS / "desktop_app.png")
        except OSError:  # Pillow built without X support: the screenshot is a bonus
            pass
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def test_app_buttons_in_process(display, trained_model_path, tmp_path, monkeypatch):
    """Undo, Clear and Save on the app object itself (the label box has no pointer-friendly test path)."""
    import tkinter as tk

    from mnist_course import desktop, training

    monkeypatch.setenv("DISPLAY", display)
    root = tk.Tk()
    try:
        report = tmp_path / "events.jsonl"
        app = desktop.DrawingApp(root, training.load_model(trained_model_path), save_folder=tmp_path / "mine",
                                 report=report)  # fmt: skip
        assert app.save() is None and "Draw a digit first" in app.status.cget("text")
        app.strokes = [[(70, 56), (210, 56)], [(210, 56), (126, 238)]]
        reading = app.predict()
        assert reading.prediction == 7
        assert app.digit_label.cget("text") == "7"
        assert app.save() is None  # no label chosen yet
        app.label_choice.set("7")
        path = app.save()
        assert path.parent == tmp_path / "mine" / "7" and path.is_file()
        app.undo()
        assert len(app.strokes) == 1 and app.digit_label.cget("text") == "?"
        app.clear()
        assert app.strokes == [] and app.predict().blank
        kinds = [json.loads(line)["event"] for line in report.read_text().splitlines()]
        assert kinds == ["prediction", "saved", "prediction"]
    finally:
        root.destroy()


def test_draw_without_a_display_says_so():
    environment = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([sys.executable, "-m", "mnist_course.cli", "draw"], env=environment,
                            capture_output=True, text=True, timeout=60, cwd=REPO)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no display" in result.stderr
    assert "Traceback" not in result.stderr
