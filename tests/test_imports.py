"""Importing does nothing: no environment variable set and no folder made by importing mnist_course.

Each check runs in a fresh Python with a temporary HOME and a course home that does not exist yet,
so nothing this test session imported or set can hide a side effect.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: Every module of the package, commands included (found on disk, so a new module is checked too).
MODULES = ["mnist_course"] + sorted(
    "mnist_course." + ".".join(path.relative_to(REPO / "mnist_course").with_suffix("").parts)
    for path in (REPO / "mnist_course").rglob("*.py")
    if path.name != "__init__.py" or path.parent != REPO / "mnist_course"
)
MODULES = [name.removesuffix(".__init__") for name in MODULES]

#: Libraries our modules import; loaded before the "before" snapshot, because TensorFlow and others
#: may set variables of their own when imported, and only what mnist_course does is checked here.
THIRD_PARTY = ["numpy", "scipy.ndimage", "PIL.Image", "tensorflow", "keras", "matplotlib.pyplot", "anywidget", "traitlets"]

SCRIPT = """
import importlib, json, os, sys
for name in {third_party!r}:
    importlib.import_module(name)
import keras, matplotlib


def settings():  # what a module could change at import besides variables: plotting backend, number precision
    return [str(dict.__getitem__(matplotlib.rcParams, "backend")), keras.mixed_precision.global_policy().name]


before, settings_before = dict(os.environ), settings()
for name in {modules!r}:
    importlib.import_module(name)
after = dict(os.environ)
changed = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
print(json.dumps({{"changed": changed, "settings": [settings_before, settings()]}}))
"""


def _fresh_python(code, tmp_path, course_home=None):
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("MNIST_COURSE", "TF_", "KERAS_", "MPL"))}  # fmt: skip
    environment["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    if course_home is not None:
        environment["MNIST_COURSE_HOME"] = str(course_home)
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=REPO,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_mnist_course_alone_changes_nothing(tmp_path):
    code = (
        "import json, os\nbefore = dict(os.environ)\nimport mnist_course\n"
        "print(json.dumps({'changed': sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))}))"
    )
    course_home = tmp_path / "not-there"
    assert _fresh_python(code, tmp_path, course_home)["changed"] == []
    assert not course_home.exists()


@pytest.mark.parametrize("home_from", ["MNIST_COURSE_HOME", "HOME"])
def test_importing_every_module_sets_no_variable_and_makes_no_folder(tmp_path, home_from):
    course_home = tmp_path / "not-there" if home_from == "MNIST_COURSE_HOME" else None
    result = _fresh_python(SCRIPT.format(third_party=THIRD_PARTY, modules=MODULES), tmp_path, course_home)
    assert result["changed"] == [], f"importing mnist_course set {result['changed']}"
    settings_before, settings_after = result["settings"]
    assert settings_after == settings_before, "importing changed the matplotlib backend or Keras's precision policy"
    if course_home is not None:
        assert not course_home.exists(), "importing made the course home"
        assert not (tmp_path / "not-there").exists()
    assert not (tmp_path / "home" / "mnist-course").exists(), "importing made ~/mnist-course"
