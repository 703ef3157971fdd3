"""Load test of the class server (``mnist-course class``, issue 20): a whole class drawing at once.

It starts the real server as its own process, with a fresh temporary course home (so the prediction
log starts empty), and then plays a class on loopback:

- one instructor page listening to ``/api/teacher/events`` (server-sent events);
- ``--students`` students (40) that join with the code and then each send a drawing every
  ``--interval`` seconds (2) for ``--seconds`` seconds (180), each starting at a random moment of the
  first interval so that the class is spread out. A drawing is a real MNIST test digit, enlarged from
  28 x 28 to 112 x 112 (Pillow, bilinear) and sent as the pad sends it: uint8, 255 = ink, base64, with
  its true digit as the label and a fresh random key;
- now and then (``--replays`` times per student) a student sends an earlier drawing again with the same
  key, as a phone does when an answer was lost: the server must answer 409 and log nothing.

Each student has a connection of its own, and on Linux an address of its own (127.0.0.2, 127.0.0.3, ...),
as phones on a classroom network have. It measures:

- latency: from a drawing's request sent to its answer read (``time.perf_counter``), p50/p95/p99/max;
- errors: a new drawing not answered 200, a replay not answered 409 (with the first answer), a network
  error or a timeout. A 429 is an error too: a student sending every 2 s must never hit the rate limit;
- the log, read after the server stopped: every accepted drawing exactly once (source ``class``, its
  key in ``notes``) and nothing else;
- the instructor page: it received every accepted drawing (``event: drawing``);
- the server process: resident memory every 0.5 s and its peak (psutil), ``VmHWM`` from
  ``/proc/PID/status`` at the end (Linux), and its CPU time.

Then it prints a short report and whether each target of the issue holds: p95 <= 150 ms, zero
errors, every drawing logged exactly once (and seen by the instructor), server memory <= 400 MB.
The exit status is 0 when all hold, 1 when one does not, 2 when it could not run.

    python bench/class_load.py                      # 40 students, a drawing every 2 s, for 180 s
    python bench/class_load.py --students 10 --seconds 20 --model /tmp/cls/cnn.keras --json out.json

The model is ``--model PATH``, else the course model (``~/mnist-course/models/cnn.keras``, or
``$MNIST_COURSE_HOME/models``). Have its ONNX copy (``cnn.onnx``) beside it: without one the server
predicts with Keras (the report says which runtime ran). The digits come from ``$MNIST_COURSE_DATA``
or the file the tests use. The students run in this process, on the same CPU as the server: on a
small machine their work adds to the latency, so run it on a quiet machine and read the load average
in the report.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent

#: The targets of issue 20.
P95_TARGET_MS = 150.0
MEMORY_TARGET_MB = 400.0

#: Seconds allowed for the server to start (a model without its ONNX copy loads Keras and makes one).
START_SECONDS = 240.0
#: Seconds allowed for one request.
REQUEST_SECONDS = 10.0
#: Seconds the instructor's page may take, after the last answer, to receive the last drawings.
EVENTS_GRACE_SECONDS = 5.0
#: How many different MNIST test digits are prepared (each drawing picks one at random).
POOL_SIZE = 600
SIDE = 112


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Load test of the class server (mnist-course class).",
                                     epilog="Exit status: 0 all targets hold, 1 one does not, 2 it could not run.")  # fmt: skip
    parser.add_argument("--students", type=int, default=40, help="simulated students (default: 40)")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a student's drawings (default: 2)")
    parser.add_argument("--seconds", type=float, default=180.0, help="how long the students draw (default: 180)")
    parser.add_argument("--model", default=None, metavar="PATH",
                        help="the .keras model (default: the course model, ~/mnist-course/models/cnn.keras)")  # fmt: skip
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one)")
    parser.add_argument("--json", default=None, metavar="OUT", help="also write the summary as JSON to OUT")
    parser.add_argument("--replays", type=int, default=3,
                        help="drawings each student sends again with the same key (default: 3)")  # fmt: skip
    parser.add_argument("--same-address", action="store_true",
                        help="every student from 127.0.0.1 (default on Linux: one loopback address each)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one each run)")
    args = parser.parse_args(argv)
    if args.students < 1 or args.interval <= 0 or args.seconds <= 0 or args.replays < 0:
        parser.error("--students must be >= 1, --interval and --seconds > 0, --replays >= 0")
    return args


class BenchError(Exception):
    """The load test cannot run: the message is one line saying why."""


# =================================================================================================
# Set-up: the model, the digits, the server
# =================================================================================================


def find_model(path=None) -> Path:
    """The model to serve: ``path``, else the course model. Raises :class:`BenchError` when there is none."""
    if path:
        model = Path(path).expanduser()
        if not model.is_file():
            raise BenchError(f"model file not found: {model}")
        return model.resolve()
    from mnist_course import config

    model = config.default_model_path()
    if not model.is_file():
        raise BenchError(f"no model at {model}: give --model PATH, or train one with `mnist-course train`")
    return model.resolve()


def prepare_drawings(count: int, seed: int) -> list[tuple[str, int]]:
    """``count`` real MNIST test digits as the pad sends them: (base64 of 112 x 112 uint8 ink, true digit)."""
    from PIL import Image

    data = os.environ.get("MNIST_COURSE_DATA")
    if not data or not Path(data).is_file():
        from mnist_course import data as course_data

        try:
            data = course_data.locate_for_tests()
        except course_data.MnistDataError as error:
            raise BenchError(str(error)) from None
    with np.load(data) as arrays:
        images, labels = arrays["x_test"], arrays["y_test"]
    chosen = np.random.default_rng(seed).choice(len(images), size=min(count, len(images)), replace=False)
    drawings = []
    for index in chosen:
        picture = Image.fromarray(images[index].astype(np.uint8), mode="L").resize((SIDE, SIDE), Image.BILINEAR)
        drawings.append((base64.b64encode(np.asarray(picture, dtype=np.uint8).tobytes()).decode("ascii"),
                         int(labels[index])))  # fmt: skip
    return drawings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``mnist-course class --new`` as a process of its own, with a temporary course home."""

    def __init__(self, model: Path, port: int):
        self.home = Path(tempfile.mkdtemp(prefix="class-load-home-"))
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.started = threading.Event()
        self.stderr_path = self.home / "server-stderr.txt"
        environment = dict(os.environ, MNIST_COURSE_HOME=str(self.home), TF_CPP_MIN_LOG_LEVEL="3",
                           PYTHONUNBUFFERED="1")  # fmt: skip
        environment.pop("MNIST_COURSE_LOG", None)  # the log must be on: it is what is checked
        command = [sys.executable, "-m", "mnist_course.cli", "class", "--new", "--verbose", "--port", str(port),
                   "--model", str(model)]  # fmt: skip
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(command, env=environment, cwd=REPO, stdout=subprocess.PIPE,
                                            stderr=stderr, start_new_session=True, text=True)  # fmt: skip
        self.launched = time.perf_counter()
        threading.Thread(target=self._read_stdout, daemon=True).start()

    def _read_stdout(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if "Instructor page:" in line:
                self.started.set()
        self.started.set()  # it stopped: whoever waits looks at the lines

    def output(self) -> str:
        stderr = self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
        return "\n".join(self.lines) + ("\n" + stderr if stderr else "")

    def code_and_token(self) -> tuple[str, str]:
        text = "\n".join(self.lines)
        code = re.search(r"Join code: ([A-Z0-9]+)", text)
        token = re.search(r"/teacher\?token=([A-Za-z0-9_-]+)", text)
        if not (code and token):
            raise BenchError("the server did not print its join code and token:\n" + self.output())
        return code.group(1), token.group(1)

    def runtime(self) -> str:
        """The line the server said about its runtime (``--verbose``), e.g. ``ONNX Runtime (...)``."""
        text = self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
        found = re.search(r"runtime: (.*)", text)
        return found.group(1).strip() if found else "unknown"

    def peak_memory_mb(self) -> float | None:
        """The process's peak resident memory so far (``VmHWM``; Linux only, None elsewhere)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        return int(found.group(1)) / 1024 if found else None

    def stop(self) -> int | None:
        """Ctrl+C (SIGINT), then wait; a server that does not stop in 20 s is killed. Returns its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                return None
        return self.process.returncode

    def remove(self):
        shutil.rmtree(self.home, ignore_errors=True)


# =================================================================================================
# The class: students, replays, the instructor's page, the server's memory
# =================================================================================================


class Results:
    """What the students and the instructor's page saw."""

    def __init__(self):
        self.latencies_ms: list[float] = []  # new drawings answered 200
        self.replay_latencies_ms: list[float] = []
        self.sent = 0
        self.accepted: dict = {}  # key -> (answer id, label, digit)
        self.replays_sent = 0
        self.replays_409 = 0
        self.errors = collections.Counter()
        self.error_examples: list[str] = []
        self.join_retries = 0
        self.joined = 0
        self.event_lines = 0  # `event: drawing` lines the instructor's page received
        self.event_ids: list[int] = []
        self.snapshot_seen = asyncio.Event()
        self.go = asyncio.Event()  # set when every student has joined: the drawing starts together
        self.begin_at = 0.0  # perf_counter() time when it starts

    def error(self, kind: str, detail: str):
        self.errors[kind] += 1
        if len(self.error_examples) < 8:
            self.error_examples.append(f"{kind}: {detail[:200]}")


def _client(address: str | None, base_url: str, timeout) -> "httpx.AsyncClient":
    import httpx

    transport = httpx.AsyncHTTPTransport(local_address=address) if address else httpx.AsyncHTTPTransport()
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout)


