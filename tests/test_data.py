"""Tests for mnist_course.data: the offline-first loader, its checks and the shaping helpers."""

import hashlib

import numpy as np
import pytest

from mnist_course import data
from mnist_course.data import MnistDataError

# From ../shared/data/README.md: the checks that a file really is MNIST.
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
FIRST_TRAIN_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
FIRST_TEST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
Y_TEST_SHA256 = "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"


def write_small_mnist(path, num_train=30, num_test=20, **overrides):
    """Write a small file in Keras's mnist.npz layout; overrides replace or add arrays."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (num_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(num_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (num_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(num_test) % 10).astype(np.uint8),
    }
    arrays.update(overrides)
    arrays = {key: value for key, value in arrays.items() if value is not None}
    np.savez(path, **arrays)
    return path


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No environment variable, no repository file, an empty Keras cache and no network."""
    monkeypatch.delenv("MNIST_COURSE_DATA", raising=False)
    monkeypatch.setattr(data, "REPO_DATA_FILE", tmp_path / "repo" / "data" / "mnist.npz")
    cache = tmp_path / "keras-home" / "datasets" / "mnist.npz"
    monkeypatch.setattr(data, "keras_cache_files", lambda: [cache])

    def no_network():
        raise OSError("URL fetch failure: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(data, "_download_with_keras", no_network)
    return tmp_path


# --- the real file -----------------------------------------------------------------------


def test_loads_real_mnist_offline(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.dtype == np.uint8
    assert np.bincount(y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS
    assert y_train[:10].tolist() == FIRST_TRAIN_LABELS
    assert y_test[:10].tolist() == FIRST_TEST_LABELS
    assert x_train.mean() == pytest.approx(33.318421, abs=1e-5)
    assert x_train.std() == pytest.approx(78.567490, abs=1e-5)
    assert hashlib.sha256(y_test.tobytes()).hexdigest() == Y_TEST_SHA256


# --- where the loader looks, in order ----------------------------------------------------


def test_path_argument_wins_over_environment(isolated, monkeypatch):
    argument_file = write_small_mnist(isolated / "argument.npz", num_train=30)
    environment_file = write_small_mnist(isolated / "environment.npz", num_train=40)
    monkeypatch.setenv("MNIST_COURSE_DATA", str(environment_file))
    (x_train, _), _ = data.load_mnist(argument_file)
    assert len(x_train) == 30
    (x_train, _), _ = data.load_mnist()
    assert len(x_train) == 40


def test_environment_variable_wins_over_repository_file(isolated, monkeypatch):
    data.REPO_DATA_FILE.parent.mkdir(parents=True)
    write_small_mnist(data.REPO_DATA_FILE, num_train=50)
    assert len(data.load_mnist()[0][0]) == 50
    monkeypatch.setenv("MNIST_COURSE_DATA", str(write_small_mnist(isolated / "env.npz", num_train=60)))
    assert len(data.load_mnist()[0][0]) == 60


def test_repository_file_wins_over_keras_cache(isolated):
    cache = data.keras_cache_files()[0]
    cache.parent.mkdir(parents=True)
    write_small_mnist(cache, num_train=70)
    assert len(data.load_mnist()[0][0]) == 70
    assert data.locate_mnist() == cache
    data.REPO_DATA_FILE.parent.mkdir(parents=True)
    write_small_mnist(data.REPO_DATA_FILE, num_train=80)
    assert len(data.load_mnist()[0][0]) == 80
    assert data.locate_mnist() == data.REPO_DATA_FILE


def test_downloads_with_keras_only_when_nothing_is_local(isolated, monkeypatch):
    calls = []

    def fake_keras_download():
        calls.append(1)
        return (np.zeros((10, 28, 28), np.uint8), np.arange(10, dtype=np.uint8)), (
            np.zeros((10, 28, 28), np.uint8),
            np.arange(10, dtype=np.uint8),
        )

    monkeypatch.setattr(data, "_download_with_keras", fake_keras_download)
    assert data.locate_mnist() is None
    (x_train, _), _ = data.load_mnist()
    assert len(x_train) == 10 and calls == [1]


def test_a_damaged_keras_cache_falls_back_to_the_download(isolated, monkeypatch):
    cache = data.keras_cache_files()[0]
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"half a download")
    with pytest.raises(MnistDataError, match="download failed"):
        data.load_mnist()


def test_no_network_and_no_copy_says_where_to_put_the_file(isolated):
    with pytest.raises(MnistDataError) as caught:
        data.load_mnist()
    message = str(caught.value)
    assert "download failed" in message
    assert "data/mnist.npz" in message.replace("\\", "/")
    assert "MNIST_COURSE_DATA" in message


def test_download_can_be_turned_off(isolated):
    with pytest.raises(MnistDataError, match="downloading is off"):
        data.load_mnist(allow_download=False)


def test_keras_cache_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert data.keras_cache_files()[0] == tmp_path / "kh" / "datasets" / "mnist.npz"


# --- which file the test suite uses (locate_for_tests; .ci/run and the root conftest.py) ---------


@pytest.fixture
def sources(isolated, monkeypatch):
    """Every source locate_for_tests knows, none present yet; a download would fail the test."""

    def no_download():
        raise AssertionError("locate_for_tests must never download")

    monkeypatch.setattr(data, "_download_with_keras", no_download)
    return {
        "shared": isolated / "shared" / "data" / "mnist.npz",
        "environment": isolated / "elsewhere" / "mnist.npz",
        "repository": data.REPO_DATA_FILE,
        "keras cache": data.keras_cache_files()[0],
    }


def _put(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_small_mnist(path)


def test_tests_use_shared_first(sources, monkeypatch):
    for path in sources.values():
        _put(path)
    monkeypatch.setenv("MNIST_COURSE_DATA", str(sources["environment"]))
    assert data.locate_for_tests(sources["shared"]) == sources["shared"]


def test_tests_use_the_environment_variable_without_shared(sources, monkeypatch):
    for name in ("environment", "repository", "keras cache"):
        _put(sources[name])
    monkeypatch.setenv("MNIST_COURSE_DATA", str(sources["environment"]))
    assert data.locate_for_tests(sources["shared"]) == sources["environment"]


def test_tests_use_the_repository_file_then_the_keras_cache(sources):
    _put(sources["keras cache"])
    assert data.locate_for_tests(sources["shared"]) == sources["keras cache"]
    _put(sources["repository"])
    assert data.locate_for_tests(sources["shared"]) == sources["repository"]


def test_tests_default_to_shared_beside_the_clone():
    assert data.SHARED_DATA_FILE == data.REPO_DATA_FILE.parent.parent.parent / "shared" / "data" / "mnist.npz"


def test_tests_stop_on_a_missing_file_named_by_the_environment(sources, monkeypatch):
    _put(sources["repository"])
    monkeypatch.setenv("MNIST_COURSE_DATA", str(sources["environment"]))
    with pytest.raises(MnistDataError, match="MNIST_COURSE_DATA=.*no such file"):
        data.locate_for_tests(sources["shared"])


def test_tests_without_any_mnist_say_how_to_get_it_in_one_line(sources):
    with pytest.raises(MnistDataError) as caught:
        data.locate_for_tests(sources["shared"])
    message = str(caught.value)
    assert "\n" not in message
    assert "copy mnist.npz to data/" in message
    assert 'python -c "from mnist_course.data import load_mnist; load_mnist()"' in message


# --- bad files: one clear message each ------------------------------------------------------


def test_missing_file(isolated):
    with pytest.raises(MnistDataError, match="not found"):
        data.load_mnist(isolated / "nowhere.npz")


def test_missing_file_named_by_environment_is_not_skipped(isolated, monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(isolated / "typo.npz"))
    with pytest.raises(MnistDataError, match="typo.npz"):
        data.load_mnist()


def test_directory_instead_of_file(isolated):
    with pytest.raises(MnistDataError, match="is a folder"):
        data.load_mnist(isolated)


def test_empty_file(isolated):
    empty = isolated / "mnist.npz"
    empty.write_bytes(b"")
    with pytest.raises(MnistDataError, match="empty"):
        data.load_mnist(empty)


def test_text_file_with_npz_name(isolated):
    text = isolated / "mnist.npz"
    text.write_text("<html>404 Not Found</html>")
    with pytest.raises(MnistDataError, match="not a NumPy .npz file"):
        data.load_mnist(text)


def test_truncated_file(isolated):
    whole = write_small_mnist(isolated / "whole.npz")
    truncated = isolated / "truncated.npz"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(MnistDataError, match="damaged or incomplete"):
        data.load_mnist(truncated)


def test_npz_without_mnist_arrays(isolated):
    other = isolated / "other.npz"
    np.savez(other, weights=np.zeros(3))
    with pytest.raises(MnistDataError, match="not the MNIST file: it has no x_train"):
        data.load_mnist(other)


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"x_train": np.zeros((30, 32, 32), np.uint8)}, r"x_train has shape \(30, 32, 32\)"),
        ({"x_test": np.zeros((20, 28, 28), np.float64)}, "x_test has dtype float64"),
        ({"y_train": np.full(30, 12, np.uint8)}, "labels above 9"),
        ({"y_test": np.zeros(5, np.uint8)}, "20 images but y_test has 5 labels"),
    ],
)
def test_wrong_contents(isolated, overrides, expected):
    path = write_small_mnist(isolated / "wrong.npz", **overrides)
    with pytest.raises(MnistDataError, match=expected):
        data.load_mnist(path)


