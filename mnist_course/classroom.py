"""Class mode: a whole class draws digits on their phones; the projector shows what the model gets right.

``mnist-course class`` runs :func:`make_app` on uvicorn: one server process, no kernel per visitor.

- Students open ``/join`` (a link and a QR code on the instructor's page), type the short join code,
  draw a digit with a finger on the notebook's own pad (``static/drawing_pad.js``), choose which digit
  they meant, press Send and see the model's answer ("not sure: 7 or 1?" when it hesitates).
- The instructor opens ``/teacher?token=...`` (the token is printed at start). It updates live through
  server-sent events: how many joined, the round's drawings, accuracy per digit, the confusion matrix,
  the mistakes with the 28x28 image the model saw, a "New round" button and a CSV download.
- Every drawing is one row of the prediction log (``predlog``, source ``class``, its round in ``notes``),
  committed before the student sees the answer. So lesson 09's report and ``mnist-course log`` read a
  class's drawings as they are, and a server killed with SIGKILL keeps every drawing it answered.
- The class itself (join code, token, round, who joined) is one small JSON file, replaced atomically,
  in ``<course home>/class/``. Started again, the server goes on with the same class and round.

Safety on a shared network: the join code is needed for every student request and the token for every
instructor request; bodies are limited to :data:`MAX_BODY_BYTES`; each student may send
:data:`DRAWINGS_PER_MINUTE`; a drawing carries an idempotency key, so a repeated request is answered with a
clear JSON error and is never logged twice; pages load nothing from the internet and allow no inline script
(``Content-Security-Policy``), and a nickname is only ever shown as text.

Introduced in notebooks/07_drawing_pad.ipynb ("In class").
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import csv
import datetime
import io
import json
import math
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnist_course import answers, config, drawings, predlog

#: The log's ``source`` for a class's drawings.
SOURCE = "class"

#: The folder (in the course home) with the class's state file.
CLASS_FOLDER = "class"
STATE_FILE = "class.json"

#: Letters of a join code: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so that a code read off a projector is typed right.
CODE_LETTERS = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6

#: The largest request body (a drawing is 112 x 112 bytes: about 17 KB as base64).
MAX_BODY_BYTES = 64 * 1024

#: The largest drawing, pixels a side (the pad sends 112 x 112).
MAX_DRAWING_SIDE = 512

#: Each student may send this many drawings a minute (a drawing takes a few seconds to make)...
DRAWINGS_PER_MINUTE = 30
#: ...and this many in a quick burst.
DRAWING_BURST = 5

#: Each address may join this many times a minute (a classroom behind one router shares one address).
JOINS_PER_MINUTE = 120

#: Longest nickname kept (longer ones are cut).
MAX_NICKNAME = 32

#: The newest drawings an instructor's page receives when it connects (the whole round up to this).
SNAPSHOT_LIMIT = 5000

_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_STUDENT = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

STATIC = Path(__file__).resolve().parent / "static"

#: Every page forbids inline scripts and anything from another server.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class ClassError(Exception):
    """A request the class cannot take: the message is for the person, ``status`` is the HTTP status."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.extra = extra


# =================================================================================================
# The class's state: join code, token, round, who joined (one JSON file, replaced atomically)
# =================================================================================================


def class_folder() -> Path:
    """``<course home>/class``: where the class's state file lives."""
    return config.course_home() / CLASS_FOLDER


def new_join_code() -> str:
    """A random join code of :data:`CODE_LENGTH` easy-to-read letters and digits, e.g. ``K7MQ3X``."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


def clean_nickname(nickname) -> str:
    """A nickname as kept: printable text without line breaks, at most :data:`MAX_NICKNAME` characters.

    It is never made "safe" by changing its letters: every page shows it as text (``textContent``), so
    ``<script>`` is shown as those eight characters and never runs.
    """
    text = "" if nickname is None else str(nickname)
    text = "".join(character if character.isprintable() else " " for character in text)
    return " ".join(text.split())[:MAX_NICKNAME]


def _write_atomically(path: Path, text: str) -> None:
    """Write a file so that a kill at any moment leaves either the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


