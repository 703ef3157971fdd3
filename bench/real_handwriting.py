"""Real handwriting that nobody on this project drew: the development set in ``bench/real_digits``.

``bench/real_digits/digits.csv`` lists every picture with its label, source repository, commit,
licence, kind (photo, scan, drawing, canvas28) and half (``tune`` or ``report``). Preprocessing
choices were made on the tune half only; the report half is what the README reports.

Used by ``bench/benchmark_handwriting.py`` and by ``tests/test_real_digits.py``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import os

REPO = Path(__file__).resolve().parent.parent


def find_folder() -> Path | None:
    """Where the pictures are: ``$MNIST_COURSE_REAL_DIGITS``, ``bench/real_digits`` or ``../shared/real_digits``.

    The images are kept out of git; CI has them in ``../shared/real_digits`` beside the clone. Returns
    the first folder whose ``digits.csv`` lists only files that exist, or None (a newcomer's clone).
    """
    candidates = [os.environ.get("MNIST_COURSE_REAL_DIGITS"), REPO / "bench" / "real_digits",
                  REPO.parent / "shared" / "real_digits"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "digits.csv").is_file():
            rows = load_rows("all", Path(candidate))
            if rows and all(row.path.is_file() for row in rows):
                return Path(candidate)
    return None


@dataclass(frozen=True)
class RealDigit:
    """One row of ``digits.csv``."""

    path: Path
    label: int
    source: str
    kind: str
    ink: str
    split: str


def load_rows(split: str = "report", folder: Path | None = None) -> list[RealDigit]:
    """The pictures of one half (``"tune"``, ``"report"`` or ``"all"``), in the table's order.

    ``folder`` None: the folder :func:`find_folder` finds (FileNotFoundError when there is none).
    """
    if folder is None:
        folder = find_folder()
        if folder is None:
            raise FileNotFoundError("the real handwriting pictures are not on this machine: see "
                                    "bench/real_digits/README.md (CI has them in ../shared/real_digits)")
    rows = []
    with open(folder / "digits.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if split != "all" and row["split"] != split:
                continue
            rows.append(RealDigit(folder / row["path"], int(row["label"]), row["source"], row["kind"],
                                  row.get("ink", ""), row["split"]))
    return rows


def prepare(rows, pipeline) -> tuple[np.ndarray, list[str]]:
    """Run ``pipeline(path) -> (28, 28)`` on each picture; a picture it refuses becomes a blank image.

    Returns:
        ``(images (n, 28, 28) float32, errors)``: ``errors[i]`` is "" or the message it gave.
    """
    from mnist_course.handwriting import HandwritingError

    images, errors = [], []
    for row in rows:
        try:
            images.append(np.asarray(pipeline(row.path), np.float32))
            errors.append("")
        except HandwritingError as error:
            images.append(np.zeros((28, 28), np.float32))
            errors.append(str(error))
    return np.stack(images), errors


def accuracy_table(rows, predicted) -> dict:
    """Accuracy overall, by kind and by source: ``{"all": (correct, total), "kind photo": ..., ...}``."""
    counts = defaultdict(lambda: [0, 0])
    for row, guess in zip(rows, predicted):
        for key in ("all", f"kind {row.kind}", f"source {row.source}", f"ink {row.ink}"):
            counts[key][0] += int(guess == row.label)
            counts[key][1] += 1
    return {key: tuple(value) for key, value in sorted(counts.items())}


def percent(pair) -> float:
    correct, total = pair
    return round(100.0 * correct / max(total, 1), 1)
