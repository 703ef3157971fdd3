"""The one call at the top of every lesson, so that a lesson starts with its subject, not with set-up.

Every lesson's Setup cell is::

    from mnist_course import lesson
    keras, FAST = lesson.start()

``start`` does, in this order, what each lesson used to spell out in 20-30 lines:

1. ``TF_CPP_MIN_LOG_LEVEL=2`` before TensorFlow loads, and TensorFlow imported with its C++ start-up lines
   hidden (``config.import_keras_quietly``; TensorFlow 2.19 and newer print "oneDNN custom operations are
   on" whatever that variable says).
2. On Google Colab: the custom widget manager, which the drawing pad needs (Colab's ipywidgets 7 does not
   show custom widgets without it).
3. ``config.check_versions()``: a clear message if Keras is older than 3.
4. ``config.set_seed(seed)``: Python, NumPy and Keras seeded, so a run can be repeated.
5. Fast or full mode (``config.is_fast_mode``): one line says which.

Installing the course library on Colab cannot be part of this call (the library is not there yet to be
imported), so each lesson has a four-line cell before Setup that installs it only when it is missing.

Introduced in notebooks/01_explore_mnist.ipynb.
"""

from __future__ import annotations

import sys
from typing import NamedTuple

from . import config


class Started(NamedTuple):
    """What ``start`` gives a lesson: ``keras, FAST = lesson.start()``."""

    keras: object
    fast: bool


def on_colab() -> bool:
    """True when this Python runs in Google Colab."""
    return "google.colab" in sys.modules


def _enable_colab_widgets() -> None:
    try:
        from google.colab import output  # type: ignore[import-not-found]
    except ImportError:  # not Colab after all, or an old Colab
        return
    output.enable_custom_widget_manager()


def mode_line(fast: bool, language: str = "en") -> str:
    """The one line ``start`` prints: which mode the lesson runs in, in plain words (English or Korean)."""
    if language == "ko":
        if fast:
            return "빠른 모드: 적은 데이터와 적은 에포크로 실행합니다(테스트용). 숫자가 본문과 다릅니다."
        return "전체 모드: 본문과 같이 모든 데이터로 실행합니다."
    if fast:
        return "Fast mode: small data and few epochs (for tests). Numbers will differ from the text."
    return "Full mode: all the data, as in the text."


def start(seed: int = 42, *, language: str | None = None, verbose: bool = True) -> Started:
    """Start a lesson: quiet TensorFlow, Colab widgets, version check, seeds, fast or full mode.

    Args:
        seed: the random seed for Python, NumPy and Keras.
        language: ``"ko"`` in the Korean lessons: the drawing pad, the upload button and the "not sure" line
            speak Korean (``config.set_language``). None keeps English.
        verbose: print the mode line.

    Returns:
        ``Started(keras, fast)``: the ``keras`` module and whether this is fast mode.

    Raises:
        RuntimeError: with the command to run, when Keras is older than 3.
    """
    config.set_language(language)
    keras = config.import_keras_quietly()
    if on_colab():
        _enable_colab_widgets()
    config.check_versions()
    config.set_seed(seed)
    fast = config.is_fast_mode()
    if verbose:
        print(mode_line(fast, config.language()))
    return Started(keras, fast)
