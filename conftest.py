"""Test-session environment, for the unit tests and for the notebooks that nbval runs.

It lives at the top of the repository so that `pytest notebooks/05_cnn.ipynb` gets it too.
Notebook kernels inherit this process's environment.
"""

import os
import tempfile
from pathlib import Path

# Fast mode unless the caller chose otherwise: small data, few epochs.
os.environ.setdefault("MNIST_COURSE_FAST", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# MNIST beside the project (developers and CI); nothing is downloaded in tests.
SHARED_MNIST = Path(__file__).resolve().parent.parent / "shared" / "data" / "mnist.npz"
if "MNIST_COURSE_DATA" not in os.environ and SHARED_MNIST.is_file():
    os.environ["MNIST_COURSE_DATA"] = str(SHARED_MNIST)

# Tests never write into the user's own ~/mnist-course: a fast-mode lesson 05 would replace their model.
if "MNIST_COURSE_HOME" not in os.environ:
    os.environ["MNIST_COURSE_HOME"] = tempfile.mkdtemp(prefix="mnist-course-test-home-")
