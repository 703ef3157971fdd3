"""Notebook hygiene: every lesson follows the one normalisation rule and came from its committed source.

nbval (pytest --nbval-lax) runs the notebooks themselves; these tests check the files.
"""

import json
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import build_notebooks  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOURCES = sorted((REPO / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
MAX_NOTEBOOK_BYTES = 1_000_000

# The Setup cell's line that quiets TensorFlow's C++ logs: it only works before TensorFlow is imported.
TF_LOG_LEVEL_LINE = re.compile(r"""\s*os\.environ(\.setdefault\(|\[)["']TF_CPP_MIN_LOG_LEVEL["']""")
# A line that can import TensorFlow: TensorFlow or Keras themselves, or the course library (its models,
# training, plots and widgets import Keras, and config.import_keras_quietly() imports TensorFlow).
IMPORTS_TENSORFLOW = re.compile(
    r"\s*(from\s+(tensorflow|keras|mnist_course)\b|import\s+.*\b(tensorflow|keras|mnist_course)\b)"
    r"|.*\bimport_keras_quietly\("
)


def test_every_source_has_a_notebook_and_back():
    assert [path.stem for path in NOTEBOOKS] == [path.stem for path in SOURCES]
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_normalised(path):
    text = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    again = build_notebooks.dumps(build_notebooks.normalise(nbformat.reads(text, as_version=4)))
    assert text == again, "not in canonical form: rebuild it with tools/build_notebooks.py"
    nbformat.validate(notebook)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_cells_match_their_source(path):
    committed = nbformat.read(path, as_version=4)
    source = jupytext.read(REPO / "notebooks" / "src" / f"{path.stem}.py", fmt="py:percent")
    committed_cells = [(cell.cell_type, cell.source) for cell in committed.cells]
    source_cells = [(cell.cell_type, cell.source) for cell in source.cells]
    assert committed_cells == source_cells, "the .ipynb is older than its source: rebuild it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_outputs_come_from_one_clean_run(path):
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code_cells] == list(range(1, len(code_cells) + 1))
    for cell in code_cells:
        for output in cell.outputs:
            assert output.output_type != "error", f"error output in: {cell.source[:60]!r}"
            text = output.get("text", "") if output.output_type == "stream" else ""
            assert "Traceback" not in text
            assert "\r" not in text, "progress-bar output (carriage returns) in a notebook"
            assert "0000 00:00:" not in text, "TensorFlow C++ log lines: use config.import_keras_quietly()"
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_starts_the_course_way(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0].source
    assert first.startswith("# "), "first cell: one H1 title"
    assert f"colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/{path.name}" in first
    assert "**What you will learn:**" in first and "**Builds on:**" in first
    setup = next(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert 'IS_COLAB = "google.colab" in sys.modules' in setup
    lines = setup.splitlines()
    quiet = next((n for n, line in enumerate(lines) if TF_LOG_LEVEL_LINE.match(line)), None)
    assert quiet is not None, "Setup cell: set TF_CPP_MIN_LOG_LEVEL in os.environ before TensorFlow is imported"
    first_import = next((n for n, line in enumerate(lines) if IMPORTS_TENSORFLOW.match(line)), None)
    assert first_import is not None, "Setup cell: no line imports Keras (config.import_keras_quietly())"
    assert quiet < first_import, f"TF_CPP_MIN_LOG_LEVEL is set after {lines[first_import].strip()!r} imports TensorFlow"
    assert "is_fast_mode()" in setup
    headings = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert any("## What we learned" in text for text in headings)
    titles = sum(line.startswith("# ") for text in headings for line in text.splitlines())
    assert titles == 1, "exactly one H1 title"


COLAB_BADGE = re.compile(
    r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]"
    r"\((https://colab\.research\.google\.com/github/[^)\s]+)\)"
)
COLAB_URL = "https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/{name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_colab_metadata_is_present(path):
    """What Colab reads from the committed file: format 4, a Python 3 kernel, its own badge, the build's hints."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4, "Colab opens nbformat 4 notebooks"
    metadata = notebook["metadata"]
    kernelspec = metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", "Colab starts the kernel named in kernelspec.name"
    assert kernelspec.get("display_name"), "kernelspec needs a display_name"
    assert kernelspec.get("language") == "python"
    assert metadata.get("language_info", {}).get("name") == "python", "Colab's syntax colouring reads language_info"
    colab = metadata.get("colab", {})
    assert colab.get("provenance") == [], "colab.provenance: an empty list (no one's Drive history)"
    assert colab.get("toc_visible") is True, "colab.toc_visible: the table of contents opens beside the lesson"
    built = build_notebooks.normalise(nbformat.from_dict({"cells": [], "metadata": {}})).metadata.colab
    assert colab == built, "colab metadata differs from what tools/build_notebooks.py writes"
    first = notebook["cells"][0]
    assert first["cell_type"] == "markdown"
    badges = COLAB_BADGE.findall("".join(first["source"]))
    assert badges == [COLAB_URL.format(name=path.name)], "one Colab badge that opens this very notebook"
