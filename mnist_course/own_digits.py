"""Your own digits from the prediction log: the rows of the report's model, and their counts by tool and by day.

The report (:mod:`mnist_course.report`) reads the log (:mod:`mnist_course.predlog`) through this module.
"""

from __future__ import annotations

import datetime
import json

import numpy as np


def _matches(row, identity) -> bool:
    return bool((identity.get("model_id") and row.get("model_id") == identity["model_id"])
                or (identity.get("weights_id") and row.get("weights_id") == identity["weights_id"]))  # fmt: skip


def own_digits(log, identity: dict | None = None) -> tuple[list[dict], str]:
    """Your own predictions from the log (every tool but ``evaluate``), oldest first, and which model made them.

    Args:
        log: a :class:`~mnist_course.predlog.PredictionLog`.
        identity: the report's model (:func:`mnist_course.predlog.model_identity`): only its rows are
            kept when it has any; otherwise every row is, and the returned line says so.

    Returns:
        ``(rows, line)``; each row also gets ``image`` ``(28, 28) float32`` and ``probabilities`` ``(10,)``.

    Used by :func:`mnist_course.report.build_report` (lesson 09).
    """
    from mnist_course import predlog

    rows = log.rows(exclude_source="evaluate", newest_first=False)
    line = f"all {len(rows)} predictions in the log"
    if identity and rows:
        mine = [row for row in rows if _matches(row, identity)]
        if mine:
            line = f"the {len(mine)} predictions this model made ({len(rows) - len(mine)} by other models left out)"
            rows = mine
        else:
            line = f"none of the {len(rows)} predictions in the log was made by this model; all of them are shown"
    for row in rows:
        row["image"] = predlog.png_to_image(row["image_png"])
        row["probabilities"] = np.asarray(json.loads(row["probabilities"]), dtype=np.float32)
    return rows, line


def local_day(timestamp: str) -> str:
    """The day of a log time (``2025-03-01T09:30:00Z``) on this computer's clock: ``2025-03-01``."""
    moment = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return moment.astimezone().strftime("%Y-%m-%d")


def by_tool(row) -> str:
    """The tool that made a log row (``pad``, ``predict``, ...): a ``key`` for :func:`count_read_right`."""
    return row["source"]


def by_day(row) -> str:
    """The local day of a log row: a ``key`` for :func:`count_read_right`."""
    return local_day(row["time"])


def count_read_right(rows: list[dict], key) -> dict[str, dict]:
    """Count the rows in groups (by tool, by day, ...): how many, how many with the true digit, how many right.

    Args:
        rows: log rows, with ``digit`` and ``true_label`` (None when the true digit is not known).
        key: a function that gives each row's group, for example :func:`by_tool` or :func:`by_day`.

    Returns:
        ``{group: {"predictions", "with_true_digit", "read_right"}}``, the groups in the order they first
        appear in ``rows``.
    """
    counts = {}
    for row in rows:
        entry = counts.setdefault(key(row), {"predictions": 0, "with_true_digit": 0, "read_right": 0})
        entry["predictions"] += 1
        if row["true_label"] is not None:
            entry["with_true_digit"] += 1
            entry["read_right"] += int(row["digit"] == row["true_label"])
    return counts
