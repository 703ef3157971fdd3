"""Notebook hygiene: every lesson follows the one normalisation rule and came from its committed source.

nbval (pytest --nbval-lax) runs the notebooks themselves; these tests check the files.
"""

import json
import os
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import build_notebooks  # noqa: E402

# Lessons 01_..., then appendix lessons A1_... (digits sort before capital letters); the English edition,
# then the Korean one (notebooks/ko/, same code: tests/test_editions.py).
EDITION_FOLDERS = build_notebooks.EDITIONS
NOTEBOOKS = [path for folder in EDITION_FOLDERS.values() for path in sorted(folder.glob("[0-9A-Z][0-9]_*.ipynb"))]
SOURCES = [path for folder in EDITION_FOLDERS.values() for path in sorted((folder / "src").glob("[0-9A-Z][0-9]_*.py"))]


def lesson_id(path: Path) -> str:
    """``03_mlp`` for an English lesson's notebook or source, ``ko/03_mlp`` for a Korean one."""
    return f"ko/{path.stem}" if "ko" in path.parts[len(REPO.parts):] else path.stem


def is_korean(path: Path) -> bool:
    return lesson_id(path).startswith("ko/")
MAX_NOTEBOOK_BYTES = 1_200_000  # lesson 06 shows photos at projector size (about 1.1 MB)

# The Setup cell (after the install cell): imports and lesson.start(), nothing a student must read past.
MAX_SETUP_LINES = 8
# The measured times the build writes at the top of each lesson.
FULL_RUN = re.compile(r"\*\*Full run:\*\* (under a minute|about \d+ minutes?) on a 2-core CPU with AVX2 only")
FULL_RUN_KO = re.compile(r"\*\*전체 실행:\*\* AVX2만 있는 2코어 CPU\(float32, 대부분의 노트북과 같음\)에서 (1분 미만|약 \d+분)")
# The words of the first cell and of the last summary, in each edition.
OPENING_WORDS = {False: ("**What you will learn:**", "**Builds on:**", "## What we learned"),
                 True: ("**배울 내용:**", "**이어지는 내용:**", "## 배운 것")}  # fmt: skip
# A line that can import TensorFlow: TensorFlow or Keras themselves, or the course library (its models,
# training, plots and widgets import Keras, and config.import_keras_quietly() imports TensorFlow).
IMPORTS_TENSORFLOW = re.compile(
    r"\s*(from\s+(tensorflow|keras|mnist_course)\b|import\s+.*\b(tensorflow|keras|mnist_course)\b)"
    r"|.*\bimport_keras_quietly\("
)


def test_every_source_has_a_notebook_and_back():
    assert [lesson_id(path) for path in NOTEBOOKS] == [lesson_id(path) for path in SOURCES]
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
def test_notebook_is_normalised(path):
    text = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    again = build_notebooks.dumps(build_notebooks.normalise(nbformat.reads(text, as_version=4)))
    assert text == again, "not in canonical form: rebuild it with tools/build_notebooks.py"
    nbformat.validate(notebook)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
def test_notebook_cells_match_their_source(path):
    committed = nbformat.read(path, as_version=4)
    source = jupytext.read(build_notebooks.source_path(lesson_id(path)), fmt="py:percent")
    committed_cells = [(cell.cell_type, cell.source) for cell in committed.cells]
    source_cells = [(cell.cell_type, cell.source) for cell in source.cells]
    assert committed_cells == source_cells, "the .ipynb is older than its source: rebuild it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
def test_notebook_starts_the_course_way(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0].source
    assert first.startswith("# "), "first cell: one H1 title"
    relative = path.relative_to(REPO / "notebooks").as_posix()
    assert f"colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/{relative}" in first
    learn, builds_on, learned = OPENING_WORDS[is_korean(path)]
    assert learn in first and builds_on in first
    install, setup = [cell.source for cell in notebook.cells if cell.cell_type == "code"][:2]
    assert install.startswith("try:\n    import mnist_course") and "except ImportError:" in install
    assert '%pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"' in install
    lines = setup.splitlines()
    assert len(lines) <= MAX_SETUP_LINES, f"the Setup cell has {len(lines)} lines (at most {MAX_SETUP_LINES})"
    start = next((n for n, line in enumerate(lines) if "lesson.start(" in line), None)
    assert start is not None, "the Setup cell calls lesson.start()"
    early = [line for line in lines[:start] if IMPORTS_TENSORFLOW.match(line) and "import lesson" not in line]
    assert not early, f"imported before lesson.start() quiets TensorFlow: {early}"
    assert (FULL_RUN_KO if is_korean(path) else FULL_RUN).search(first), \
        "the first cell states the measured full-run times (tools/build_notebooks.py)"
    headings = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert any(learned in text for text in headings)
    titles = sum(line.startswith("# ") for text in headings for line in text.splitlines())
    assert titles == 1, "exactly one H1 title"


