"""Build the lesson notebooks from their readable sources, with outputs from a real run.

Each lesson is written as a jupytext "percent" script in ``notebooks/src/NN_name.py``. This tool
converts it to ``notebooks/NN_name.ipynb``, runs it from top to bottom in FULL mode (unless
``--fast``), applies the course's one normalisation rule and prints how long each lesson took.
Each lesson runs with its own fresh, temporary course home (``MNIST_COURSE_HOME``), removed afterwards,
so nothing saved before (a model from ``mnist-course train``, a fast build, your own drawings) can change
what a committed notebook shows.

    python tools/build_notebooks.py                 # every lesson
    python tools/build_notebooks.py 03_mlp 05_cnn   # some lessons
    python tools/build_notebooks.py notebooks/src/03_mlp.py   # a source path works too
    python tools/build_notebooks.py --fast 01_explore_mnist   # a quick try (never commit its outputs)

Committed outputs always come from a full run of the committed source.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "notebooks" / "src"
NOTEBOOKS = REPO / "notebooks"

# Developers and CI keep MNIST beside the project (never in git); lessons find it through this variable.
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist.npz"

# The folder where lessons save models and drawings (mnist_course.config.HOME_VARIABLE).
COURSE_HOME_VARIABLE = "MNIST_COURSE_HOME"

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def normalise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The one normalisation rule: fixed metadata, numbered cell ids, no run-specific metadata.

    - notebook metadata: only the kernelspec, the language name and Colab's display hints;
    - cell ids ``cell-01``, ``cell-02``, ...; cell metadata: only ``tags`` if a cell has them;
    - outputs keep their data, but not timing or execution metadata.
    """
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    notebook.metadata = nbformat.from_dict(
        {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "colab": {"provenance": [], "toc_visible": True},
        }
    )
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number:02d}"
        tags = cell.metadata.get("tags")
        cell.metadata = nbformat.from_dict({"tags": tags} if tags else {})
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if "metadata" in output:
                    output.metadata = nbformat.from_dict(
                        {key: value for key, value in output.metadata.items() if key not in {"execution"}}
                    )
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return notebook


def dumps(notebook: nbformat.NotebookNode) -> str:
    """Canonical JSON text of a notebook (one space indent, sorted keys, final newline)."""
    text = nbformat.writes(notebook, version=4)
    return text if text.endswith("\n") else text + "\n"


def source_notebook(name: str) -> nbformat.NotebookNode:
    """Read ``notebooks/src/NAME.py`` as a notebook (no outputs)."""
    return jupytext.read(SOURCES / f"{name}.py", fmt="py:percent")


@contextlib.contextmanager
def fresh_course_home():
    """Point ``MNIST_COURSE_HOME`` at a new empty folder while a lesson runs; remove it afterwards.

    A lesson that needs the course CNN then trains its own, and one that saves a model or a drawing
    leaves nothing behind for the next lesson or the next build.
    """
    previous = os.environ.get(COURSE_HOME_VARIABLE)
    with tempfile.TemporaryDirectory(prefix="mnist-course-build-home-") as home:
        os.environ[COURSE_HOME_VARIABLE] = home
        try:
            yield Path(home)
        finally:
            if previous is None:
                os.environ.pop(COURSE_HOME_VARIABLE, None)
            else:
                os.environ[COURSE_HOME_VARIABLE] = previous


def build(name: str, fast: bool, timeout: int, models_from: Path | None = None) -> float:
    """Run one lesson and write its .ipynb. Returns the run time in seconds."""
    notebook = source_notebook(name)
    notebook.metadata["kernelspec"] = KERNELSPEC
    # The kernel inherits this process's environment.
    os.environ["MNIST_COURSE_FAST"] = "1" if fast else "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "MNIST_COURSE_DATA" not in os.environ and SHARED_MNIST.is_file():
        os.environ["MNIST_COURSE_DATA"] = str(SHARED_MNIST)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    started = time.perf_counter()
    with fresh_course_home() as home:
        if models_from is not None:  # models trained beforehand (lesson 08 loads its ensemble's members)
            shutil.copytree(models_from, home / "models")
        client.execute()
    seconds = time.perf_counter() - started
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                raise SystemExit(f"{name}: a cell raised {output.ename}: {output.evalue}")
    target = NOTEBOOKS / f"{name}.ipynb"
    target.write_text(dumps(normalise(notebook)), encoding="utf-8")
    return seconds


def update_text(name: str) -> None:
    """Take the text (markdown cells) of a lesson from its source and keep the outputs of its last build.

    For a change of wording only: markdown cells may change, come or go, but every code cell must be
    exactly as it was built, else the lesson must run again (a full build).
    """
    source, target = source_notebook(name), NOTEBOOKS / f"{name}.ipynb"
    built = nbformat.read(target, as_version=4)
    built_code = [cell for cell in built.cells if cell.cell_type == "code"]
    source_code = [cell for cell in source.cells if cell.cell_type == "code"]
    if [cell.source for cell in built_code] != [cell.source for cell in source_code]:
        raise SystemExit(f"{name}: the code cells changed since the last build; run a full build instead")
    ran = iter(built_code)
    built.cells = [next(ran) if cell.cell_type == "code" else cell for cell in source.cells]
    target.write_text(dumps(normalise(built)), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*",
                        help="lessons like 03_mlp or notebooks/src/03_mlp.py (default: all)")
    parser.add_argument("--fast", action="store_true", help="run in fast mode (for trying things; never commit)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one cell may take")
    parser.add_argument("--text-only", action="store_true",
                        help="only copy changed markdown text into the built notebooks (code unchanged)")
    parser.add_argument("--models", type=Path, default=None, metavar="DIR",
                        help="copy this folder of trained models into the lesson's course home first "
                             "(lesson 08: the folder where `mnist-course train --model ensemble` saved)")  # fmt: skip
    args = parser.parse_args()
    names = [Path(name).stem for name in args.names] or sorted(path.stem for path in SOURCES.glob("[0-9A-Z][0-9]_*.py"))
    for name in names:
        if not (SOURCES / f"{name}.py").is_file():
            print(f"no source notebooks/src/{name}.py", file=sys.stderr)
            return 2
    if args.text_only:
        for name in names:
            update_text(name)
            print(f"{name}: text updated, outputs kept")
        return 0
    for name in names:
        seconds = build(name, fast=args.fast, timeout=args.timeout, models_from=args.models)
        size = (NOTEBOOKS / f"{name}.ipynb").stat().st_size / 1024
        mode = "fast" if args.fast else "full"
        print(f"{name}: {seconds:6.1f} s in {mode} mode, {size:.0f} KiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
