"""What people read: one digit and its confidence, or "not sure: 7 or 1?" when the model hesitates.

Only NumPy: ``mnist-course predict``, the desktop app and the class page answer without TensorFlow
(``mnist_course.onnx_model``). ``calibration`` explains why a confidence can be trusted and offers these
names too (``calibration.answer``, ``calibration.UNSURE_BELOW``), as lesson 06 shows them.
"""

from __future__ import annotations

import numpy as np

#: Below this confidence the course says "not sure: 7 or 1?" instead of one digit. Chosen on the
#: tuning half of the real handwriting set (``bench/benchmark_handwriting.py --split tune --kinds real``):
#: below it, the model's answers on people's own digits were wrong far more often than above it.
UNSURE_BELOW = 0.8


#: "not sure: 7 or 1?" in each language the course speaks (``config.LANGUAGES``).
NOT_SURE = {"en": "not sure: {first} or {second}?", "ko": "확실하지 않음: {first} 또는 {second}?"}


def answer(probabilities, unsure_below: float = UNSURE_BELOW, language: str | None = None) -> str:
    """One short answer for people: ``"7 (98%)"``, or ``"not sure: 7 or 1?"`` when the model hesitates.

    Args:
        probabilities: ``(10,)`` for one image.
        language: ``"en"`` or ``"ko"`` (default: ``config.language()``, which the Korean lessons set).

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    from mnist_course import config  # NumPy and the standard library only

    probabilities = np.asarray(probabilities).reshape(-1)
    first, second = np.argsort(probabilities)[::-1][:2]
    if probabilities[first] < unsure_below:
        return NOT_SURE.get(language or config.language(), NOT_SURE["en"]).format(first=first, second=second)
    return f"{first} ({probabilities[first]:.0%})"