async def listen(url: str, token: str, results: Results):
    """The instructor's page: reads the event stream and counts the drawings it is sent."""
    import httpx

    async with _client(None, url, httpx.Timeout(REQUEST_SECONDS, read=None)) as client:
        async with client.stream("GET", "/api/teacher/events", params={"token": token}) as response:
            if response.status_code != 200:
                results.error("instructor events", f"status {response.status_code}")
                results.snapshot_seen.set()
                return
            event = None
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                    if event == "drawing":
                        results.event_lines += 1
                elif line.startswith("data:"):
                    if event == "snapshot":
                        results.snapshot_seen.set()
                    elif event == "drawing":
                        results.event_ids.append(int(json.loads(line[5:])["id"]))
                elif not line:
                    event = None


async def student(number: int, url: str, code: str, address: str | None, args, pool, rng, results: Results):
    """One student: joins, then sends a drawing every ``interval`` s (and a few replays) until ``seconds``."""
    import httpx

    async with _client(address, url, httpx.Timeout(REQUEST_SECONDS)) as client:
        student_id = None
        for _attempt in range(6):
            try:
                response = await client.post("/api/join", json={"code": code, "nickname": f"student {number}"})
            except httpx.HTTPError as error:
                results.error("join: " + type(error).__name__, str(error))
                return
            if response.status_code == 429:  # many joins from one address: wait as the server asks
                results.join_retries += 1
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
                continue
            if response.status_code != 200:
                results.error(f"join: status {response.status_code}", response.text)
                return
            student_id = response.json()["student"]
            break
        if student_id is None:
            results.error("join: status 429", "still too many joins after 6 tries")
            return
        results.joined += 1
        await results.go.wait()
        start = results.begin_at

        phase = rng.uniform(0, args.interval)
        count = max(0, int(np.ceil((args.seconds - phase) / args.interval)))
        plan = [(start + phase + index * args.interval, "new") for index in range(count)]
        if count > 1 and args.replays:
            for index in rng.sample(range(1, count), min(args.replays, count - 1)):
                plan.append((start + phase + (index + 0.5) * args.interval, "replay"))
        plan.sort()
        sent_here: list[tuple[dict, int]] = []  # (payload, answer id) of this student's accepted drawings
        for moment, kind in plan:
            delay = moment - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if kind == "new":
                ink, label = rng.choice(pool)
                payload = {"code": code, "student": student_id, "key": secrets.token_hex(16), "label": label,
                           "width": SIDE, "height": SIDE, "ink": ink}  # fmt: skip
                results.sent += 1
                began = time.perf_counter()
                try:
                    response = await client.post("/api/drawing", json=payload)
                    answer = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
                except (httpx.HTTPError, ValueError) as error:
                    results.error("drawing: " + type(error).__name__, str(error) or repr(error))
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200 or "id" not in answer:
                    results.error(f"drawing: status {response.status_code}", response.text)
                    continue
                results.latencies_ms.append(elapsed)
                results.accepted[payload["key"]] = (int(answer["id"]), label, int(answer["digit"]))
                sent_here.append((payload, int(answer["id"])))
            elif sent_here:
                payload, first_id = rng.choice(sent_here)
                results.replays_sent += 1
                began = time.perf_counter()
                try:
                    response = await client.post("/api/drawing", json=payload)
                    answer = response.json()
                except (httpx.HTTPError, ValueError) as error:
                    results.error("replay: " + type(error).__name__, str(error) or repr(error))
                    continue
                results.replay_latencies_ms.append((time.perf_counter() - began) * 1000)
                answered_id = (answer.get("result") or {}).get("id") if isinstance(answer, dict) else None
                if response.status_code != 409:
                    results.error(f"replay: status {response.status_code}", response.text)
                elif answered_id != first_id:
                    results.error("replay: another drawing's answer", f"id {answered_id}, expected {first_id}")
                else:
                    results.replays_409 += 1


