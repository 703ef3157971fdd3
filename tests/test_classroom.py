"""Class mode (``mnist-course class``): the server's rules, its log, and a restart after SIGKILL.

The rules are tested in this process with Starlette's test client (no network); the command itself, the
``--host`` warning and the SIGKILL restart with a real server process on 127.0.0.1. The real-browser test
is tests/test_browser_class.py and the load test tests/test_class_load.py.
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from test_browser import _free_port

from mnist_course import classroom, predlog

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SCRIPT_NICKNAME = "<script>window.pwned=1</script>"


def _needs_the_server_packages():
    from importlib.util import find_spec

    missing = [name for name in ("starlette", "uvicorn", "sse_starlette", "segno", "httpx") if not find_spec(name)]
    if missing:
        message = f"class mode needs {', '.join(missing)} (pip install 'mnist-course[present]')"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def class_model_path(tmp_path_factory, trained_model_path):
    """The briefly trained course CNN with its ONNX copy, in a folder of its own."""
    from mnist_course import onnx_model, training

    _needs_the_server_packages()
    folder = tmp_path_factory.mktemp("class-model")
    path = folder / "cnn.keras"
    shutil.copy(trained_model_path, path)
    onnx_model.export(training.load_model(path), path)
    return path


@pytest.fixture(scope="module")
def ink_digits(mnist):
    """Twenty real MNIST test digits as the pad sends them: 112 x 112, 255 = ink; and their labels."""
    from PIL import Image

    _, (images, labels) = mnist
    inks = [np.asarray(Image.fromarray(image).resize((112, 112), Image.Resampling.BILINEAR)) for image in images[:20]]
    return inks, [int(label) for label in labels[:20]]


def _drawing(code, student, key, ink, label):
    """What a phone sends (``classroom.drawing_request``), with the key first as the tests name it."""
    return classroom.drawing_request(code, student, ink, label, key=key)


@pytest.fixture
def room(class_model_path, tmp_path):
    """A new class with its own log and state file; yields (classroom, test client)."""
    from starlette.testclient import TestClient

    from mnist_course import onnx_model

    model = onnx_model.load(class_model_path)
    log = predlog.open_log(tmp_path / "predictions.sqlite")
    the_class = classroom.Classroom(model, log, tmp_path / "class" / "class.json", model_path=class_model_path)
    with TestClient(classroom.make_app(the_class, join_url="http://127.0.0.1:8867/join?code=X")) as client:
        yield the_class, client
    log.close()


def _join(client, the_class, nickname="Mina"):
    response = client.post("/api/join", json={"code": the_class.state.code, "nickname": nickname})
    assert response.status_code == 200, response.text
    return response.json()["student"]


def test_a_join_needs_the_code_and_keeps_the_nickname_as_typed(room):
    the_class, client = room
    for code, words in ((None, "the join code is missing"), ("AAAAAA", "wrong join code")):
        response = client.post("/api/join", json={"code": code, "nickname": "x"})
        assert response.status_code == 403 and response.json()["error"].startswith(words)
    assert the_class.state.students == {}
    # Lower case and spaces around the code are fine: phones capitalise or not.
    response = client.post("/api/join", json={"code": f" {the_class.state.code.lower()} ", "nickname": SCRIPT_NICKNAME})
    assert response.status_code == 200
    assert response.json()["nickname"] == SCRIPT_NICKNAME  # kept as text; pages show it with textContent
    assert len(classroom.clean_nickname("x" * 100)) == classroom.MAX_NICKNAME
    assert classroom.clean_nickname("  Mi\nna\x00 ") == "Mi na"
    # The same phone joining again keeps its id (the page keeps it): one student, not two.
    student = response.json()["student"]
    again = client.post("/api/join", json={"code": the_class.state.code, "nickname": "Mina", "student": student})
    assert again.json()["student"] == student and len(the_class.state.students) == 1


def test_a_drawing_is_answered_and_logged_once_with_its_round(room, ink_digits):
    the_class, client = room
    inks, labels = ink_digits
    student = _join(client, the_class, SCRIPT_NICKNAME)
    response = client.post("/api/drawing", json=_drawing(the_class.state.code, student, "drawing-0001", inks[0], labels[0]))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["label"] == labels[0] and answer["round"] == 1 and len(answer["model_input"]) == 28 * 28
    assert answer["digit"] == int(np.argmax(answer["probabilities"]))
    rows = the_class.log.rows(source="class")
    assert len(rows) == 1
    row = rows[0]
    notes = json.loads(row["notes"])
    assert (row["true_label"], row["digit"], notes["round"], notes["key"]) == (labels[0], answer["digit"], 1, "drawing-0001")
    assert notes["nickname"] == SCRIPT_NICKNAME and notes["class"] == the_class.state.class_id
    assert row["model_name"] == "cnn.keras" and row["model_id"]  # the .keras file's SHA-256, as other tools log
    # The image in the log is what the page shows as "what the model saw".
    seen = np.round(predlog.png_to_image(row["image_png"]) * 255).astype(int).ravel().tolist()
    assert seen == answer["model_input"]

    # The same request again (a phone that lost the answer and sends again): a clear 409, the first answer, no new row.
    again = client.post("/api/drawing", json=_drawing(the_class.state.code, student, "drawing-0001", inks[0], labels[0]))
    assert again.status_code == 409 and "already sent" in again.json()["error"]
    assert again.json()["result"]["id"] == answer["id"]
    # The same key with another drawing: refused, nothing logged.
    other = client.post("/api/drawing", json=_drawing(the_class.state.code, student, "drawing-0001", inks[1], labels[1]))
    assert other.status_code == 409 and "another drawing" in other.json()["error"]
    assert the_class.log.count("class") == 1


def test_bad_requests_get_a_clear_json_error_and_nothing_is_logged(room, ink_digits):
    the_class, client = room
    inks, labels = ink_digits
    code = the_class.state.code
    student = _join(client, the_class)
    good = _drawing(code, student, "drawing-0002", inks[0], labels[0])
    cases = [
        ({**good, "code": "WRONG1"}, 403, "wrong join code"),
        ({**good, "student": "nobody-joined-this-id"}, 403, "join the class first"),
        ({**good, "key": "no spaces allowed"}, 400, "valid key"),
        ({**good, "label": 10}, 400, "choose the digit"),
        ({**good, "label": None}, 400, "choose the digit"),
        ({**good, "ink": "not base64 at all!"}, 400, "not base64"),
        ({**good, "ink": base64.b64encode(b"\x00" * 100).decode()}, 400, "100 bytes for 112 x 112"),
        ({**good, "width": 100000, "height": 100000}, 413, "8 to 512 pixels"),
        ({**good, "width": "wide"}, 400, "whole numbers"),
        (_drawing(code, student, "drawing-0003", np.zeros((112, 112), np.uint8), 3), 400, "empty"),
    ]
    for payload, status, words in cases:
        response = client.post("/api/drawing", json=payload)
        assert response.status_code == status and words in response.json()["error"], (payload.get("key"), response.text)
        assert response.headers["content-type"].startswith("application/json")
    for body, status, words in ((b"{not json", 400, "not JSON"), (b"[1, 2]", 400, "JSON object"),
                                (b"x" * (classroom.MAX_BODY_BYTES + 1), 413, "too big")):  # fmt: skip
        response = client.post("/api/drawing", content=body, headers={"content-type": "application/json"})
        assert response.status_code == status and words in response.json()["error"]

    # A body with no Content-Length (sent in chunks) is cut off at the limit too.
    def chunks():
        for _ in range(40):
            yield b"x" * 4096

    response = client.post("/api/drawing", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert the_class.log.count("class") == 0


def test_each_student_has_a_rate_limit(room, ink_digits):
    the_class, client = room
    inks, labels = ink_digits
    student, other = _join(client, the_class, "fast"), _join(client, the_class, "calm")
    statuses = [client.post("/api/drawing", json=_drawing(the_class.state.code, student, f"burst-{n:04d}", inks[n],
                                                          labels[n])).status_code for n in range(8)]  # fmt: skip
    assert statuses[: classroom.DRAWING_BURST] == [200] * classroom.DRAWING_BURST
    assert statuses[classroom.DRAWING_BURST:] == [429] * (8 - classroom.DRAWING_BURST)
    refused = client.post("/api/drawing", json=_drawing(the_class.state.code, student, "burst-0099", inks[9], labels[9]))
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1 and "wait" in refused.json()["error"]
    # Another student is not held back by the first one.
    assert client.post("/api/drawing", json=_drawing(the_class.state.code, other, "calm-0001", inks[0], labels[0])).status_code == 200
    assert the_class.log.count("class") == classroom.DRAWING_BURST + 1
    # The bucket refills: 30 a minute is one every 2 s.
    limit = classroom.RateLimit(per_minute=30, burst=1)
    assert limit.allow("a", now=0.0) == 0.0 and limit.allow("a", now=1.0) > 0 and limit.allow("a", now=3.1) == 0.0


def test_the_instructor_pages_need_the_token(room):
    the_class, client = room
    token = the_class.state.token
    for path in ("/teacher", "/api/teacher/info", "/api/teacher/events", "/api/teacher/drawings.csv"):
        for query, words in (("", "token is missing"), ("?token=wrong", "wrong instructor token")):
            response = client.get(path + query)
            assert response.status_code == 401 and words in response.json()["error"], path
    assert client.post("/api/teacher/round").status_code == 401
    assert the_class.state.round == 1
    page = client.get(f"/teacher?token={token}")
    assert page.status_code == 200 and "teacher.js" in page.text
    info = client.get("/api/teacher/info", headers={"Authorization": f"Bearer {token}"}).json()
    assert info["code"] == the_class.state.code and info["join_url"].startswith("http://127.0.0.1:8867/join")
    assert info["qr"].startswith("data:image/svg+xml") and info["runtime"] == "ONNX Runtime"


def test_a_new_round_and_the_csv(room, ink_digits):
    the_class, client = room
    inks, labels = ink_digits
    token = the_class.state.token
    student = _join(client, the_class, "=HYPERLINK(1)")
    client.post("/api/drawing", json=_drawing(the_class.state.code, student, "round1-0001", inks[0], labels[0]))
    assert client.get(f"/api/teacher/round?token={token}").status_code == 405  # a link cannot start a round
    assert client.post(f"/api/teacher/round?token={token}").json() == {"round": 2}
    answer = client.post("/api/drawing", json=_drawing(the_class.state.code, student, "round2-0001", inks[1], labels[1])).json()
    assert answer["round"] == 2
    assert [drawing["round"] for drawing in the_class.snapshot()["drawings"]] == [2]
    assert json.loads(the_class.log.rows(source="class")[0]["notes"])["round"] == 2
    csv_text = client.get(f"/api/teacher/drawings.csv?token={token}").text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("log_id,time,round,nickname,label,digit") and len(lines) == 3
    assert "'=HYPERLINK(1)" in lines[1]  # a nickname never becomes a spreadsheet formula


def test_pages_load_nothing_from_elsewhere_and_run_no_inline_script(room):
    _the_class, client = room
    page = client.get("/join")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    for file in sorted((classroom.STATIC / "class").iterdir()) + [classroom.STATIC / "drawing_pad.js"]:
        text = file.read_text()
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), f"{file.name} loads something from elsewhere"
        assert "@import" not in text and "url(http" not in text
        if file.suffix == ".html":
            assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text) == [], f"inline script in {file.name}"
    for name in ("drawing_pad.js", "join.js", "teacher.js", "class.css", "drawing_pad.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and response.text
    assert client.get("/static/../classroom.py").status_code == 404
    assert client.get("/nothing-here").json() == {"error": "no such page"}


def test_a_class_goes_on_after_a_restart_and_new_starts_another(class_model_path, tmp_path, ink_digits):
    from mnist_course import onnx_model

    inks, labels = ink_digits
    model = onnx_model.load(class_model_path)
    state_path = tmp_path / "class" / "class.json"
    with predlog.open_log(tmp_path / "log.sqlite") as log:
        first = classroom.Classroom(model, log, state_path)
        student = first.join("Joon")["student"]
        first.submit(_drawing(first.state.code, student, "before-0001", inks[0], labels[0]))
        first.new_round()
        again = classroom.Classroom(model, log, state_path)
        assert again.resumed and (again.state.code, again.state.token, again.state.round) == (first.state.code, first.state.token, 2)
        assert [drawing["key"] for drawing in again.drawings] == ["before-0001"]
        assert again.submit(_drawing(first.state.code, student, "before-0001", inks[0], labels[0]))[1] is False
        other = classroom.Classroom(model, log, state_path, new=True)
        assert not other.resumed and other.state.code != first.state.code and other.drawings == []
    state_path.write_text("{broken")
    with predlog.open_log(tmp_path / "log.sqlite") as log, pytest.raises(ValueError, match="not a class file"):
        classroom.Classroom(model, log, state_path)


# ------------------------------------------------------------------------------------------------
# The command, as a real server process
# ------------------------------------------------------------------------------------------------


def _start(model_path, home, port, *extra):
    """Start ``mnist-course class``; returns (process, the lines it printed up to "Ctrl+C")."""
    environment = dict(os.environ, MNIST_COURSE_HOME=str(home), TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "mnist_course.cli", "class", "--port", str(port), "--model", str(model_path), *extra]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, cwd=REPO)  # fmt: skip
    lines = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl+C"):
            _wait_until_it_answers(port)
            return process, lines
    process.kill()
    pytest.fail("`mnist-course class` did not start:\n" + "\n".join(lines))


def _wait_until_it_answers(port):
    import httpx

    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json() == {"ok": True}:
                return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _parse(lines):
    text = "\n".join(lines)
    return re.search(r"Join code: (\w+)", text).group(1), re.search(r"teacher\?token=(\S+)", text).group(1)


def _first_event(client, token):
    with client.stream("GET", "/api/teacher/events", params={"token": token}, timeout=10) as stream:
        event = None
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "snapshot":
                return json.loads(line.split(":", 1)[1])
    raise AssertionError("no snapshot event")


def test_a_server_killed_mid_round_keeps_every_answered_drawing(class_model_path, tmp_path, ink_digits):
    import httpx

    inks, labels = ink_digits
    home = tmp_path / "home"
    port = _free_port()
    process, lines = _start(class_model_path, home, port, "--new")
    try:
        code, token = _parse(lines)
        assert f"Students open:   http://127.0.0.1:{port}/join" in "\n".join(lines)
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        students = [client.post("/api/join", json={"code": code, "nickname": f"s{n}"}).json()["student"] for n in range(3)]
        answered = []
        for number in range(9):
            if number == 4:
                assert client.post("/api/teacher/round", params={"token": token}).json() == {"round": 2}
            key = f"kill-test-{number:04d}"
            response = client.post("/api/drawing", json=_drawing(code, students[number % 3], key, inks[number], labels[number]))
            assert response.status_code == 200, response.text
            answered.append((key, response.json()))
        # Light runtime: the server predicts with ONNX Runtime and never loaded TensorFlow.
        maps = Path(f"/proc/{process.pid}/maps")
        if maps.exists():
            assert "libtensorflow" not in maps.read_text()
        os.killpg(process.pid, signal.SIGKILL)  # no chance to tidy up
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()

    process, lines = _start(class_model_path, home, port)
    try:
        assert _parse(lines) == (code, token)  # the phones keep working: same code, same token
        assert lines[0].startswith("Going on with the class") and "round 2, 3 joined, 9 drawings" in lines[0]
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        snapshot = _first_event(client, token)
        assert snapshot["round"] == 2 and snapshot["joined"] == 3
        assert [drawing["id"] for drawing in snapshot["drawings"]] == [answer["id"] for _, answer in answered[4:]]
        # A phone that never got its answer sends again: 409 with the answer it missed, nothing logged twice.
        key, answer = answered[-1]
        replay = client.post("/api/drawing", json=_drawing(code, students[8 % 3], key, inks[8], labels[8]))
        assert replay.status_code == 409 and replay.json()["result"]["digit"] == answer["digit"]
        new = client.post("/api/drawing", json=_drawing(code, students[0], "after-restart", inks[10], labels[10]))
        assert new.status_code == 200 and new.json()["round"] == 2
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=20)[0]
    assert process.returncode == 0 and "Stopped." in output
    with predlog.open_log(home / "predictions.sqlite") as log:
        keys = [json.loads(row["notes"])["key"] for row in log.rows(source="class", newest_first=False)]
        assert log.integrity() == "ok"
    assert keys == [key for key, _ in answered] + ["after-restart"]  # each once, in order
    # `mnist-course log` reads a class's drawings as they are.
    shown = subprocess.run([sys.executable, "-m", "mnist_course.cli", "log", "--source", "class", "-n", "3"],
                           env=dict(os.environ, MNIST_COURSE_HOME=str(home)), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert shown.returncode == 0 and shown.stdout.count("class") >= 3, shown.stdout + shown.stderr


def test_every_network_is_said_aloud_and_a_busy_port_is_one_line(class_model_path, tmp_path):
    port = _free_port()
    process, lines = _start(class_model_path, tmp_path / "home", port, "--host", "0.0.0.0", "--new")
    try:
        text = "\n".join(lines)
        assert "Warning: listening on every network" in text
        assert re.search(rf"Students open:   http://[\d.]+:{port}/join", text)
        busy = subprocess.run([sys.executable, "-m", "mnist_course.cli", "class", "--port", str(port), "--host", "0.0.0.0",
                               "--model", str(class_model_path)], capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, MNIST_COURSE_HOME=str(tmp_path / "home2")))  # fmt: skip
        assert busy.returncode != 0 and busy.stderr.count("\n") == 1 and "cannot listen" in busy.stderr
        assert "Traceback" not in busy.stderr
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
