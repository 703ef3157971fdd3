"""Which model made a prediction: the SHA-256 of its ``.keras`` file and of its weights, and its name.

The prediction log keeps these ids in each row, so the report can find the rows of one model.
``model_identity`` hashes a model once and remembers the result.

Used by ``mnist_course.predlog`` (which also offers these names) and the commands that load a model.
"""

from __future__ import annotations

import hashlib
import weakref
from pathlib import Path

import numpy as np


_model_files: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_identities: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_file_hashes: dict = {}


def file_sha256(path) -> str:
    """SHA-256 of a file as hex (kept for the file's size and time, so a model is hashed once)."""
    path = Path(path).expanduser().resolve()
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _file_hashes:
        digest = hashlib.sha256()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        _file_hashes[key] = digest.hexdigest()
    return _file_hashes[key]


def weights_sha256(model) -> str:
    """SHA-256 of a model's weights: the same for a model and the file it was loaded from, loaded again."""
    digest = hashlib.sha256()
    for weight in model.weights:
        digest.update(np.ascontiguousarray(np.asarray(weight)).tobytes())
    return digest.hexdigest()


def remember_model_file(model, path) -> None:
    """Note which file a model came from, so its rows carry the file's SHA-256 (the commands call it)."""
    try:
        _model_files[model] = Path(path).expanduser()
        _identities.pop(model, None)
    except TypeError:  # not a model that can be remembered: it gets a weights id only
        pass


def model_identity(model=None, model_path=None) -> dict:
    """``{"model_id", "weights_id", "model_name"}`` for a model object and/or its file.

    ``model_id`` is the SHA-256 of the ``.keras`` file (``model_path``, or the file
    :func:`remember_model_file` noted), None when the model was never loaded from a file;
    ``weights_id`` is the SHA-256 of the weights (computed once per model). The report matches either.

    Used when a prediction is logged; lesson 09 reads the ids from the log.
    """
    if model is not None and model_path is None and model in _identities:
        return _identities[model]
    if getattr(model, "identity", None):  # an ONNX copy carries its Keras model's ids (``onnx_model``)
        return dict(model.identity)
    if model_path is None and model is not None:
        model_path = _model_files.get(model)
    identity = {"model_id": None, "weights_id": None, "model_name": None}
    if model_path is not None:
        identity["model_id"] = file_sha256(model_path)
        identity["model_name"] = Path(model_path).name
    if model is not None:
        identity["weights_id"] = weights_sha256(model)
        identity["model_name"] = identity["model_name"] or getattr(model, "name", None)
        try:
            _identities[model] = identity
        except TypeError:
            pass
    return identity
