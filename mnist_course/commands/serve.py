"""``mnist-course serve [--host H] [--port P] [--model PATH] [--train-if-missing]``: the drawing pad as a web page.

Voila runs ``mnist_course/pad.ipynb``, whose one cell is :func:`mnist_course.widgets.classroom_pad`;
this module checks Voila, the model and the port first, so each problem is one clear line.

Introduced in notebooks/07_drawing_pad.ipynb.
"""

from __future__ import annotations

import os
import sys

from mnist_course.commands.common import CommandError, check_port, fail, resolve_model, url_host

#: Addresses only this computer can reach; any other ``--host`` gets a warning.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def run(args) -> int:
    """Show the drawing pad as a web page (Voila) for a class to watch. Returns the exit status.

    Listens on 127.0.0.1 unless ``--host`` says otherwise; prints the address and runs until Ctrl+C.

    Introduced in notebooks/07_drawing_pad.ipynb.
    """
    import importlib.util
    import signal
    import subprocess

    from mnist_course import widgets

    if importlib.util.find_spec("voila") is None:
        return fail("serve", 'Voila is not installed. Run: pip install "mnist-course[present]"')
    try:
        model_path = resolve_model(getattr(args, "model", None), getattr(args, "train_if_missing", False))
    except CommandError as error:
        return fail("serve", error)
    environment = dict(os.environ)
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # Voila's kernel: quiet TensorFlow
    environment[widgets.PAD_MODEL_VARIABLE] = str(model_path.resolve())  # the page loads exactly this file
    if not widgets.PAD_NOTEBOOK.is_file():
        print(f"mnist-course serve: the pad page is missing from the package: {widgets.PAD_NOTEBOOK}", file=sys.stderr)
        return 1
    host = args.host
    problem = check_port(host, args.port)  # a clear message now, instead of Voila quietly moving to another port
    if problem:
        return fail("serve", problem)
    print(f"Drawing pad: http://{url_host(host)}:{args.port}/  (Ctrl+C stops it)", flush=True)
    if host not in LOCAL_HOSTS:
        print(f"Listening on {host}: anyone who can reach this computer can open the pad.", flush=True)
    command = [
        sys.executable, "-m", "voila", str(widgets.PAD_NOTEBOOK),
        "--no-browser",
        f"--port={args.port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--theme=light",
        "--Voila.log_level=WARN",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=environment)

    def stop(signal_number, frame):  # `kill` or a closed terminal: stop Voila (and its kernels) too
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        print("Stopped.")
        return 0
