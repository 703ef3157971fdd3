"""Course-wide settings: fast mode, random seeds, quiet logs and where files are kept.

Introduced in notebooks/03_mlp.ipynb (lessons start with ``lesson.start()``, which uses it).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np

#: Environment variable that turns on fast mode ("1", "true" or "yes").
FAST_MODE_VARIABLE = "MNIST_COURSE_FAST"

#: Environment variable for the folder where the course keeps models and your own digits.
HOME_VARIABLE = "MNIST_COURSE_HOME"

#: Environment variable that forces the number format of the course's CNNs: "float32" or "mixed_bfloat16".
PRECISION_VARIABLE = "MNIST_COURSE_PRECISION"

#: The number formats ``MNIST_COURSE_PRECISION`` may ask for ("auto" or empty: the fastest here).
PRECISIONS = ("float32", "mixed_bfloat16")


#: Environment variable: the language of the pad, the upload button and the "not sure" line (``en``, ``ko``).
LANGUAGE_VARIABLE = "MNIST_COURSE_LANGUAGE"

#: The languages the course speaks: English and Korean (the Korean lessons are in notebooks/ko/).
LANGUAGES = ("en", "ko")

_language: str | None = None


def language() -> str:
    """The language of the course's widgets and answers: the one ``lesson.start(language=...)`` chose,
    else ``$MNIST_COURSE_LANGUAGE``, else English (``"en"``). The command line always speaks English.

    Used by the drawing pad, the upload button and ``answers.answer``; the Korean lessons set it.
    """
    chosen = _language or os.environ.get(LANGUAGE_VARIABLE, "").strip().lower() or "en"
    return chosen if chosen in LANGUAGES else "en"


def set_language(name: str | None) -> str:
    """Choose the language of the widgets and answers (``"en"`` or ``"ko"``; None: back to the default).

    Raises:
        ValueError: a language the course does not speak.
    """
    global _language
    if name is not None and str(name).lower() not in LANGUAGES:
        raise ValueError(f"the course speaks {', '.join(LANGUAGES)}, not {name!r}")
    _language = None if name is None else str(name).lower()
    return language()


def is_fast_mode() -> bool:
    """Return True when ``MNIST_COURSE_FAST`` asks for fast mode.

    Fast mode makes every notebook use a small, class-balanced part of MNIST and
    fewer epochs, so that the whole course runs in CI in a few minutes. Without it,
    the notebooks do the full run that their text describes.
    """
    value = os.environ.get(FAST_MODE_VARIABLE, "").strip().lower()
    return value in {"1", "true", "yes", "on"}


def pick(full, fast):
    """Return ``fast`` in fast mode and ``full`` otherwise.

    Example: ``num_epochs = pick(full=10, fast=1)``.
    """
    return fast if is_fast_mode() else full


def precision_asked() -> str | None:
    """The number format ``MNIST_COURSE_PRECISION`` asks for, or None to let the course pick the fastest.

    Raises:
        ValueError: the variable holds something other than "float32", "mixed_bfloat16" or "auto".

    Used by ``models.fast_dtype_policy``; notebooks/08_toward_99_7.ipynb compares the two formats.
    """
    value = os.environ.get(PRECISION_VARIABLE, "").strip().lower()
    if value in {"", "auto"}:
        return None
    if value in {"bfloat16", "bf16"}:
        value = "mixed_bfloat16"
    if value not in PRECISIONS:
        raise ValueError(f"{PRECISION_VARIABLE}={value!r} is not a number format the course knows; "
                         f"use one of: {', '.join(PRECISIONS)} (or auto)")
    return value


#: ``ONEDNN_MAX_CPU_ISA`` values that stop oneDNN before the bfloat16 instructions (oneDNN's own names).
ISAS_BELOW_BFLOAT16 = ("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX512_CORE", "AVX512_CORE_VNNI")


def isa_limited_below_bfloat16() -> bool:
    """True when ``ONEDNN_MAX_CPU_ISA`` limits oneDNN to instructions without bfloat16 (e.g. ``AVX2``)."""
    return os.environ.get("ONEDNN_MAX_CPU_ISA", "").strip().upper() in ISAS_BELOW_BFLOAT16


def cpu_has_bfloat16() -> bool:
    """True when this computer's CPU has bfloat16 instructions (AVX512-BF16 or AMX) and may use them.

    Reads the CPU flags that Linux lists in its cpuinfo file; False where that file cannot be read, and
    False when ``ONEDNN_MAX_CPU_ISA`` keeps TensorFlow's oneDNN below bfloat16 (``AVX2``: how the course
    measures a common laptop's speed on a newer CPU).

    Used by :func:`bfloat16_is_faster`.
    """
    if isa_limited_below_bfloat16():
        return False
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpu_info:
            flags = cpu_info.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def bfloat16_is_faster() -> bool:
    """True when 16-bit numbers (bfloat16) train faster here: no GPU, and a CPU with bfloat16 instructions.

    On a GPU, or on a CPU without those instructions, float32 is faster. False when TensorFlow is
    not installed.

    Used by ``models.fast_dtype_policy``.
    """
    try:
        import tensorflow as tf
    except ImportError:
        return False
    if tf.config.list_physical_devices("GPU"):
        return False
    return cpu_has_bfloat16()


def bfloat16_runs_here() -> bool:
    """True when a model that computes in bfloat16 can run here: a GPU, or a CPU with bfloat16 instructions.

    On other CPUs TensorFlow's oneDNN cannot make a bfloat16 convolution ("could not create a primitive
    descriptor"), so ``training.load_model`` loads such a model in float32 instead.
    """
    if cpu_has_bfloat16():
        return True
    try:
        import tensorflow as tf
    except ImportError:
        return False
    return bool(tf.config.list_physical_devices("GPU"))


def set_seed(seed: int = 42) -> None:
    """Make a run repeatable: seed Python, NumPy and (if it is loaded) Keras/TensorFlow."""
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    import sys

    if "keras" in sys.modules or "tensorflow" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)


def quiet_tensorflow() -> None:
    """Hide TensorFlow's start-up and warning messages so notebook outputs stay clean."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)