@dataclass
class ClassState:
    """One class: its id (in every log row), join code, instructor token, round and students.

    Kept by :class:`Classroom`, which lesson 07 ("In class") uses.
    """

    class_id: str
    code: str
    token: str
    round: int = 1
    started: str = ""
    students: dict = field(default_factory=dict)  # student id -> {"nickname", "joined"}

    @classmethod
    def new(cls) -> ClassState:
        """A new class: new id, join code and token, round 1."""
        return cls(class_id=secrets.token_hex(8), code=new_join_code(), token=secrets.token_urlsafe(18),
                   started=_now())  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> ClassState:
        """The class saved at ``path``.

        Raises:
            ValueError: the file is not a class state file (damaged, or another program's).
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            state = cls(class_id=str(data["class_id"]), code=str(data["code"]), token=str(data["token"]),
                        round=int(data["round"]), started=str(data.get("started", "")),
                        students=dict(data.get("students", {})))  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{config.display_path(path)} is not a class file the course can read ({error})") from None
        if state.round < 1 or not state.code or not state.token:
            raise ValueError(f"{config.display_path(path)} is not a class file the course can read")
        return state

    def save(self, path: Path) -> None:
        """Save the class (atomically: a kill leaves the old file or the new one)."""
        data = {"class_id": self.class_id, "code": self.code, "token": self.token, "round": self.round,
                "started": self.started, "students": self.students}  # fmt: skip
        _write_atomically(Path(path), json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# =================================================================================================
# Rate limits
# =================================================================================================


class RateLimit:
    """A token bucket per key: ``burst`` at once, then ``per_minute`` a minute. Thread-safe."""

    def __init__(self, per_minute: float, burst: int):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> float:
        """0.0 when ``key`` may go on now (and it is counted), else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


# =================================================================================================
# The classroom: reads drawings, logs them once, keeps the live picture of the round
# =================================================================================================


def drawing_request(code: str, student: str, ink, label: int, key: str | None = None) -> dict:
    """The JSON a student's page sends for one drawing (for scripts, tests and lesson 07).

    Args:
        code: the class's join code.
        student: the id that joining gave.
        ink: ``(h, w) uint8`` drawing, 255 = ink on 0 (the pad's, or ``drawings.pad_ink_image``).
        label: the digit the student meant.
        key: the drawing's idempotency key (default: a new random one).

    Introduced in notebooks/07_drawing_pad.ipynb ("In class").
    """
    ink = np.ascontiguousarray(ink, dtype=np.uint8)
    return {"code": code, "student": student, "key": key or secrets.token_urlsafe(12), "label": int(label),
            "width": int(ink.shape[1]), "height": int(ink.shape[0]), "ink": base64.b64encode(ink.tobytes()).decode("ascii")}  # fmt: skip


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def drawing_summary(row: dict) -> dict:
    """What pages are told about one logged drawing (from its log row)."""
    notes = json.loads(row["notes"] or "{}")
    probabilities = json.loads(row["probabilities"])
    return {
        "id": int(row["id"]),
        "time": row["time"],
        "round": int(notes.get("round", 1)),
        "student": notes.get("student", ""),
        "nickname": notes.get("nickname", ""),
        "label": None if row["true_label"] is None else int(row["true_label"]),
        "digit": int(row["digit"]),
        "confidence": round(float(row["confidence"]), 4),
        "answer": answers.answer(probabilities),
        "unsure": float(row["confidence"]) < answers.UNSURE_BELOW,
        "probabilities": [round(float(value), 4) for value in probabilities],
        "image": _data_uri(row["image_png"]),
        "key": notes.get("key", ""),
    }


