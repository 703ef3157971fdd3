"""What the ``mnist-course`` commands share: finding the model file and printing one clear error line.

Every command that needs a trained model finds it with :func:`resolve_model`, so a missing model is
treated the same way everywhere:

- ``--model PATH`` that is not a file is always an error (a typo should not start a training run);
- no ``--model`` and no saved model: an error that says to run ``mnist-course train``, exit status 2;
- ``--train-if-missing`` (``predict``, ``draw``, ``serve``, ``class``): train the course CNN and save it where
  ``mnist-course train`` would, then go on.

Lesson 06 shows ``mnist-course predict``; the README lists every command.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

#: Exit status for bad input: a missing or unreadable model, a wrong option value.
BAD_INPUT = 2


class CommandError(Exception):
    """A problem a command reports as one line on stderr (and exits with status 2)."""


class ModelNotFoundError(CommandError, FileNotFoundError):
    """There is no model file where the command looked; the message says what to do."""


def fail(command: str, message) -> int:
    """Print ``mnist-course COMMAND: error: MESSAGE`` on stderr and return the exit status 2."""
    print(f"mnist-course {command}: error: {message}", file=sys.stderr, flush=True)
    return BAD_INPUT


def check_port(host: str, port: int) -> str | None:
    """None when a server can listen on ``host`` and ``port``; else one line that says why not and what to do.

    Checked before a server starts (``serve``, ``class``), so a busy port is one clear line instead of a
    traceback, or a server that quietly moves to another port. Like uvicorn and Voila, it allows a port
    that a server stopped a moment ago still holds (``SO_REUSEADDR``), so a crashed server starts again at once.
    """
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
            probe.listen(1)
    except OSError as error:
        return (f"cannot listen on {host} port {port} ({error.strerror}). "
                "Stop the other server or choose another port with --port.")  # fmt: skip
    return None


def url_host(host: str) -> str:
    """``host`` as it goes in an address: an IPv6 address in brackets (``[::1]``)."""
    return f"[{host}]" if ":" in host else host


def resolve_model(path=None, train_if_missing: bool = False) -> Path:
    """The model file a command uses: ``--model PATH`` if given, else the one ``mnist-course train`` saved.

    Args:
        path: the ``--model`` value, or None for the course model (``config.default_model_path()``,
            in ``$MNIST_COURSE_HOME/models``).
        train_if_missing: with no ``path`` and no saved model, train the course CNN and save it there
            (``training.load_or_train_cnn``; under a minute) instead of stopping. An explicit ``path``
            that is missing is an error all the same.

    Returns:
        The path of an existing model file.

    Raises:
        ModelNotFoundError: with one line to show the student.

    Used by every command; lesson 06 shows ``mnist-course predict``.
    """
    from mnist_course import config

    if path:
        model_path = Path(path).expanduser()
        if model_path.is_dir():
            raise ModelNotFoundError(f"{model_path} is a folder, not a model file: give the path of a .keras file")
        if not model_path.is_file():
            raise ModelNotFoundError(f"model file not found: {model_path}")
        return model_path
    model_path = config.default_model_path()
    if model_path.is_file():
        return model_path
    if not train_if_missing:
        raise ModelNotFoundError(
            f"no trained model at {config.display_path(model_path)}; train one first with: mnist-course train "
            "(or pass --model PATH to a .keras file)"
        )
    config.import_keras_quietly()  # TensorFlow's start-up lines would mix with the training lines
    from mnist_course import training

    training.load_or_train_cnn(model_path)
    return model_path


def load_model(path):
    """Load a model file for a command, without TensorFlow's start-up lines.

    Raises:
        CommandError: the file is not a Keras model (``could not load the model: ...``).

    Used by every command; lesson 06 shows ``mnist-course predict``.
    """
    from mnist_course import onnx_model

    try:
        return onnx_model.load_keras(path)  # logged predictions carry the file's SHA-256 (lesson 09)
    except (ValueError, OSError) as error:  # a damaged or foreign .keras file
        raise CommandError(f"could not load the model: {error}") from None