async def sample_memory(pid: int, samples: list, stop: asyncio.Event):
    """The server's resident memory (MB) and CPU (% of one core) every 0.5 s."""
    import psutil

    try:
        process = psutil.Process(pid)
        process.cpu_percent(None)
        while not stop.is_set():
            samples.append((time.perf_counter(), process.memory_info().rss / 2**20, process.cpu_percent(None)))
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
    except psutil.Error:
        return


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _percentile(values, q) -> float | None:
    return round(float(np.percentile(values, q)), 1) if len(values) else None


# =================================================================================================
# The run
# =================================================================================================


async def _play(server: Server, args, pool, rng, results: Results, samples: list) -> dict:
    import httpx
    import psutil

    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(server.process.pid, samples, stop_sampling))
    timing = {}
    try:
        began = server.launched
        while not server.started.is_set():
            if time.perf_counter() - began > START_SECONDS:
                raise BenchError(f"the server printed no instructor address within {START_SECONDS:.0f} s:\n"
                                 + server.output())  # fmt: skip
            await asyncio.sleep(0.1)
        if server.process.poll() is not None and "Instructor page:" not in "\n".join(server.lines):
            raise BenchError(f"the server stopped (exit {server.process.poll()}):\n" + server.output())
        code, token = server.code_and_token()
        async with httpx.AsyncClient(base_url=server.url, timeout=2) as client:
            while True:
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.process.poll() is not None:
                    raise BenchError(f"the server stopped (exit {server.process.returncode}):\n" + server.output())
                if time.perf_counter() - began > START_SECONDS:
                    raise BenchError(f"/health did not answer within {START_SECONDS:.0f} s")
                await asyncio.sleep(0.2)
        timing["start_s"] = round(time.perf_counter() - began, 2)

        listener = asyncio.create_task(listen(server.url, token, results))
        try:
            await asyncio.wait_for(results.snapshot_seen.wait(), 30)
        except asyncio.TimeoutError:
            raise BenchError("the instructor's event stream sent no snapshot within 30 s") from None

        distinct = sys.platform.startswith("linux") and not args.same_address
        students = [asyncio.create_task(student(number, server.url, code,
                                                f"127.0.0.{2 + (number - 1) % 250}" if distinct else None,
                                                args, pool, random.Random(rng.random()), results))
                    for number in range(1, args.students + 1)]  # fmt: skip
        joining = time.perf_counter()
        while results.joined + sum(results.errors.values()) < args.students and time.perf_counter() - joining < 60:
            await asyncio.sleep(0.05)
        timing["join_s"] = round(time.perf_counter() - joining, 2)
        begin_at = results.begin_at = time.perf_counter() + 0.2
        results.go.set()
        server_process = psutil.Process(server.process.pid)
        cpu_before, own_before = server_process.cpu_times(), psutil.Process().cpu_times()
        system_cpu_before = psutil.cpu_times()
        load_before = _load()
        await asyncio.gather(*students)
        timing["load_s"] = round(time.perf_counter() - begin_at, 2)
        cpu_after, own_after = server_process.cpu_times(), psutil.Process().cpu_times()
        system_cpu_after = psutil.cpu_times()

        accepted_ids = {value[0] for value in results.accepted.values()}
        waited = time.perf_counter()
        while not accepted_ids <= set(results.event_ids) and time.perf_counter() - waited < EVENTS_GRACE_SECONDS:
            if listener.done():
                break
            await asyncio.sleep(0.1)
        if listener.done() and listener.exception() is not None:
            results.error("instructor events: " + type(listener.exception()).__name__, str(listener.exception()))
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)

        def busy(before, after) -> float:
            idle = (after.idle + getattr(after, "iowait", 0)) - (before.idle + getattr(before, "iowait", 0))
            total = sum(after) - sum(before)
            return round(100 * (1 - idle / total), 1) if total > 0 else 0.0

        server_cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
        own_cpu = (own_after.user + own_after.system) - (own_before.user + own_before.system)
        timing.update(server_cpu_s=round(server_cpu, 2), bench_cpu_s=round(own_cpu, 2),
                      machine_busy_percent=busy(system_cpu_before, system_cpu_after),
                      load_before=load_before, load_after=_load())  # fmt: skip
        return timing
    finally:
        stop_sampling.set()
        await asyncio.gather(sampler, return_exceptions=True)