COLAB_BADGE = re.compile(
    r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]"
    r"\((https://colab\.research\.google\.com/github/[^)\s]+)\)"
)
COLAB_URL = "https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/{name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
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
    relative = path.relative_to(REPO / "notebooks").as_posix()
    assert badges == [COLAB_URL.format(name=relative)], "one Colab badge that opens this very notebook"


# A percentage in a lesson's text ("about 98.7%") and in its outputs ("98.69%").
PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.(\d+))?)\s?%")
# A sentence that quotes a number from elsewhere says so: "99.09% (reference: the README's benchmark table)".
REFERENCE_MARKER = ("(reference", "(참고")
ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(*`\[\uac00-\ud7a3])")  # a capital, or Hangul (Korean)


def _output_text(notebook) -> str:
    return "\n".join(_cell_output_text(cell) for cell in notebook.cells)


def _cell_output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return ANSI_CODES.sub("", "\n".join(parts))


def _sentences(markdown: str):
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", markdown):
        text = re.sub(r"`[^`]*`", "`code`", " ".join(paragraph.split()))  # no numbers inside code
        yield from SENTENCE_END.split(text)


HEADING = re.compile(r"^#{1,3} ", re.MULTILINE)


def _is_summary(cell, index: int) -> bool:
    """The lesson's opening cell and its "What we learned" cell recall numbers shown anywhere in the lesson."""
    return index == 0 or "## What we learned" in cell.source or "## 배운 것" in cell.source


def prose_numbers_without_an_output(notebook) -> list[str]:
    """Percentages in the text that the code cells of their own section do not print (to the text's precision).

    A sentence is about the outputs next to it: a percentage must be printed by a code cell of the same
    section (from one heading to the next), not merely somewhere in the lesson. Only the opening cell and
    "What we learned", which recall the whole lesson, may quote a number printed in any section.
    """
    sections, section = [], 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and HEADING.search(cell.source):
            section += 1
        sections.append(section)
    printed_in = {}  # section -> [(value, decimals)] of every percentage its code cells print
    for cell, number in zip(notebook.cells, sections):
        if cell.cell_type == "code":
            printed_in.setdefault(number, []).extend(
                (float(value), len(decimals or "")) for value, decimals in PERCENT.findall(_cell_output_text(cell)))
    everywhere = [item for items in printed_in.values() for item in items]
    missing = []
    for index, (cell, number) in enumerate(zip(notebook.cells, sections)):
        if cell.cell_type != "markdown":
            continue
        printed = everywhere if _is_summary(cell, index) else printed_in.get(number, [])
        for sentence in _sentences(cell.source):
            if any(marker in sentence for marker in REFERENCE_MARKER):
                continue
            for value, decimals in PERCENT.findall(sentence):
                digits = len(decimals or "")
                wanted = float(value)
                # printed at least to the text's precision: "99.45%" needs a cell that prints 99.45%, not 99.4%
                if not any(shown_digits >= digits and abs(shown - wanted) <= 0.5 * 10 ** -digits + 1e-9
                           for shown, shown_digits in printed):
                    missing.append(f"{value}% in: {sentence[:140]!r}")
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
def test_text_quotes_only_numbers_its_section_prints(path):
    """Text says what the outputs show: each percentage in the prose is printed by a cell of its own section.

    A number quoted from elsewhere is marked in its sentence: "... 99.09% (reference: README benchmark)".
    """
    missing = prose_numbers_without_an_output(nbformat.read(path, as_version=4))
    assert not missing, "numbers in the text that no cell of their section prints:\n" + "\n".join(missing)


def test_the_number_check_finds_drift_and_numbers_printed_elsewhere():
    cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nThe lesson ends near 97%."),
        nbformat.v4.new_markdown_cell("## Training\n\nIt reads about 97% of the digits. The README says 99.1% (reference: README)."),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="test accuracy: 96.60%\n")]),
        nbformat.v4.new_markdown_cell("## Another section\n\nHere the model reads about 97% of the photos."),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="photos read: 12.50%\n")]),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    # 96.60% is about 97%, but only in its own section; the opening cell may recall it.
    assert prose_numbers_without_an_output(notebook) == ["97% in: 'Here the model reads about 97% of the photos.'"]
    notebook.cells[4].outputs[0].text = "photos read: 97.10%\n"
    assert prose_numbers_without_an_output(notebook) == []
    notebook.cells[2].outputs[0].text = "test accuracy: 96.40%\n"
    assert prose_numbers_without_an_output(notebook) == ["97% in: 'It reads about 97% of the digits.'"]


