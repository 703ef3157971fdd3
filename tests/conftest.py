"""Shared fixtures: the real MNIST arrays, a private course home, a briefly trained model.

The environment (fast mode, MNIST_COURSE_DATA, a private MNIST_COURSE_HOME) is set in ../conftest.py.
"""

import pytest


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST arrays, loaded once for the session (never downloaded in tests)."""
    from mnist_course.data import load_mnist

    try:
        return load_mnist(allow_download=False)
    except Exception as error:  # pragma: no cover - tells the developer how to fix the set-up
        pytest.fail(f"MNIST is needed for the tests: {error}")


@pytest.fixture
def course_home(tmp_path, monkeypatch):
    """A private, empty MNIST_COURSE_HOME so tests never touch the user's own files."""
    home = tmp_path / "course-home"
    monkeypatch.setenv("MNIST_COURSE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def trained_model_path(tmp_path_factory, mnist):
    """A course CNN trained briefly on a small real subset (well above chance), saved as .keras.

    Tests of prediction, the CLI and the drawing pad share it so that only one model is trained.
    """
    from mnist_course import config, data, models, training

    (x_train, y_train), _ = mnist
    images, labels = data.balanced_subset(x_train, y_train, per_class=300, seed=0)
    config.set_seed(0)
    model = models.build("cnn")
    # Small batches give enough steps (about 130) on this small subset to end far above chance.
    training.train(model, data.scale(images), labels, epochs=3, batch_size=64, validation_split=0.1, verbose=False)
    path = tmp_path_factory.mktemp("model") / "cnn.keras"
    training.save_model(model, path)
    return path


@pytest.fixture(scope="session")
def ensemble_model_path(tmp_path_factory, trained_model_path):
    """An ensemble (lesson 08) of two copies of the briefly trained course CNN, saved as one .keras file.

    Its answers equal the single model's, so tests can check that every command and the pad take it as is.
    """
    from mnist_course import models, training

    member = training.load_model(trained_model_path)
    path = tmp_path_factory.mktemp("ensemble") / "ensemble.keras"
    training.save_model(models.ensemble([member, training.load_model(trained_model_path)]), path)
    return path