def check_log(home: Path, results: Results) -> dict:
    """Every accepted key in the log exactly once (as answered), and nothing else."""
    from mnist_course import predlog

    path = home / "predictions.sqlite"
    if not path.exists():
        return {"rows": 0, "other_rows": 0, "duplicates": 0, "missing": len(results.accepted), "extra": 0,
                "mismatched": 0, "integrity": "no log file"}  # fmt: skip
    log = predlog.open_log(path)
    try:
        rows = log.rows(newest_first=False)
        integrity = log.integrity()
    finally:
        log.close()
    keys = collections.Counter()
    other = mismatched = 0
    for row in rows:
        if row["source"] != "class":
            other += 1
            continue
        notes = json.loads(row["notes"] or "{}")
        key = notes.get("key", "")
        keys[key] += 1
        if key in results.accepted:
            answer_id, label, digit = results.accepted[key]
            if (int(row["id"]), row["true_label"], int(row["digit"])) != (answer_id, label, digit):
                mismatched += 1
    return {
        "rows": len(rows),
        "other_rows": other,
        "duplicates": sum(count - 1 for count in keys.values() if count > 1),
        "missing": sum(1 for key in results.accepted if key not in keys),
        "extra": sum(1 for key in keys if key not in results.accepted),
        "mismatched": mismatched,
        "integrity": integrity,
    }