# Folders of the computer that built the notebooks (/root/..., /work/..., /home/name/..., /tmp/...).
BUILD_MACHINE_FOLDER = re.compile(r"(?<![\w~$.])/(?:root|work|home|tmp|Users)/")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
def test_outputs_show_no_folder_of_the_build_machine(path):
    """Paths in outputs are printed with config.display_path: ~/..., $MNIST_COURSE_HOME/..., never /root/..."""
    text = _output_text(nbformat.read(path, as_version=4))
    found = sorted({line.strip() for line in text.splitlines() if BUILD_MACHINE_FOLDER.search(line)})
    assert not found, "outputs show the build machine's folders:\n" + "\n".join(found)


def test_each_build_gets_its_own_empty_course_home(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_HOME", str(tmp_path))
    with build_notebooks.fresh_course_home() as home:
        assert os.environ["MNIST_COURSE_HOME"] == str(home) != str(tmp_path)
        assert home.is_dir() and not any(home.iterdir())
        (home / "models").mkdir()
    assert not home.exists()
    assert os.environ["MNIST_COURSE_HOME"] == str(tmp_path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
def test_students_see_no_infrastructure_words(path):
    """No visible nbval markers (tags do that job) and no environment-variable names in cells or outputs."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        assert "NBVAL_" not in cell.source, f"use the cell tag nbval-check-output: {cell.source[:60]!r}"
        assert "$MNIST_COURSE_" not in cell.source, f"an environment variable in: {cell.source[:60]!r}"
    assert "$MNIST_COURSE_" not in _output_text(notebook)
    checked = [cell for cell in notebook.cells if "nbval-check-output" in cell.metadata.get("tags", [])]
    assert all(cell.cell_type == "code" for cell in checked)


MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)|<img [^>]*src=\"([^\"]+)\"")
RAW_FILES = "https://raw.githubusercontent.com/mnist-course/mnist-course/main/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lesson_id)
def test_markdown_images_load_when_the_notebook_is_opened_alone(path):
    """On Colab a notebook is opened alone: images are absolute addresses of files in this repository."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for groups in MARKDOWN_IMAGE.findall(cell.source):
            address = next(group for group in groups if group)
            if address.startswith("attachment:") or address.startswith("https://colab.research.google.com/assets/"):
                continue
            assert address.startswith("https://"), f"a relative image does not load on Colab: {address}"
            if address.startswith(RAW_FILES):
                assert (REPO / address[len(RAW_FILES):]).is_file(), f"no such file in the repository: {address}"


def test_the_full_run_line_says_both_kinds_of_cpu():
    line = build_notebooks.full_run_line({"avx2_float32": 250.0, "avx512_bfloat16": 50.0})
    assert FULL_RUN.search(line) and "about 4 minutes on a 2-core CPU" in line and "under a minute with AVX-512" in line
    cell = "# 03 · title\n\n**Builds on:** 02\n\n**Full run:** old words\n"
    assert build_notebooks.with_full_run_line(cell, line) == cell.replace("**Full run:** old words", line)


def test_the_build_refuses_models_that_are_not_the_recorded_ones(tmp_path, monkeypatch):
    record = tmp_path / "record.json"
    tmp_path = tmp_path / "models"
    (tmp_path / "ensemble.members").mkdir(parents=True)
    (tmp_path / "ensemble.keras").write_bytes(b"one")
    (tmp_path / "ensemble.members" / "member_1.json").write_text("{}")
    record.write_text(json.dumps({"command": "mnist-course train --model ensemble --seed 1", "files": {}}))
    monkeypatch.setitem(build_notebooks.MODEL_RECORDS, "08_toward_99_7", record)
    build_notebooks.check_models("08_toward_99_7", tmp_path, record=True)
    build_notebooks.check_models("08_toward_99_7", tmp_path, record=False)  # the same files: accepted
    (tmp_path / "ensemble.keras").write_bytes(b"two")
    with pytest.raises(SystemExit, match="not the ones recorded"):
        build_notebooks.check_models("08_toward_99_7", tmp_path, record=False)


def test_lesson_08_records_the_models_its_outputs_came_from():
    record = json.loads((REPO / "notebooks" / "src" / "08_toward_99_7.models.json").read_text())
    assert record["command"] == "mnist-course train --model ensemble --seed 1"
    assert "ensemble.keras" in record["files"] and any(name.endswith(".keras") for name in record["files"] if "member" in name)
    source = (REPO / "notebooks" / "src" / "08_toward_99_7.py").read_text()
    assert record["command"] in source, "lesson 08 shows the exact command that made its ensemble"
