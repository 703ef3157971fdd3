"""Every "Introduced in notebooks/NN_name.ipynb" in the library names a lesson that really shows it.

The course teaches an idea in a lesson first and imports it from ``mnist_course`` later; each public
function, class and module says in its docstring which lesson introduces it. This test reads every such
line and checks that the lesson's source, ``notebooks/src/NN_name.py``, uses the name (``to_box`` must
appear in the lesson named by ``to_box``'s docstring). A failure names the object and the lesson.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import mnist_course

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "notebooks" / "src"
INTRODUCED = re.compile(r"Introduced in\s+notebooks/([0-9A-Z]\d_\w+)\.ipynb")  # 05_cnn, or an appendix: A1_...


def _module_names() -> list[str]:
    names = ["mnist_course"]
    for info in pkgutil.walk_packages(mnist_course.__path__, prefix="mnist_course."):
        names.append(info.name)
    return sorted(names)


def _documented_objects():
    """``(module name, object name, docstring)`` for each module and each public function and class."""
    found = []
    for module_name in _module_names():
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:  # e.g. the desktop app without tkinter
            found.append(pytest.param(module_name, None, None, id=module_name,
                                      marks=pytest.mark.skip(reason=f"cannot import: {error}")))
            continue
        found.append(pytest.param(module_name, None, inspect.getdoc(module) or "", id=module_name))
        for name, value in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            if getattr(value, "__module__", None) != module_name:
                continue  # imported from elsewhere: checked where it is defined
            found.append(pytest.param(module_name, name, inspect.getdoc(value) or "", id=f"{module_name}.{name}"))
    return found


def _lesson_mentions(lesson_source: str, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", lesson_source) is not None


@pytest.mark.parametrize("module_name, name, docstring", _documented_objects())
def test_introduced_in_names_a_lesson_that_uses_it(module_name, name, docstring):
    lessons = INTRODUCED.findall(docstring)
    if not lessons:
        return  # private helpers and small classes need not name a lesson
    # A module counts as used when the lesson names it (``from mnist_course import plots`` -> ``plots``).
    wanted = name or module_name.rsplit(".", 1)[-1]
    for lesson in lessons:
        source = SOURCES / f"{lesson}.py"
        assert source.is_file(), f"{module_name}.{name}: 'Introduced in notebooks/{lesson}.ipynb' names no lesson"
        assert _lesson_mentions(source.read_text(encoding="utf-8"), wanted), (
            f"{module_name}{'.' + name if name else ''}: its docstring says 'Introduced in "
            f"notebooks/{lesson}.ipynb', but notebooks/src/{lesson}.py never uses {wanted!r}"
        )


def test_the_check_finds_docstrings():
    """Guard against a test that passes because it found nothing."""
    with_lesson = [param for param in _documented_objects() if param.values[2] and INTRODUCED.search(param.values[2])]
    assert len(with_lesson) > 30