def run(args) -> dict:
    """Run the load test; returns the summary (what :func:`report` prints and ``--json`` writes).

    Raises:
        BenchError: it could not run (no model, no MNIST, a server that did not start).
    """
    model = find_model(args.model)
    seed = args.seed if args.seed is not None else secrets.randbits(32)
    rng = random.Random(seed)
    pool = prepare_drawings(POOL_SIZE, seed)
    port = args.port or free_port()
    server = Server(model, port)
    results, samples = Results(), []
    try:
        try:
            timing = asyncio.run(_play(server, args, pool, rng, results, samples))
        finally:
            peak_hwm = server.peak_memory_mb()
            exit_status = server.stop()
        log = check_log(server.home, results)
        runtime = server.runtime()
    finally:
        server.remove()

    accepted_ids = [value[0] for value in results.accepted.values()]
    received = collections.Counter(results.event_ids)
    rss = [memory for _, memory, _ in samples]
    cpu = [percent for _, _, percent in samples[1:]]
    peak_rss = max(rss) if rss else None
    peak_memory = max((value for value in (peak_rss, peak_hwm) if value is not None), default=None)
    right = sum(1 for _, label, digit in results.accepted.values() if label == digit)
    summary = {
        "students": args.students,
        "interval_s": args.interval,
        "seconds": args.seconds,
        "seed": seed,
        "model": str(model),
        "runtime": runtime,
        "students_joined": results.joined,
        "join_retries_429": results.join_retries,
        "distinct_addresses": sys.platform.startswith("linux") and not args.same_address,
        "drawings_sent": results.sent,
        "drawings_accepted": len(results.accepted),
        "drawings_per_second": round(results.sent / timing["load_s"], 2) if timing.get("load_s") else None,
        "answers_right_percent": round(100 * right / len(results.accepted), 1) if results.accepted else None,
        "latency_ms": {"p50": _percentile(results.latencies_ms, 50), "p95": _percentile(results.latencies_ms, 95),
                       "p99": _percentile(results.latencies_ms, 99),
                       "max": round(max(results.latencies_ms), 1) if results.latencies_ms else None},  # fmt: skip
        "replay_latency_ms_p95": _percentile(results.replay_latencies_ms, 95),
        "errors": sum(results.errors.values()),
        "error_kinds": dict(results.errors),
        "error_examples": results.error_examples,
        "replays_sent": results.replays_sent,
        "replays_409": results.replays_409,
        "log": log,
        "instructor": {
            "event_lines": results.event_lines,
            "received": len(received),
            "missing": sum(1 for drawing in accepted_ids if drawing not in received),
            "repeated": sum(count - 1 for count in received.values() if count > 1),
        },
        "server": {
            "peak_rss_mb": round(peak_rss, 1) if peak_rss else None,
            "vmhwm_mb": round(peak_hwm, 1) if peak_hwm else None,
            "peak_memory_mb": round(peak_memory, 1) if peak_memory else None,
            "rss_at_end_mb": round(rss[-1], 1) if rss else None,
            "cpu_percent_mean": round(float(np.mean(cpu)), 1) if cpu else None,
            "cpu_percent_max": round(float(np.max(cpu)), 1) if cpu else None,
            "exit_status": exit_status,
            **timing,
        },
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version()},
    }
    log_ok = (log["duplicates"] == 0 and log["missing"] == 0 and log["extra"] == 0 and log["other_rows"] == 0
              and log["mismatched"] == 0)  # fmt: skip
    summary["targets"] = {
        "p95_le_150ms": summary["latency_ms"]["p95"] is not None and summary["latency_ms"]["p95"] <= P95_TARGET_MS,
        "zero_errors": summary["errors"] == 0 and results.joined == args.students and len(results.accepted) > 0,
        "logged_exactly_once": log_ok and len(results.accepted) > 0,
        "instructor_got_every_drawing": summary["instructor"]["missing"] == 0 and summary["instructor"]["repeated"] == 0,
        "memory_le_400mb": peak_memory is not None and peak_memory <= MEMORY_TARGET_MB,
    }
    summary["ok"] = all(summary["targets"].values())
    return summary


