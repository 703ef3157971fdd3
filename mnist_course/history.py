"""The training history of a model, kept in a JSON file beside the model: ``cnn.keras`` -> ``cnn.history.json``.

``mnist-course train`` saves it; the report (:mod:`mnist_course.report`) draws the learning curves from it.
Lesson 09 (notebooks/09_logs_and_report.ipynb) uses it as ``report.save_history``.
"""

from __future__ import annotations

import json
from pathlib import Path


def history_path(model_path) -> Path:
    """Where the training history of a model file is kept: ``cnn.keras`` -> ``cnn.history.json``."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + ".history.json")


def save_history(history, model_path) -> Path:
    """Save a training history (Keras ``History`` or its dict) beside the model, for the report's curves.

    Introduced in notebooks/05_cnn.ipynb.
    """
    logs = history.history if hasattr(history, "history") else dict(history)
    clean = {key: [float(value) for value in values] for key, values in logs.items()}
    path = history_path(model_path)
    path.write_text(json.dumps(clean, indent=1) + "\n", encoding="utf-8")
    return path


def load_history(model_path) -> dict | None:
    """The history saved beside a model file, or None when there is none (or it cannot be read)."""
    path = history_path(model_path)
    try:
        logs = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return logs if isinstance(logs, dict) and logs.get("loss") else None
