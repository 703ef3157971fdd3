"""``mnist-course class [--host H] [--port P] [--model PATH] [--new]``: the whole class draws on their phones.

One server process (Starlette on uvicorn, ``mnist_course.classroom``) with the model's ONNX copy: no
TensorFlow and no kernel per visitor. It prints the join address and code for students and the
instructor's address with its token, then runs until Ctrl+C. Started again, it goes on with the same
class (same code, token and round); ``--new`` starts a new class.

Introduced in notebooks/07_drawing_pad.ipynb ("In class").
"""

from __future__ import annotations

import socket
import sys

from mnist_course.commands.common import CommandError, check_port, fail, resolve_model, url_host
from mnist_course.commands.serve import LOCAL_HOSTS

#: Addresses that mean "every network of this computer".
ALL_NETWORKS = ("0.0.0.0", "::", "")


def lan_address() -> str | None:
    """This computer's address on its network (what phones type), or None when it has none.

    Opening a UDP socket towards a private address sends nothing; it only asks the system which of its
    addresses it would use.
    """
    for target in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 1))
                address = probe.getsockname()[0]
        except OSError:
            continue
        if address and not address.startswith("127.") and address != "0.0.0.0":
            return address
    return None


def run(args) -> int:
    """Start the class server. Returns the exit status.

    Introduced in notebooks/07_drawing_pad.ipynb ("In class").
    """
    import importlib.util

    from mnist_course import classroom, config, onnx_model, predlog

    missing = [name for name in ("starlette", "uvicorn", "sse_starlette", "segno") if importlib.util.find_spec(name) is None]
    if missing:
        return fail("class", f"{', '.join(missing)} not installed. Run: pip install \"mnist-course[present]\"")
    host, port = args.host, args.port
    problem = check_port(host, port)  # a clear message now, instead of a traceback from uvicorn
    if problem:
        return fail("class", problem)
    try:
        model_path = resolve_model(getattr(args, "model", None), getattr(args, "train_if_missing", False))
    except CommandError as error:
        return fail("class", error)
    say = (lambda line: print(line, file=sys.stderr, flush=True)) if getattr(args, "verbose", False) else None
    try:
        model = onnx_model.load_for_prediction(model_path, say=say)
        log = predlog.open_log()
        room = classroom.Classroom(model, log, classroom.class_folder() / classroom.STATE_FILE,
                                   new=getattr(args, "new", False), model_path=model_path)  # fmt: skip
    except (predlog.PredictionLogError, ValueError, OSError) as error:
        return fail("class", error)

    if host in ALL_NETWORKS:
        shown_host = lan_address() or "127.0.0.1"
    else:
        shown_host = host
    base = f"http://{url_host(shown_host)}:{port}"
    join_url = f"{base}/join?code={room.state.code}"
    state = room.state
    if room.resumed:
        print(f"Going on with the class started {state.started[:16].replace('T', ' ')} UTC: round {state.round}, "
              f"{len(state.students)} joined, {len(room.drawings)} drawings (--new starts a new class).")  # fmt: skip
    print(f"Class mode, round {state.round}. Join code: {state.code}")
    print(f"  Students open:   {base}/join  (or scan the QR code on the instructor's page)")
    print(f"  Instructor page: {base}/teacher?token={state.token}")
    print(f"  Every drawing goes to the prediction log: {config.display_path(log.path)} (mnist-course log --source class)")
    if host in ALL_NETWORKS:
        print("Warning: listening on every network: anyone on this network can open the join page "
              "(only the code lets them draw, only the token opens the instructor page).")  # fmt: skip
    elif host not in LOCAL_HOSTS:
        print(f"Warning: listening on {host}: anyone who can reach this address can open the join page.")
    else:
        print("Only this computer can open it: for phones, start it with --host 0.0.0.0.")
    print("Ctrl+C stops it; start it again to go on with this class.", flush=True)

    import uvicorn

    app = classroom.make_app(room, join_url=join_url)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=2, lifespan="off"))  # fmt: skip
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn stops gracefully, then passes Ctrl+C on
        pass
    finally:
        log.close()
    print("Stopped. Start it again to go on with this class.")
    return 0