def report(summary: dict) -> str:
    """The summary as a short text report."""
    latency, log, server, instructor = summary["latency_ms"], summary["log"], summary["server"], summary["instructor"]

    def mark(name):
        return "yes" if summary["targets"][name] else "NO"

    lines = [
        f"Class server load test: {summary['students']} students, a drawing every {summary['interval_s']:g} s "
        f"for {summary['seconds']:g} s ({summary['runtime']})",
        f"  machine: {summary['machine']['cpu']}, {summary['machine']['cores']} cores; load average "
        f"{server.get('load_before')} before, {server.get('load_after')} after; machine busy {server.get('machine_busy_percent')}%",
        f"  joined: {summary['students_joined']} (join retries after 429: {summary['join_retries_429']}); "
        f"server started in {server.get('start_s')} s",
        f"  drawings: {summary['drawings_sent']} sent, {summary['drawings_accepted']} accepted "
        f"({summary['drawings_per_second']}/s); the model's answer was the true digit for {summary['answers_right_percent']}%",
        f"  latency ms: p50 {latency['p50']}, p95 {latency['p95']}, p99 {latency['p99']}, max {latency['max']}",
        f"  errors: {summary['errors']}" + (f" {summary['error_kinds']}" if summary["errors"] else ""),
        f"  replays: {summary['replays_sent']} sent, {summary['replays_409']} answered 409 with the first answer",
        f"  log: {log['rows']} rows, {log['duplicates']} duplicates, {log['missing']} missing, {log['extra']} extra, "
        f"{log['other_rows']} of another source, {log['mismatched']} unlike the answer; integrity {log['integrity']}",
        f"  instructor page: {instructor['event_lines']} drawing events, {instructor['missing']} drawings missing, "
        f"{instructor['repeated']} repeated",
        f"  server memory: peak {server['peak_memory_mb']} MB (RSS sampled {server['peak_rss_mb']}, VmHWM "
        f"{server['vmhwm_mb']}), {server['rss_at_end_mb']} MB at the end; CPU {server.get('server_cpu_s')} s "
        f"(mean {server['cpu_percent_mean']}% of a core, max {server['cpu_percent_max']}%); this script: "
        f"{server.get('bench_cpu_s')} s CPU",
    ]
    lines += [f"    {example}" for example in summary["error_examples"]]
    lines += [
        "Targets:",
        f"  p95 <= {P95_TARGET_MS:g} ms: {mark('p95_le_150ms')} ({latency['p95']} ms)",
        f"  zero errors: {mark('zero_errors')} ({summary['errors']})",
        f"  every accepted drawing logged exactly once: {mark('logged_exactly_once')}",
        f"  the instructor page got every drawing: {mark('instructor_got_every_drawing')}",
        f"  server memory <= {MEMORY_TARGET_MB:g} MB: {mark('memory_le_400mb')} ({server['peak_memory_mb']} MB)",
        "All targets hold." if summary["ok"] else "A target does not hold.",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        summary = run(args)
    except BenchError as error:
        print(f"class_load: {error}", file=sys.stderr)
        return 2
    print(report(summary))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
