"""Screenshots of class mode from a real run: the instructor's board and a student's phone, for lesson 07.

Starts `mnist-course class --new` with a temporary course home (your own is never touched), lets a class
of simulated students join and send real MNIST test digits through the server's API (each 28x28 digit
enlarged to 112x112 ink, as the pad sends it; the label is the true digit), a few of them digits the model
gets wrong so that the board shows mistakes, and one student who draws a 7 with touch events on a phone
page in Chromium. Then it saves, as small palette PNGs:

- assets/screenshots/class_teacher.png: the instructor's page (1280 wide, the whole page);
- assets/screenshots/class_student.png: the phone's screen after sending.

    python tools/screenshot_class.py --model ~/mnist-course/models/cnn.keras

Needs: `apt-get install chromium`, the test extra (playwright) and the present extra (the class server).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
# The browser settings, the 7 and the finger of the class browser test: the screenshot draws as the test does.
sys.path.insert(0, str(REPO / "tests"))
from test_browser import CHROMIUM, CHROMIUM_ARGS, SEVEN  # noqa: E402
from test_browser_class import _touch_draw as touch_draw  # noqa: E402

WIDTH, HEIGHT = 1280, 800  # a projector
PHONE = "Pixel 7"
NICKNAMES = [
    "Mina", "Joon", "Aiko", "Lars", "Priya", "Tomás", "Chloé", "Omar", "Zanele", "Ivan", "Mei", "Kofi",
    "Sofia", "Ravi", "Ines", "Emil", "Yara", "Noah", "Hana", "Diego", "Leila", "Finn", "Ada", "Kenji",
]  # fmt: skip
PHONE_NICKNAME = "Sam"
MAX_PNG_BYTES = 300_000


def default_model() -> Path:
    """The course model (`mnist-course train`), else the one the class-mode helpers keep in /tmp/cls."""
    home = Path(os.environ.get("MNIST_COURSE_HOME") or Path.home() / "mnist-course").expanduser()
    course_model = home / "models" / "cnn.keras"
    return course_model if course_model.is_file() else Path("/tmp/cls/cnn.keras")


def post(base: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def as_ink(image: np.ndarray) -> str:
    """A 28x28 MNIST digit as the pad sends a drawing: 112x112 bytes, 255 = ink, base64."""
    big = Image.fromarray(image.astype(np.uint8)).resize((112, 112), Image.Resampling.BILINEAR)
    return base64.b64encode(np.asarray(big, dtype=np.uint8).tobytes()).decode("ascii")


def pick_digits(model_path: Path, count: int, wrong: int, seed: int):
    """``count`` test digits (index, image, label): ``wrong`` of them ones the model misreads as drawings.

    The model reads each digit exactly as the server does (``drawings.read_drawing`` on the 112x112 ink,
    with the ONNX copy), so the mistakes chosen here are mistakes on the board.
    """
    from mnist_course import data, drawings, onnx_model

    _, (x_test, y_test) = data.load_mnist(allow_download=False)
    model = onnx_model.load_for_prediction(model_path)
    order = np.random.default_rng(seed).permutation(len(x_test))
    easy, hard = [], []
    for index in order:
        if len(easy) >= count - wrong and len(hard) >= wrong:
            break
        ink = np.asarray(Image.fromarray(x_test[index]).resize((112, 112), Image.Resampling.BILINEAR))
        reading = drawings.read_drawing(ink, model)
        if reading.prediction is None:
            continue
        mistaken = int(reading.prediction) != int(y_test[index])
        if mistaken and len(hard) < wrong:
            hard.append(index)
        elif not mistaken and len(easy) < count - wrong:
            easy.append(index)
    chosen = easy + hard
    np.random.default_rng(seed + 1).shuffle(chosen)
    return [(int(index), x_test[index], int(y_test[index])) for index in chosen]


def start_server(model: Path, home: Path, log_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = dict(os.environ, MNIST_COURSE_HOME=str(home), TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, "-m", "mnist_course.cli", "class", "--new", "--port", str(port), "--model", str(model)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, cwd=REPO)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the class server stopped:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                stop(process)
                raise SystemExit(f"the class server did not start:\n{log_path.read_text()}") from None
            time.sleep(0.3)
    printed = log_path.read_text()
    code = re.search(r"Join code: ([A-Z0-9]+)", printed).group(1)
    teacher = re.search(r"Instructor page: (\S+)", printed).group(1)
    return process, base, code, teacher


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)


def save_small(png: bytes, target: Path, colors: int = 128) -> int:
    """Save a screenshot as a palette PNG (much smaller, the same to the eye). Returns its size in bytes."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        target, optimize=True
    )
    return target.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="the .keras model (default: the course model)")
    parser.add_argument("--out", type=Path, default=REPO / "assets" / "screenshots")
    parser.add_argument("--students", type=int, default=len(NICKNAMES), help="simulated students (at most 24)")
    parser.add_argument("--drawings", type=int, default=60, help="drawings the simulated students send in all")
    parser.add_argument("--mistakes", type=int, default=5, help="of them, digits the model gets wrong")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    model = (args.model or default_model()).expanduser()
    if not model.is_file():
        parser.error(f"no model at {model}: give one with --model")
    students = min(args.students, len(NICKNAMES))
    args.out.mkdir(parents=True, exist_ok=True)
    digits = pick_digits(model, args.drawings, args.mistakes, args.seed)

    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory(prefix="class-screenshot-") as folder:
        process, base, code, teacher_url = start_server(model, Path(folder) / "home", Path(folder) / "server.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                teacher = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                teacher.goto(teacher_url)
                teacher.wait_for_selector("#connection[data-state=live]")

                # The simulated class: join, then send their digits (a few each, in turns).
                ids = []
                for nickname in NICKNAMES[:students]:
                    status, joined = post(base, "/api/join", {"code": code, "nickname": nickname})
                    assert status == 200, joined
                    ids.append(joined["student"])
                wrong = 0
                for number, (index, image, label) in enumerate(digits):
                    body = {"code": code, "student": ids[number % students], "key": f"mnist-test-{index}",
                            "label": label, "width": 112, "height": 112, "ink": as_ink(image)}  # fmt: skip
                    status, answer = post(base, "/api/drawing", body)
                    assert status == 200, answer
                    wrong += answer["digit"] != label

                # One student on a phone draws a 7 with a finger.
                phone = browser.new_context(**dict(playwright.devices[PHONE], device_scale_factor=2))
                student = phone.new_page()
                student.goto(f"{base}/join?code={code}")
                student.locator("#nickname").fill(PHONE_NICKNAME)
                student.locator("#join").tap()
                student.wait_for_selector(".mnist-pad[data-ready=true]")
                touch_draw(student, SEVEN)
                student.select_option("select.mnist-pad-label", "7")
                student.locator("button.mnist-pad-button:text-is('Send')").tap()
                expect(student.locator("#sent")).to_have_text(re.compile(r"^Sent"))
                said = student.locator(".mnist-pad-digit").inner_text()
                total = len(digits) + 1
                expect(teacher.locator("body")).to_have_attribute("data-drawings", str(total))
                student.evaluate("window.scrollTo(0, 0)")
                time.sleep(0.3)  # the last frame of the board and the phone

                target = args.out / "class_teacher.png"
                size = save_small(teacher.screenshot(full_page=True, animations="disabled"), target)
                if size > MAX_PNG_BYTES:  # too big for the lesson: the projector's first screen only
                    size = save_small(teacher.screenshot(animations="disabled"), target)
                print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}: {size // 1024} KB")
                target = args.out / "class_student.png"
                size = save_small(student.screenshot(animations="disabled"), target)
                print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}: {size // 1024} KB")
                print(f"{students + 1} students, {total} drawings, {wrong} simulated mistakes, "
                      f"the phone's 7 read as {said}")  # fmt: skip
                browser.close()
        finally:
            stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