class Classroom:
    """The live class: state, model, prediction log, and the drawings of this class.

    Args:
        model: what predicts (an ``onnx_model.OnnxModel`` or a Keras model).
        log: the open :class:`~mnist_course.predlog.PredictionLog` every drawing is written to.
        state_path: the class's state file (made if missing).
        new: start a new class even if ``state_path`` holds one.
        model_path: the ``.keras`` file (its SHA-256 goes in each row).

    Introduced in notebooks/07_drawing_pad.ipynb ("In class").
    """

    def __init__(self, model, log: predlog.PredictionLog, state_path: Path, new: bool = False, model_path=None):
        self.model = model
        self.log = log
        self.state_path = Path(state_path)
        self.resumed = self.state_path.exists() and not new
        self.state = ClassState.load(self.state_path) if self.resumed else ClassState.new()
        self.state.save(self.state_path)
        self.identity = predlog.model_identity(model, model_path)
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        self.drawings: list[dict] = []  # every drawing of this class, oldest first
        self._by_key: dict = {}  # idempotency key -> (fingerprint, summary)
        for row in log.rows(source=SOURCE, newest_first=False):  # what a killed server had answered
            notes = json.loads(row["notes"] or "{}")
            if notes.get("class") == self.state.class_id:
                summary = drawing_summary(row)
                self.drawings.append(summary)
                self._by_key[summary["key"]] = (notes.get("fingerprint", ""), summary)
        self.drawing_limit = RateLimit(DRAWINGS_PER_MINUTE, DRAWING_BURST)
        self.join_limit = RateLimit(JOINS_PER_MINUTE, JOINS_PER_MINUTE)  # a whole class behind one router joins at once
        self.listeners: set = set()  # asyncio.Queue per instructor page

    # --- students ------------------------------------------------------------------------------
    def check_code(self, code) -> None:
        """Raises :class:`ClassError` (403) unless ``code`` is this class's join code."""
        given = str(code or "").strip().upper().encode()
        if not given:
            raise ClassError(403, "the join code is missing: type the code shown on the projector")
        if not secrets.compare_digest(given, self.state.code.encode()):
            raise ClassError(403, "wrong join code: check the code shown on the projector")

    def check_token(self, token) -> None:
        """Raises :class:`ClassError` (401) unless ``token`` is the instructor's token."""
        if not token:
            raise ClassError(401, "the instructor token is missing: open the address the server printed")
        if not secrets.compare_digest(str(token).encode(), self.state.token.encode()):
            raise ClassError(401, "wrong instructor token: open the address the server printed")

    def join(self, nickname=None, student=None) -> dict:
        """A student joins (or comes back with the id their phone kept). Returns their id and the round."""
        nickname = clean_nickname(nickname)
        with self._state_lock:
            if not (isinstance(student, str) and _STUDENT.match(student) and student in self.state.students):
                student = secrets.token_urlsafe(16)
            old = self.state.students.get(student)
            if old is None or old.get("nickname") != nickname:
                self.state.students[student] = {"nickname": nickname, "joined": (old or {}).get("joined", _now())}
                self.state.save(self.state_path)
        return {"student": student, "nickname": nickname, "round": self.state.round}

    def read(self, payload: dict):
        """Check one drawing request and read the drawing (no log yet). Returns ``(ink, label, key, student)``.

        Raises:
            ClassError: anything wrong with the request, in words for the student.
        """
        student = payload.get("student")
        if not (isinstance(student, str) and student in self.state.students):
            raise ClassError(403, "join the class first (this phone has not joined, or the class was restarted)")
        key = payload.get("key")
        if not (isinstance(key, str) and _KEY.match(key)):
            raise ClassError(400, "the drawing has no valid key (8-64 letters, digits, - or _)")
        label = payload.get("label")
        if isinstance(label, str) and label.strip().isdigit():
            label = int(label)
        if not (isinstance(label, int) and not isinstance(label, bool) and 0 <= label <= 9):
            raise ClassError(400, "choose the digit you drew (0-9), then send it")
        try:
            width, height = int(payload.get("width")), int(payload.get("height"))
        except (TypeError, ValueError):
            raise ClassError(400, "the drawing's width and height must be whole numbers") from None
        if not (8 <= width <= MAX_DRAWING_SIDE and 8 <= height <= MAX_DRAWING_SIDE):
            raise ClassError(413, f"the drawing must be 8 to {MAX_DRAWING_SIDE} pixels a side, got {width} x {height}")
        try:
            pixels = base64.b64decode(str(payload.get("ink", "")), validate=True)
        except (binascii.Error, ValueError):
            raise ClassError(400, "the drawing is broken (its pixels are not base64)") from None
        if len(pixels) != width * height:
            raise ClassError(400, f"the drawing is broken: {len(pixels)} bytes for {width} x {height} pixels")
        ink = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width)
        return ink, label, key, student

    def submit(self, payload: dict) -> tuple[dict, bool]:
        """Read, predict and log one drawing, once. Returns ``(summary, new)``; ``new`` is False for a repeat.

        Runs in a worker thread (the preprocessing takes some milliseconds of CPU).

        Raises:
            ClassError: a bad request, a blank drawing, or a student over the rate limit.
        """
        ink, label, key, student = self.read(payload)
        fingerprint = f"{label}:{binascii.crc32(ink.tobytes()):08x}"
        known = self._by_key.get(key)
        if known is not None:
            return self._repeat(known, fingerprint)
        wait = self.drawing_limit.allow(student)
        if wait:
            raise ClassError(429, f"too many drawings at once: wait {math.ceil(wait)} s and send again", retry_after=wait)
        reading = drawings.read_drawing(ink, self.model)
        if reading.blank:
            raise ClassError(400, "the drawing is empty: draw a digit first")
        with self._lock:  # one writer decides: a key is logged once even when two requests race
            known = self._by_key.get(key)
            if known is not None:
                return self._repeat(known, fingerprint)
            round_number = self.state.round
            nickname = self.state.students.get(student, {}).get("nickname", "")
            notes = {**predlog.preprocessing_notes(reading.preprocessed), **predlog.drawing_notes(ink),
                     "class": self.state.class_id, "round": round_number, "student": student,
                     "nickname": nickname, "key": key, "fingerprint": fingerprint}  # fmt: skip
            entry = predlog.make_entry(SOURCE, reading.image, reading.probabilities, identity=self.identity,
                                       true_label=label, notes=notes)  # fmt: skip
            row_id = self.log.add(entry)  # committed before anyone sees the answer
            summary = drawing_summary({**entry, "id": row_id})
            self.drawings.append(summary)
            self._by_key[key] = (fingerprint, summary)
        return summary, True

    @staticmethod
    def _repeat(known, fingerprint: str):
        first_fingerprint, summary = known
        if first_fingerprint and first_fingerprint != fingerprint:
            raise ClassError(409, "this drawing key was already used for another drawing: draw again")
        return summary, False

    # --- the instructor ------------------------------------------------------------------------
    def new_round(self) -> int:
        """Start the next round (the instructor's button). Returns its number."""
        with self._state_lock, self._lock:
            self.state.round += 1
            self.state.save(self.state_path)
            return self.state.round

    def round_drawings(self, round_number: int | None = None) -> list[dict]:
        """The drawings of one round (default: the current one), oldest first."""
        number = self.state.round if round_number is None else round_number
        return [drawing for drawing in self.drawings if drawing["round"] == number][-SNAPSHOT_LIMIT:]

    def snapshot(self) -> dict:
        """Everything an instructor's page needs when it connects."""
        return {"round": self.state.round, "joined": len(self.state.students),
                "drawings": [_for_page(drawing) for drawing in self.round_drawings()]}  # fmt: skip

    def csv_text(self) -> str:
        """Every drawing of this class as CSV (one row each; a nickname never starts a spreadsheet formula)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["log_id", "time", "round", "nickname", "label", "digit", "confidence", "correct", "answer"])
        for drawing in self.drawings:
            nickname = drawing["nickname"]
            if nickname[:1] in ("=", "+", "-", "@", "\t", "\r"):
                nickname = "'" + nickname
            writer.writerow([drawing["id"], drawing["time"], drawing["round"], nickname, drawing["label"],
                             drawing["digit"], f"{drawing['confidence']:.4f}", int(drawing["label"] == drawing["digit"]),
                             drawing["answer"]])  # fmt: skip
        return buffer.getvalue()

    def publish(self, kind: str, data: dict) -> None:
        """Send one event to every instructor page (from the event loop)."""
        for queue in list(self.listeners):
            try:
                queue.put_nowait((kind, data))
            except asyncio.QueueFull:  # a page that stopped reading: it reconnects and gets a snapshot
                self.listeners.discard(queue)


def _for_page(drawing: dict) -> dict:
    """A drawing as the instructor's page gets it (no student id, no key)."""
    return {name: value for name, value in drawing.items() if name not in ("student", "key")}


