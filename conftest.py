"""Test-session environment, for the unit tests and for the notebooks that nbval runs.

It lives at the top of the repository so that `pytest notebooks/05_cnn.ipynb` gets it too.
Notebook kernels inherit this process's environment.
"""

import os
import tempfile

import pytest

from mnist_course.data import MnistDataError, locate_for_tests

# Fast mode unless the caller chose otherwise: small data, few epochs.
os.environ.setdefault("MNIST_COURSE_FAST", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Tests never write into the user's own ~/mnist-course: a fast-mode lesson 05 would replace their model.
if "MNIST_COURSE_HOME" not in os.environ:
    os.environ["MNIST_COURSE_HOME"] = tempfile.mkdtemp(prefix="mnist-course-test-home-")

# MNIST for the tests, never downloaded: ../shared/data/mnist.npz beside the project (CI), else
# $MNIST_COURSE_DATA, else data/mnist.npz or the Keras cache (mnist_course.data.locate_for_tests).
try:
    os.environ["MNIST_COURSE_DATA"] = str(locate_for_tests())
    MNIST_PROBLEM = None
except MnistDataError as error:
    MNIST_PROBLEM = str(error)


def pytest_configure(config):
    """Stop before collecting anything, with one line, when there is no local MNIST."""
    if MNIST_PROBLEM and not (config.option.help or config.option.version):
        raise pytest.UsageError(MNIST_PROBLEM)
