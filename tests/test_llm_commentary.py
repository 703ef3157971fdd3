"""The report's optional commentary, against a real OpenAI-compatible HTTP server started on 127.0.0.1.

The server (``http.server`` in a thread) speaks ``POST /v1/chat/completions`` and can answer well, slowly,
with HTTP 500, with broken JSON or with JSON that is no chat reply. The report must hold a good answer
(escaped, in its own section) and, for every failure, still be written with one line saying why.
"""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from mnist_course import predlog, report

ANSWER = "Your 1s lean a lot. <script>alert('x')</script> Try drawing them upright & slowly."


class ChatServer:
    """A tiny OpenAI-compatible chat server; ``mode`` chooses how it answers, ``requests`` keeps what it got."""

    def __init__(self):
        self.mode = "ok"
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "body": json.loads(body),
                                        "authorization": self.headers.get("Authorization")})  # fmt: skip
                if server.mode == "slow":
                    time.sleep(4)
                if server.mode == "500":
                    self._send(500, b'{"error": {"message": "the model crashed"}}')
                elif server.mode == "garbage":
                    self._send(200, b'{"choices": [{"message": {"content": "half an answ')
                elif server.mode == "not a chat reply":
                    self._send(200, b'{"hello": "world"}')
                else:
                    reply = {
                        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "tiny",
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": ANSWER}}],
                    }  # fmt: skip
                    self._send(200, json.dumps(reply).encode())

            def _send(self, status, payload):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def chat_server():
    server = ChatServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def model(trained_model_path):
    from mnist_course import training

    return training.load_model(trained_model_path)


@pytest.fixture
def logged(course_home, model, mnist, monkeypatch, trained_model_path):
    """A log with 30 of 'your own' digits (MNIST test digits logged as the pad's), some wrongly labelled."""
    from mnist_course import models

    monkeypatch.setattr(predlog, "_open_logs", {})
    _, (test_images, test_labels) = mnist
    images = test_images[:30].astype(np.float32) / 255
    probabilities = models.predict_proba(model, images)
    for number, (image, row, label) in enumerate(zip(images, probabilities, test_labels[:30])):
        label = int(label) if number % 4 else (int(row.argmax()) + 1) % 10  # every 4th: read wrong
        predlog.log_prediction("pad", image, row, model=model, model_path=trained_model_path,
                               file_name=f"/private/folder/drawing_{number}.png", true_label=label)  # fmt: skip
    yield course_home
    for log in predlog._open_logs.values():
        log.close()


def _build(tmp_path, model, model_path, settings):
    return report.build_report(model_path, tmp_path / "report.html", model=model, test_per_class=3, llm=settings)


def test_the_answer_goes_into_its_own_escaped_section(chat_server, logged, tmp_path, model, trained_model_path):
    chat_server.mode, chat_server.requests = "ok", []
    settings = report.llm_settings(chat_server.url, "tiny", key="secret-key", timeout=10)
    result = _build(tmp_path, model, trained_model_path, settings)
    page = result.html_path.read_text(encoding="utf-8")
    assert result.commentary == ANSWER.strip() and not any("commentary" in note for note in result.notes)
    assert "Commentary from a language model" in result.sections
    assert html_escaped(ANSWER) in page
    assert "<script>" not in page, "the answer must be shown as text, never run"
    # What was sent: numbers and short descriptions, no pictures, no file names, no paths.
    [request] = chat_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer secret-key"
    assert request["body"]["model"] == "tiny"
    sent = json.dumps(request["body"])
    summary = json.loads(request["body"]["messages"][-1]["content"])
    assert summary["own_digits"]["with_true_digit"] == 30
    assert summary["own_digits"]["read_right"] == 30 - len(summary["wrong_cases"])
    assert len(summary["wrong_cases"]) >= 8
    for secret in ("drawing_", "private", ".png", "base64", "iVBOR", str(tmp_path), str(logged)):
        assert secret not in sent, f"{secret!r} was sent to the language model"


def html_escaped(text):
    import html

    return html.escape(text)


@pytest.mark.parametrize("mode, words", [
    ("slow", "did not answer within 1 s"),
    ("500", "HTTP error 500"),
    ("garbage", "not a chat reply"),
    ("not a chat reply", "not a chat reply"),
])  # fmt: skip
def test_a_slow_or_broken_server_still_gives_a_report_that_says_why(chat_server, logged, tmp_path, model,
                                                                    trained_model_path, mode, words):  # fmt: skip
    chat_server.mode = mode
    result = _build(tmp_path, model, trained_model_path, report.llm_settings(chat_server.url, "tiny", timeout=1))
    page = result.html_path.read_text(encoding="utf-8")
    assert result.commentary is None
    [line] = [note for note in result.notes if note.startswith("no commentary")]
    assert words in line, line
    assert "No commentary: " in page and words in page
    assert "Your own digits" in result.sections and "Test results" in result.sections


def test_a_closed_port_gives_the_report_at_once_from_the_command_line(logged, tmp_path, trained_model_path,
                                                                      monkeypatch, capsys):  # fmt: skip
    from mnist_course import cli

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("MNIST_COURSE_LLM_URL", f"http://127.0.0.1:{closed}/v1")
    monkeypatch.setenv("MNIST_COURSE_LLM_MODEL", "tiny")
    settings = report.llm_settings()
    started = time.monotonic()
    answer, problem = report.ask_for_commentary(settings, report.commentary_prompt({"x": 1}))
    assert answer is None and "could not reach" in problem
    assert time.monotonic() - started < 15, "a closed port must not hold the report up"
    out = tmp_path / "report.html"
    status = cli.main(["report", "--model", str(trained_model_path), "--out", str(out), "--limit", "3"])
    printed = capsys.readouterr().out
    assert status == 0 and out.is_file()
    assert f"no commentary: could not reach the language model at http://127.0.0.1:{closed}/v1" in printed
    assert "No commentary: could not reach" in out.read_text(encoding="utf-8")


def test_commentary_is_off_without_a_url_and_needs_a_model_name(monkeypatch):
    monkeypatch.delenv("MNIST_COURSE_LLM_URL", raising=False)
    assert report.llm_settings() is None
    settings = report.llm_settings("http://127.0.0.1:9/v1")
    monkeypatch.delenv("MNIST_COURSE_LLM_MODEL", raising=False)
    settings.model = None
    answer, problem = report.ask_for_commentary(settings, [])
    assert answer is None and "MNIST_COURSE_LLM_MODEL" in problem