# --- shaping helpers ---------------------------------------------------------------------


def test_scale():
    images = np.array([[0, 128, 255]], dtype=np.uint8)
    scaled = data.scale(images)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, [[0.0, 128 / 255, 1.0]], rtol=1e-6)


def test_flatten_keeps_rows_in_order(mnist):
    (x_train, _), _ = mnist
    flat = data.flatten(x_train[:3])
    assert flat.shape == (3, 784)
    np.testing.assert_array_equal(flat[1, 28 * 5 : 28 * 6], x_train[1, 5])


def test_add_channel():
    assert data.add_channel(np.zeros((4, 28, 28))).shape == (4, 28, 28, 1)


def test_one_hot_of_eleven_digits_has_one_one_in_the_digit_s_column():
    encoded = data.one_hot([2, 1, 3, 4, 5, 6, 1, 7, 8, 9, 0])
    assert encoded.shape == (11, 10) and encoded.dtype == np.float32
    assert encoded.sum(axis=1).tolist() == [1.0] * 11
    assert np.argmax(encoded, axis=1).tolist() == [2, 1, 3, 4, 5, 6, 1, 7, 8, 9, 0]


def test_balanced_subset(mnist):
    (x_train, y_train), _ = mnist
    images, labels = data.balanced_subset(x_train, y_train, per_class=25, seed=3)
    assert images.shape == (250, 28, 28)
    assert np.bincount(labels, minlength=10).tolist() == [25] * 10
    # the pairs stay together: each chosen image is the one stored with its label
    row = int(np.flatnonzero((x_train == images[0]).all(axis=(1, 2)))[0])
    assert y_train[row] == labels[0]
    again, _ = data.balanced_subset(x_train, y_train, per_class=25, seed=3)
    np.testing.assert_array_equal(images, again)


def test_balanced_subset_asks_for_too_many():
    with pytest.raises(ValueError, match="digit 1 has only 1 examples"):
        data.balanced_subset(np.zeros((11, 2)), np.array([0] * 10 + [1]), per_class=2)


def test_load_course_data_subsets_both_splits(mnist):
    (x_train, y_train), (x_test, y_test) = data.load_course_data(train_per_class=20, test_per_class=5)
    assert x_train.shape == (200, 28, 28) and x_test.shape == (50, 28, 28)
    assert np.bincount(y_test, minlength=10).tolist() == [5] * 10
