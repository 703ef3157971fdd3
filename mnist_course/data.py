"""Load MNIST (offline first) and shape it for a model.

Introduced in notebooks/01_explore_mnist.ipynb (loading) and
notebooks/02_one_hot_encoding.ipynb (scaling, flattening, one-hot labels).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

#: Environment variable with the path to a local ``mnist.npz``.
DATA_VARIABLE = "MNIST_COURSE_DATA"

#: ``data/mnist.npz`` next to the ``mnist_course`` package, when the package runs from a clone.
REPO_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "mnist.npz"

#: How many classes (digits 0-9) MNIST has: the length of a one-hot label and of a model's output.
NUM_CLASSES = 10

# The arrays of Keras's mnist.npz and the shape each must have (None: any number of images).
_EXPECTED = {
    "x_train": (None, 28, 28),
    "y_train": (None,),
    "x_test": (None, 28, 28),
    "y_test": (None,),
}


class MnistDataError(RuntimeError):
    """MNIST could not be loaded. The message says what to do about it."""


def keras_cache_files() -> list[Path]:
    """Places where Keras keeps its downloaded ``mnist.npz`` (the first one is where it saves)."""
    homes = []
    if os.environ.get("KERAS_HOME"):
        homes.append(Path(os.environ["KERAS_HOME"]).expanduser())
    homes.append(Path.home() / ".keras")
    homes.append(Path("/tmp/.keras"))  # Keras uses this when the home folder is read-only
    return [home / "datasets" / "mnist.npz" for home in homes]


def _where_to_put_it() -> str:
    return (
        f"Put the file at {REPO_DATA_FILE}, or set {DATA_VARIABLE}=/path/to/mnist.npz, "
        "or connect to the internet once so Keras can download it."
    )


def read_mnist_file(path) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Read and check one ``mnist.npz`` file in Keras's layout.

    Args:
        path: path to the file.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: images ``(n, 28, 28) uint8`` and labels ``(n,) uint8``.

    Raises:
        MnistDataError: the file is missing, damaged, or not MNIST.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise MnistDataError(f"MNIST file not found: {path}. {_where_to_put_it()}")
    if path.is_dir():
        raise MnistDataError(f"{path} is a folder, not a file. Give the path to mnist.npz itself.")
    if path.stat().st_size == 0:
        raise MnistDataError(f"{path} is empty (0 bytes). Delete it and get mnist.npz again. {_where_to_put_it()}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in _EXPECTED if key not in archive.files]
            if missing:
                found = ", ".join(archive.files) or "nothing"
                raise MnistDataError(
                    f"{path} is not the MNIST file: it has no {', '.join(missing)} "
                    f"(it has: {found}). Use the mnist.npz that keras.datasets.mnist.load_data() downloads."
                )
            arrays = {key: archive[key] for key in _EXPECTED}
    except MnistDataError:
        raise
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as error:
        raise MnistDataError(
            f"{path} is damaged or incomplete ({error}); a download may have stopped early. "
            f"Delete it and get mnist.npz again. {_where_to_put_it()}"
        ) from None
    except (ValueError, OSError) as error:
        raise MnistDataError(
            f"{path} is not a NumPy .npz file ({error}). "
            "Use the mnist.npz that keras.datasets.mnist.load_data() downloads."
        ) from None
    _check_arrays(arrays, source=str(path))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _check_arrays(arrays: dict, source: str) -> None:
    """Raise MnistDataError unless the arrays look like MNIST."""
    for key, shape in _EXPECTED.items():
        array = arrays[key]
        if array.ndim != len(shape) or any(want not in (None, got) for want, got in zip(shape, array.shape)):
            wanted = "(n, 28, 28)" if len(shape) == 3 else "(n,)"
            raise MnistDataError(f"{source}: {key} has shape {array.shape}, expected {wanted}. This is not MNIST.")
        if array.dtype != np.uint8:
            raise MnistDataError(f"{source}: {key} has dtype {array.dtype}, expected uint8. This is not MNIST.")
    for images, labels in (("x_train", "y_train"), ("x_test", "y_test")):
        if len(arrays[images]) != len(arrays[labels]):
            raise MnistDataError(
                f"{source}: {images} has {len(arrays[images])} images but {labels} has "
                f"{len(arrays[labels])} labels. The file is damaged."
            )
        if len(arrays[labels]) and arrays[labels].max() >= NUM_CLASSES:
            raise MnistDataError(f"{source}: {labels} has labels above 9. This is not MNIST.")


def _explicit_source(path) -> Path | None:
    """The file the user asked for, by argument or environment variable, if any."""
    if path is not None:
        return Path(path)
    if os.environ.get(DATA_VARIABLE):
        return Path(os.environ[DATA_VARIABLE])
    return None


def locate_mnist(path=None) -> Path | None:
    """Return the local ``mnist.npz`` that :func:`load_mnist` would read, or None if it would download.

    The order: the ``path`` argument, ``$MNIST_COURSE_DATA``, ``data/mnist.npz`` in the
    repository, the Keras cache.
    """
    explicit = _explicit_source(path)
    if explicit is not None:
        return explicit.expanduser()
    for candidate in [REPO_DATA_FILE, *keras_cache_files()]:
        if candidate.is_file():
            return candidate
    return None


def describe_source(path=None) -> str:
    """Where :func:`load_mnist` finds MNIST, in words a student understands.

    For example "the Keras download folder (~/.keras/datasets/mnist.npz)", or "downloaded by Keras
    (about 11 MB; it keeps a copy, so next time needs no internet)".

    Introduced in notebooks/01_explore_mnist.ipynb.
    """
    from .config import display_path

    found = locate_mnist(path)
    if found is None:
        return "downloaded by Keras (about 11 MB; Keras keeps a copy, so next time needs no internet)"
    if _explicit_source(path) is not None:
        return f"a copy already on this computer, {display_path(found)}"
    if found == REPO_DATA_FILE:
        return "the course's own copy, data/mnist.npz"
    return f"the Keras download folder, {display_path(found)}"


#: Where the project's CI and developers keep MNIST: ``../shared/data/mnist.npz`` beside the clone.
SHARED_DATA_FILE = REPO_DATA_FILE.parent.parent.parent / "shared" / "data" / "mnist.npz"


def locate_for_tests(shared_file=None) -> Path:
    """The ``mnist.npz`` the test suite uses; it never downloads.

    The order: ``../shared/data/mnist.npz`` beside the clone (CI, offline), else ``$MNIST_COURSE_DATA``,
    else what :func:`locate_mnist` finds (``data/mnist.npz``, the Keras cache). Used by ``.ci/run``
    and the root ``conftest.py``, which export the answer as ``$MNIST_COURSE_DATA``.

    Raises:
        MnistDataError: with one line that says how to get MNIST, when there is no local copy.
    """
    shared = Path(shared_file) if shared_file is not None else SHARED_DATA_FILE
    if shared.is_file():
        return shared
    found = locate_mnist()
    if found is not None and found.is_file():
        return found
    if found is not None:  # $MNIST_COURSE_DATA names a file that is not there
        raise MnistDataError(f"{DATA_VARIABLE}={found} but there is no such file; the tests need MNIST.")
    raise MnistDataError(
        "The tests need MNIST and never download it: copy mnist.npz to data/, or download it once with "
        'python -c "from mnist_course.data import load_mnist; load_mnist()"'
    )


def _download_with_keras():
    """Keras's own download (it checks the file's SHA-256 and keeps it in its cache)."""
    import keras

    return keras.datasets.mnist.load_data()


def load_mnist(path=None, *, allow_download: bool = True):
    """Load MNIST, the same arrays as ``keras.datasets.mnist.load_data()``.

    Looks, in order, at: the ``path`` argument; ``$MNIST_COURSE_DATA``; ``data/mnist.npz``
    in the repository; the Keras cache; and last Keras's download (with its hash check).
    After one download the course works offline.

    Args:
        path: optional path to an ``mnist.npz`` file.
        allow_download: set False to never touch the network.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``(60000, 28, 28) uint8``, ``(60000,) uint8``,
        ``(10000, 28, 28) uint8``, ``(10000,) uint8``. Pixels: 0 = background, 255 = ink.

    Raises:
        MnistDataError: with a message that says what to do (wrong file, damaged file,
        no internet and no local copy).

    Introduced in notebooks/01_explore_mnist.ipynb.
    """
    explicit = _explicit_source(path)
    if explicit is not None:
        return read_mnist_file(explicit)
    if REPO_DATA_FILE.is_file():
        return read_mnist_file(REPO_DATA_FILE)
    for cached in keras_cache_files():
        if cached.is_file():
            try:
                return read_mnist_file(cached)
            except MnistDataError:
                break  # a bad cached file: Keras's download below checks the hash and fetches it again
    if not allow_download:
        raise MnistDataError(f"No local copy of MNIST was found and downloading is off. {_where_to_put_it()}")
    try:
        (x_train, y_train), (x_test, y_test) = _download_with_keras()
    except Exception as error:  # no network, a proxy, a failed hash check: all end the same way
        raise MnistDataError(
            f"No local copy of MNIST was found and the download failed ({type(error).__name__}: {error}). "
            f"{_where_to_put_it()}"
        ) from None
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    _check_arrays(arrays, source="Keras download")
    return (x_train, y_train), (x_test, y_test)


# ---------------------------------------------------------------------------
# Shaping the data for a model (lesson 02)
# ---------------------------------------------------------------------------


def scale(images: np.ndarray) -> np.ndarray:
    """Scale pixel values from 0-255 to 0-1.

    Args:
        images: ``uint8`` array of any shape.

    Returns:
        ``float32`` array of the same shape with values in [0, 1].

    Introduced in notebooks/02_one_hot_encoding.ipynb.
    """
    return np.asarray(images, dtype=np.float32) / 255.0


def flatten(images: np.ndarray) -> np.ndarray:
    """Turn each 28x28 image into one row of 784 numbers: ``(n, 28, 28)`` to ``(n, 784)``.

    Introduced in notebooks/02_one_hot_encoding.ipynb.
    """
    images = np.asarray(images)
    return images.reshape(len(images), -1)


def add_channel(images: np.ndarray) -> np.ndarray:
    """Add the colour-channel axis a CNN expects: ``(n, 28, 28)`` to ``(n, 28, 28, 1)``.

    Introduced in notebooks/04_convolution_and_pooling.ipynb.
    """
    return np.asarray(images)[..., np.newaxis]


def one_hot(labels, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """One-hot encode labels with Keras's ``to_categorical``: ``(n,)`` ints to ``(n, 10) float32``.

    Introduced in notebooks/02_one_hot_encoding.ipynb.
    """
    from keras.utils import to_categorical

    return to_categorical(np.asarray(labels), num_classes=num_classes).astype(np.float32)


def balanced_subset(images: np.ndarray, labels: np.ndarray, per_class: int, seed: int = 0):
    """Pick ``per_class`` examples of each digit, in shuffled order.

    Fast mode uses this to train on a small part of MNIST that still has every digit equally often.

    Args:
        images: ``(n, ...)`` array.
        labels: ``(n,)`` integer labels 0-9.
        per_class: how many examples of each digit to keep.
        seed: random seed for the choice.

    Returns:
        ``(images, labels)`` with ``10 * per_class`` rows.

    Raises:
        ValueError: a digit has fewer than ``per_class`` examples.

    Used by :func:`load_course_data`, which every lesson that trains calls (lesson 03 first).
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    chosen = []
    for digit in range(NUM_CLASSES):
        where = np.flatnonzero(labels == digit)
        if len(where) < per_class:
            raise ValueError(f"digit {digit} has only {len(where)} examples; asked for {per_class} per class")
        chosen.append(rng.choice(where, size=per_class, replace=False))
    order = rng.permutation(np.concatenate(chosen))
    return images[order], labels[order]


def load_course_data(train_per_class: int | None = None, test_per_class: int | None = None, path=None):
    """Load MNIST and, if asked, keep a class-balanced part of each split.

    In fast mode, lessons call this with small numbers; in a full run they pass None to keep everything.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` like :func:`load_mnist`.

    Introduced in notebooks/03_mlp.ipynb.
    """
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    if train_per_class:
        x_train, y_train = balanced_subset(x_train, y_train, train_per_class, seed=0)
    if test_per_class:
        x_test, y_test = balanced_subset(x_test, y_test, test_per_class, seed=1)
    return (x_train, y_train), (x_test, y_test)