def _for_student(drawing: dict) -> dict:
    return {name: drawing[name] for name in ("id", "round", "label", "digit", "confidence", "answer", "unsure",
                                             "probabilities")}  # fmt: skip


def _model_input(summary: dict) -> list:
    """The 28x28 image the model saw, as 784 grey levels for the pad's small picture."""
    png = base64.b64decode(summary["image"].split(",", 1)[1])
    return np.round(predlog.png_to_image(png) * 255).astype(int).ravel().tolist()


# =================================================================================================
# The web application (Starlette)
# =================================================================================================


def make_app(classroom: Classroom, join_url: str = ""):
    """The Starlette application of one class.

    Args:
        classroom: the :class:`Classroom`.
        join_url: the address students open (shown on the instructor's page as a link and a QR code).

    Used by ``mnist-course class``, which lesson 07 ("In class") shows.
    """
    from sse_starlette.sse import EventSourceResponse
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
    from starlette.routing import Route

    pages = STATIC / "class"

    def error(status: int, message: str, **extra) -> JSONResponse:
        headers = {"Retry-After": str(max(1, math.ceil(extra["retry_after"])))} if "retry_after" in extra else None
        return JSONResponse({"error": message, **extra}, status_code=status, headers=headers)

    def client(request) -> str:
        return request.client.host if request.client else "unknown"

    async def body(request) -> dict:
        """The request's JSON object, read up to MAX_BODY_BYTES."""
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            raise ClassError(413, f"the request is too big (at most {MAX_BODY_BYTES // 1024} KB)")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ClassError(413, f"the request is too big (at most {MAX_BODY_BYTES // 1024} KB)")
            chunks.append(chunk)
        try:
            payload = json.loads(b"".join(chunks) or b"null")
        except (ValueError, UnicodeDecodeError):
            raise ClassError(400, "the request is not JSON") from None
        if not isinstance(payload, dict):
            raise ClassError(400, "the request must be a JSON object")
        return payload

    def guarded(handler):
        async def endpoint(request):
            try:
                response = await handler(request)
            except ClassError as problem:
                response = error(problem.status, str(problem), **problem.extra)
            response.headers.update(SECURITY_HEADERS)
            return response

        return endpoint

    def token_of(request) -> str | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        return request.query_params.get("token")

    # --- pages and files ------------------------------------------------------------------------
    async def home(request):
        return RedirectResponse("/join", status_code=303)

    async def join_page(request):
        return FileResponse(pages / "join.html", media_type="text/html; charset=utf-8")

    async def teacher_page(request):
        classroom.check_token(token_of(request))
        return FileResponse(pages / "teacher.html", media_type="text/html; charset=utf-8")

    files = {
        "drawing_pad.js": STATIC / "drawing_pad.js",
        "drawing_pad.css": STATIC / "drawing_pad.css",
        "class.css": pages / "class.css",
        "join.js": pages / "join.js",
        "teacher.js": pages / "teacher.js",
    }

    async def static_file(request):
        name = request.path_params["name"]
        if name not in files:
            raise ClassError(404, "no such file")
        media = "text/javascript; charset=utf-8" if name.endswith(".js") else "text/css; charset=utf-8"
        return FileResponse(files[name], media_type=media)

    # --- the students' requests -----------------------------------------------------------------
    async def api_join(request):
        wait = classroom.join_limit.allow(client(request))
        if wait:
            raise ClassError(429, f"too many joins from this address: wait {math.ceil(wait)} s", retry_after=wait)
        payload = await body(request)
        classroom.check_code(payload.get("code"))
        joined = classroom.join(payload.get("nickname"), payload.get("student"))
        classroom.publish("joined", {"joined": len(classroom.state.students)})
        return JSONResponse(joined)

    async def api_drawing(request):
        payload = await body(request)
        classroom.check_code(payload.get("code"))
        summary, new = await run_in_threadpool(classroom.submit, payload)
        answer = {**_for_student(summary), "model_input": _model_input(summary)}
        if not new:
            return error(409, "this drawing was already sent; it is counted once", result=answer)
        classroom.publish("drawing", _for_page(summary))
        return JSONResponse(answer)

    # --- the instructor's requests --------------------------------------------------------------
    async def api_info(request):
        classroom.check_token(token_of(request))
        import segno

        return JSONResponse({"code": classroom.state.code, "join_url": join_url, "round": classroom.state.round,
                             "qr": segno.make(join_url or "/join", error="m").svg_data_uri(scale=6, border=2),
                             "model": classroom.identity.get("model_name") or "",
                             "runtime": "ONNX Runtime" if getattr(classroom.model, "runtime", "") else "Keras"})  # fmt: skip

    async def api_events(request):
        classroom.check_token(token_of(request))
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)

        async def events():
            classroom.listeners.add(queue)
            try:
                yield {"event": "snapshot", "data": json.dumps(classroom.snapshot())}
                while True:
                    kind, data = await queue.get()
                    yield {"event": kind, "data": json.dumps(data)}
            finally:
                classroom.listeners.discard(queue)

        return EventSourceResponse(events(), ping=15, headers={"X-Accel-Buffering": "no"})

    async def api_round(request):
        classroom.check_token(token_of(request))
        if request.method != "POST":
            raise ClassError(405, "use POST to start a new round")
        number = await run_in_threadpool(classroom.new_round)
        classroom.publish("round", {"round": number, "joined": len(classroom.state.students)})
        return JSONResponse({"round": number})

    async def api_csv(request):
        classroom.check_token(token_of(request))
        name = f"class-{classroom.state.started[:10] or 'drawings'}.csv"
        return Response(classroom.csv_text(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    async def not_found(request, exc):
        response = error(404, "no such page")
        response.headers.update(SECURITY_HEADERS)
        return response

    routes = [
        Route("/", guarded(home)),
        Route("/join", guarded(join_page)),
        Route("/teacher", guarded(teacher_page)),
        Route("/static/{name}", guarded(static_file)),
        Route("/api/join", guarded(api_join), methods=["POST"]),
        Route("/api/drawing", guarded(api_drawing), methods=["POST"]),
        Route("/api/teacher/info", guarded(api_info)),
        Route("/api/teacher/events", guarded(api_events)),
        Route("/api/teacher/round", guarded(api_round), methods=["POST"]),
        Route("/api/teacher/drawings.csv", guarded(api_csv)),
        Route("/health", guarded(health)),
        Route("/favicon.ico", lambda request: Response(status_code=204)),  # no icon: and no 404 in the console
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: _method_not_allowed})
    app.state.classroom = classroom
    return app


async def health(request):
    """``/health``: the server answers (for scripts that wait for it to start)."""
    from starlette.responses import JSONResponse

    return JSONResponse({"ok": True})


async def _method_not_allowed(request, exc):
    from starlette.responses import JSONResponse

    response = JSONResponse({"error": f"{request.method} is not allowed here"}, status_code=405)
    response.headers.update(SECURITY_HEADERS)
    return response


__all__ = [
    "CODE_LETTERS", "ClassError", "ClassState", "Classroom", "DRAWINGS_PER_MINUTE", "MAX_BODY_BYTES", "RateLimit",
    "SOURCE", "class_folder", "clean_nickname", "drawing_request", "drawing_summary", "make_app", "new_join_code",
]  # fmt: skip