def course_home() -> Path:
    """Folder for the course's own files: trained models and your saved digits.

    ``$MNIST_COURSE_HOME`` if it is set, else ``~/mnist-course``. It is created on first use.
    """
    home = Path(os.environ.get(HOME_VARIABLE) or Path.home() / "mnist-course").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def default_model_path() -> Path:
    """Where ``mnist-course train`` saves the course CNN and where ``predict`` looks for it."""
    return course_home() / "models" / "cnn.keras"


def my_digits_dir() -> Path:
    """Folder where the drawing pad saves your own labelled digits."""
    return course_home() / "my_digits"


def check_versions() -> dict:
    """Check that the installed libraries are new enough for the course; return their versions.

    Raises:
        RuntimeError: with the command to run, when Keras is older than 3 (the course uses Keras 3).
    """
    import sys

    import keras

    versions = {"python": sys.version.split()[0], "keras": keras.__version__, "numpy": np.__version__}
    major = int(keras.__version__.split(".")[0])
    if major < 3:
        raise RuntimeError(
            f"This course needs Keras 3, but Keras {keras.__version__} is installed. "
            'Run: pip install -U "tensorflow>=2.16" "keras>=3.6"'
        )
    return versions


def import_keras_quietly():
    """Import TensorFlow and Keras without their C++ start-up lines; return the ``keras`` module.

    TensorFlow 2.19 and newer print "oneDNN custom operations are on" and "Could not find cuda drivers"
    to the terminal whatever ``TF_CPP_MIN_LOG_LEVEL`` says (tensorflow/tensorflow#100442). The command
    line tools hide the process's standard error while TensorFlow loads. Python errors still show.
    """
    import sys

    if "tensorflow" not in sys.modules:
        quiet_tensorflow()
        sys.stderr.flush()
        saved_stderr = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            import tensorflow

            tensorflow.config.list_physical_devices()  # device start-up prints its own lines too
        finally:
            os.dup2(saved_stderr, 2)
            os.close(devnull)
            os.close(saved_stderr)
        quiet_tensorflow()  # TensorFlow sets its Python logger back to INFO while it loads
    import keras

    return keras


#: Folders and files chosen by an environment variable, and the words ``display_path`` writes for them.
PATH_WORDS = {HOME_VARIABLE: "[course folder]", "MNIST_COURSE_DATA": "[your MNIST file]"}


def display_path(path) -> str:
    """A path as a student reads it, without this computer's own folders.

    A path in your home folder starts with ``~``: ``~/mnist-course/models/cnn.keras`` instead of
    ``/home/name/mnist-course/models/cnn.keras``. When the course folder was moved elsewhere (the
    ``MNIST_COURSE_HOME`` setting; a lesson build and the tests use a temporary one), a path inside it starts
    with ``[course folder]``: ``[course folder]/models/cnn.keras``; the MNIST file named by
    ``MNIST_COURSE_DATA`` is ``[your MNIST file]``.

    Returns:
        the path as text with forward slashes.

    Introduced in notebooks/05_cnn.ipynb.
    """
    path = Path(path).expanduser().resolve()
    for variable, words in PATH_WORDS.items():
        value = os.environ.get(variable)
        if not value:
            continue
        folder = Path(value).expanduser().resolve()
        if path == folder:
            return words
        if path.is_relative_to(folder):
            return f"{words}/" + path.relative_to(folder).as_posix()
    try:
        return "~/" + path.relative_to(Path.home().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
