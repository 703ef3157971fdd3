"""Traits of a digit, measured on the 28x28 image the model saw: thin or thick, tilted, off-centre, short, faint.

The report (:mod:`mnist_course.report`) counts these traits among the digits the model read wrong and
among those it read right, to show what the wrong ones have in common. Lesson 09
(notebooks/09_logs_and_report.ipynb) uses them as ``report.measure_digits``, ``report.digit_traits`` and
``report.common_traits``.
"""

from __future__ import annotations

import json

import numpy as np

# Thresholds measured on MNIST's 10,000 test digits with :func:`measure_digits`, so that a trait means
# "rarer than in MNIST": only about 1 test digit in 20 has it (and none is off-centre).
#: Pixels between the centre of mass and MNIST's centre (14, 14). No MNIST test digit is 0.75 away: centring
#: moves a digit by whole pixels, so up to 0.71 is only rounding.
OFF_CENTRE_PIXELS = 1.0
#: Stroke width in pixels: MNIST's 5th percentile is 2.1 ...
THIN_STROKE_PIXELS = 2.1
#: ... and its 95th percentile 4.4.
THICK_STROKE_PIXELS = 4.4
#: Slant in degrees (positive: the top leans to the left): MNIST's 95th percentile of its size is 29.
TILT_DEGREES = 29.0
#: Height of the ink in pixels: MNIST's 5th percentile is 18 (most digits fill the 20-pixel box).
SHORT_PIXELS = 18
#: Mean brightness of the ink pixels (0-1): MNIST's 5th percentile is 0.71.
FAINT_INK = 0.71

#: Each trait and the words the report uses for it.
TRAITS = {
    "thin": "thin strokes",
    "thick": "thick strokes",
    "tilted": "tilted (slanted)",
    "off_centre": "off-centre",
    "short": "short (under 18 pixels tall)",
    "faint": "faint ink",
    "touches_edge": "touching the edge of the picture",
    "lines_removed": "ruled lines removed from the page",
}


def measure_digits(images) -> dict:
    """Measure each digit: where its ink sits, how wide its strokes are, how it leans, how tall and bright.

    Args:
        images: ``(n, 28, 28)`` images, ``float`` in [0, 1] or ``uint8``.

    Returns:
        ``{name: (n,) float array}`` with ``offset`` (pixels from MNIST's centre), ``stroke`` (stroke width
        in pixels), ``slant`` (degrees; positive: the top leans left), ``height`` (pixels of ink, top to
        bottom) and ``strength`` (mean brightness of the ink).

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    from mnist_course import handwriting

    images = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28)
    if images.size and images.max() > 1.5:
        images = images / 255.0
    rows, cols = np.mgrid[0:28, 0:28].astype(np.float32)
    mass = np.maximum(images.sum(axis=(1, 2)), 1e-6)
    row = (images * rows).sum(axis=(1, 2)) / mass
    col = (images * cols).sum(axis=(1, 2)) / mass
    offset = np.hypot(row - handwriting.MNIST_CENTRE[0], col - handwriting.MNIST_CENTRE[1])
    down = rows[None] - row[:, None, None]
    across = cols[None] - col[:, None, None]
    spread_down = (images * down * down).sum(axis=(1, 2)) / mass
    shear = (images * down * across).sum(axis=(1, 2)) / mass
    slant = np.degrees(np.arctan2(shear, np.maximum(spread_down, 1e-6)))
    # The stroke width of lesson 06: twice the ink area over the length of its outline.
    stroke = np.array([handwriting.stroke_width(mask) for mask in images > 0.5], dtype=np.float64)
    ink = images > 0.2
    inked_rows = ink.any(axis=2)
    height = np.where(inked_rows.any(axis=1), 28 - inked_rows[:, ::-1].argmax(axis=1) - inked_rows.argmax(axis=1), 0)
    strength = (images * ink).sum(axis=(1, 2)) / np.maximum(ink.sum(axis=(1, 2)), 1)
    return {"offset": offset, "stroke": stroke, "slant": slant, "height": height.astype(np.float32),
            "strength": strength}  # fmt: skip


def digit_traits(images, rows=None) -> dict:
    """Which of :data:`TRAITS` each digit has: ``{trait: (n,) bool}``.

    Args:
        images: ``(n, 28, 28)`` images the model saw.
        rows: optional log rows (dicts) for the same images; they add the traits only the preprocessing
            knows (``touches_edge``, ``lines_removed``). Without them those two are all False.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    measures = measure_digits(images)
    count = len(measures["offset"])
    traits = {
        "thin": measures["stroke"] < THIN_STROKE_PIXELS,
        "thick": measures["stroke"] > THICK_STROKE_PIXELS,
        "tilted": np.abs(measures["slant"]) > TILT_DEGREES,
        "off_centre": measures["offset"] > OFF_CENTRE_PIXELS,
        "short": measures["height"] < SHORT_PIXELS,
        "faint": measures["strength"] < FAINT_INK,
        "touches_edge": np.zeros(count, bool),
        "lines_removed": np.zeros(count, bool),
    }
    if rows is not None:
        notes = [json.loads(row.get("notes") or "{}") for row in rows]
        traits["touches_edge"] = np.array([bool(note.get("touches_edge")) for note in notes], bool)
        traits["lines_removed"] = np.array([(row.get("lines_removed") or 0) > 0 for row in rows], bool)
    return traits


def common_traits(images, wrong, rows=None) -> list[dict]:
    """What the wrong ones have in common: each trait's share among the wrong and among the right digits.

    Args:
        images: ``(n, 28, 28)`` your labelled digits as the model saw them.
        wrong: ``(n,) bool``, True where the model was wrong.
        rows: the log rows of the same digits (see :func:`digit_traits`).

    Returns:
        One dict per trait that at least one wrong digit has, the most over-represented first:
        ``{"trait", "words", "wrong", "wrong_total", "right", "right_total"}`` (counts).

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    wrong = np.asarray(wrong, bool)
    traits = digit_traits(images, rows)
    found = []
    for name, has in traits.items():
        in_wrong, in_right = int((has & wrong).sum()), int((has & ~wrong).sum())
        if in_wrong == 0:
            continue
        found.append({"trait": name, "words": TRAITS[name], "wrong": in_wrong, "wrong_total": int(wrong.sum()),
                      "right": in_right, "right_total": int((~wrong).sum())})  # fmt: skip
    share = lambda count, total: count / total if total else 0.0  # noqa: E731
    found.sort(key=lambda item: (share(item["wrong"], item["wrong_total"]) - share(item["right"], item["right_total"]),
                                 item["wrong"]), reverse=True)  # fmt: skip
    return found
