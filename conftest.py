"""Test-session environment, for the unit tests and for the notebooks that nbval runs.

It lives at the top of the repository so that `pytest notebooks/05_cnn.ipynb` gets it too.
Notebook kernels inherit this process's environment.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from mnist_course.data import MnistDataError, locate_for_tests

# Fast mode unless the caller chose otherwise: small data, few epochs.
os.environ.setdefault("MNIST_COURSE_FAST", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Tests never write into the user's own ~/mnist-course: a fast-mode lesson 05 would replace their model.
# The temporary folders made here are removed when the session ends (pytest_unconfigure).
MADE_HERE = []
if "MNIST_COURSE_HOME" not in os.environ:
    os.environ["MNIST_COURSE_HOME"] = tempfile.mkdtemp(prefix="mnist-course-test-home-")
    MADE_HERE.append(os.environ["MNIST_COURSE_HOME"])

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


def pytest_unconfigure(config):
    """Remove the temporary course home and IPython folder that this session made."""
    for folder in MADE_HERE:
        shutil.rmtree(folder, ignore_errors=True)


# Deprecations in the course's own code are errors: a lesson must not teach an API that is on its way out.
# pyproject.toml's filterwarnings does this for the tests in this process. Notebooks and the command line
# run in other processes, which pytest's filters never reach:
# - notebook kernels (nbval, Voila) run this IPython start-up file first. It must be a start-up file:
#   IPython shows DeprecationWarnings from notebook cells (__main__) on its own, overriding PYTHONWARNINGS.
# - every other Python process (the CLI tests) gets PYTHONWARNINGS for each mnist_course module by name
#   (PYTHONWARNINGS takes exact module names, not patterns).
WARNING_CATEGORIES = ("DeprecationWarning", "PendingDeprecationWarning", "FutureWarning")
KERNEL_STARTUP = f"""# Written by mnist-course's conftest.py for the test session only.
import warnings

for _category in ({", ".join(WARNING_CATEGORIES)}):
    warnings.filterwarnings("error", category=_category, module=r"(__main__|mnist_course)(\\.|$)")
"""
ipython_dir = Path(tempfile.mkdtemp(prefix="mnist-course-test-ipython-"))
MADE_HERE.append(ipython_dir)
(ipython_dir / "profile_default" / "startup").mkdir(parents=True)
(ipython_dir / "profile_default" / "startup" / "00-deprecations-are-errors.py").write_text(KERNEL_STARTUP)
os.environ["IPYTHONDIR"] = str(ipython_dir)

_package = Path(__file__).resolve().parent / "mnist_course"
_modules = ["mnist_course"] + [
    "mnist_course." + ".".join(path.relative_to(_package).with_suffix("").parts).removesuffix(".__init__")
    for path in sorted(_package.rglob("*.py"))
    if path.name != "__init__.py" or path.parent != _package
]
os.environ["PYTHONWARNINGS"] = ",".join(
    filter(None, [os.environ.get("PYTHONWARNINGS")] + [
        f"error::{category}:{module}" for module in _modules for category in WARNING_CATEGORIES
    ])
)
