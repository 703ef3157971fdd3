"""lesson.start: the one call at the top of every lesson."""

import os
import sys

from mnist_course import config, data, lesson


def test_start_returns_keras_and_the_mode_and_seeds(monkeypatch, capsys):
    monkeypatch.setenv("MNIST_COURSE_FAST", "1")
    keras, fast = lesson.start(seed=7)
    assert fast is True and keras is sys.modules["keras"]
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] in {"1", "2", "3"}  # set before TensorFlow loaded
    assert capsys.readouterr().out.strip() == lesson.mode_line(True)
    first = keras.ops.convert_to_numpy(keras.random.uniform((3,)))
    lesson.start(seed=7, verbose=False)
    assert (keras.ops.convert_to_numpy(keras.random.uniform((3,))) == first).all()  # the same seed again


def test_start_in_full_mode_says_so(monkeypatch, capsys):
    monkeypatch.setenv("MNIST_COURSE_FAST", "0")
    assert lesson.start().fast is False
    assert capsys.readouterr().out.startswith("Full mode")


def test_describe_source_names_where_mnist_comes_from_in_words(monkeypatch, tmp_path):
    file = tmp_path / "mnist.npz"
    file.write_bytes(b"")
    monkeypatch.setenv("MNIST_COURSE_DATA", str(file))
    assert data.describe_source() == "a copy already on this computer, [your MNIST file]"
    monkeypatch.delenv("MNIST_COURSE_DATA")
    monkeypatch.setattr(data, "REPO_DATA_FILE", tmp_path / "none.npz")
    monkeypatch.setattr(data, "keras_cache_files", lambda: [tmp_path / "cache" / "mnist.npz"])
    assert data.describe_source().startswith("downloaded by Keras")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "mnist.npz").write_bytes(b"")
    assert data.describe_source().startswith("the Keras download folder, ")
    monkeypatch.setattr(data, "REPO_DATA_FILE", file)
    assert data.describe_source() == "the course's own copy, data/mnist.npz"
    assert "$" not in config.display_path(file)
