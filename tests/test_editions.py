"""The two editions stay in step: the Korean lessons (notebooks/ko/) have the English lessons' code and sections.

Translations that live apart drift. Here a change to a lesson's code in one edition only, or a section
added to one edition only, fails a test that names the lesson and the first cell that differs. The
Korean prose is checked for English left behind, and the pad and answers speak Korean there.
"""

import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import build_notebooks  # noqa: E402

ENGLISH = sorted((REPO / "notebooks" / "src").glob("[0-9A-Z][0-9]_*.py"))
KOREAN = sorted((REPO / "notebooks" / "ko" / "src").glob("[0-9A-Z][0-9]_*.py"))

#: The one code difference the editions may have: the Korean lessons ask for Korean widgets and answers.
LANGUAGE_CALL = ('lesson.start(language="ko")', "lesson.start()")

#: A line's comment: ``#`` and what follows, outside strings (the install cell's ``# %pip`` line is code).
COMMENT = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|\s*#(?! ?%pip\b).*$""")
HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")
#: What prose may keep in English: code spans, link addresses, formulas, HTML tags, and the Colab badge.
NOT_PROSE = re.compile(r"`[^`]*`|\]\([^)]*\)|\$[^$]*\$|<[^>]*>|!\[Open In Colab\]")
#: A Korean prose cell has at least this many Hangul syllables for each Latin letter (terms given once in
#: English, names like TensorFlow and MNIST); an English sentence left behind tips it the other way.
HANGUL_PER_LATIN = 1.0


def code_without_comments(source: str) -> str:
    """A code cell as the editions must share it: comments and blank lines removed, the language call undone."""
    source = source.replace(*LANGUAGE_CALL)
    lines = [COMMENT.sub(lambda match: match.group(1) or "", line).rstrip() for line in source.splitlines()]
    return "\n".join(line for line in lines if line.strip())


def structure(cell) -> tuple:
    """What the editions must share of a cell: its kind, its tags, and for markdown its heading levels."""
    tags = tuple(cell.metadata.get("tags", []))
    if cell.cell_type == "markdown":
        return ("markdown", tags, tuple(HEADING.findall(cell.source)))
    return ("code", tags)


def first_difference(english, korean) -> str | None:
    """None when two editions of a lesson match; else which cell differs first, and how, in words."""
    for number, (one, other) in enumerate(zip(english.cells, korean.cells), start=1):
        if structure(one) != structure(other):
            return (f"cell {number}: the English cell is {structure(one)}, the Korean one {structure(other)}; "
                    f"English starts {one.source[:70]!r}")  # fmt: skip
        if one.cell_type == "code" and code_without_comments(one.source) != code_without_comments(other.source):
            english_lines = code_without_comments(one.source).splitlines()
            korean_lines = code_without_comments(other.source).splitlines()
            line = next((a, b) for a, b in zip(english_lines + [""], korean_lines + [""]) if a != b)
            return f"code cell {number} differs: English {line[0]!r}, Korean {line[1]!r}"
    if len(english.cells) != len(korean.cells):
        return f"the English edition has {len(english.cells)} cells, the Korean one {len(korean.cells)}"
    return None


def read(path: Path):
    return jupytext.read(path, fmt="py:percent")


def english_left(cell_source: str) -> bool:
    """True when a Korean prose cell is mostly Latin letters (code spans, links and formulas aside)."""
    prose = NOT_PROSE.sub(" ", cell_source)
    return len(HANGUL.findall(prose)) < HANGUL_PER_LATIN * len(LATIN.findall(prose))


def test_every_lesson_has_both_editions():
    assert [path.name for path in KOREAN] == [path.name for path in ENGLISH], "a lesson is missing in one edition"
    korean_notebooks = sorted((REPO / "notebooks" / "ko").glob("[0-9A-Z][0-9]_*.ipynb"))
    assert [path.stem for path in korean_notebooks] == [path.stem for path in KOREAN]


@pytest.mark.parametrize("korean", KOREAN, ids=lambda path: path.stem)
def test_both_editions_have_the_same_code_and_sections(korean):
    difference = first_difference(read(REPO / "notebooks" / "src" / korean.name), read(korean))
    assert difference is None, f"{korean.stem}: the editions differ: {difference}"


@pytest.mark.parametrize("korean", KOREAN, ids=lambda path: path.stem)
def test_no_korean_prose_cell_is_left_in_english(korean):
    left = [f"cell {number}: {cell.source[:100]!r}" for number, cell in enumerate(read(korean).cells, start=1)
            if cell.cell_type == "markdown" and english_left(cell.source)]  # fmt: skip
    assert not left, f"{korean.stem}: prose cells still mostly in English:\n" + "\n".join(left)


@pytest.mark.parametrize("korean", KOREAN, ids=lambda path: path.stem)
def test_the_korean_lessons_start_korean_widgets(korean):
    code = "\n".join(cell.source for cell in read(korean).cells if cell.cell_type == "code")
    assert LANGUAGE_CALL[0] in code, f"{korean.stem}: the Setup cell calls {LANGUAGE_CALL[0]}"


def test_the_sync_check_finds_a_changed_code_cell_and_a_missing_section():
    english = read(REPO / "notebooks" / "src" / "03_mlp.py")
    korean = read(REPO / "notebooks" / "ko" / "src" / "03_mlp.py")
    assert first_difference(english, korean) is None
    number, cell = next((n, c) for n, c in enumerate(korean.cells) if c.cell_type == "code" and "epochs" in c.source)
    changed = nbformat.from_dict(dict(korean))
    changed.cells = [nbformat.from_dict(dict(c)) for c in korean.cells]
    changed.cells[number].source = cell.source.replace("epochs", "epochs + 1", 1)
    assert first_difference(english, changed).startswith(f"code cell {number + 1} differs")
    # A Korean comment is not a difference; a changed string is.
    changed.cells[number].source = cell.source + "  # 주석은 달라도 됩니다"
    assert first_difference(english, changed) is None
    heading = next(n for n, c in enumerate(korean.cells) if c.cell_type == "markdown" and "\n## " in "\n" + c.source)
    changed.cells = [nbformat.from_dict(dict(c)) for c in korean.cells]
    changed.cells[heading].source = changed.cells[heading].source.replace("## ", "### ", 1)
    assert f"cell {heading + 1}:" in first_difference(english, changed)
    assert "cells" in first_difference(english, nbformat.from_dict({**korean, "cells": korean.cells[:-1]}))


def test_the_english_check_finds_an_english_sentence():
    assert english_left("The model reads this digit as a 7, with `model.predict` and a test.")
    assert not english_left("이 강의의 모델은 합성곱 신경망(convolutional neural network, CNN)입니다. 모델은 이 숫자를 "
                            "7로 읽습니다(`model.predict`). 다음 절에서는 틀린 숫자를 그림으로 살펴봅니다.")  # fmt: skip
    assert english_left("이 강의의 모델은 합성곱 신경망입니다. The model reads this digit as a 7, and then it reads the next one.")


def test_the_korean_full_run_line():
    line = build_notebooks.full_run_line({"avx2_float32": 250.0, "avx512_bfloat16": 50.0}, "ko")
    assert line == ("**전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 약 4분, "
                    "AVX-512와 bfloat16이 있는 CPU에서 1분 미만. 이 페이지를 빌드할 때 측정했습니다.")  # fmt: skip
    cell = "# 03 · 제목\n\n**전체 실행:** (빌드가 측정한 시간을 여기에 씁니다)\n"
    assert build_notebooks.with_full_run_line(cell, line).endswith(line + "\n")
    assert build_notebooks.source_path("ko/03_mlp") == REPO / "notebooks" / "ko" / "src" / "03_mlp.py"
    assert build_notebooks.notebook_path("ko/03_mlp") == REPO / "notebooks" / "ko" / "03_mlp.ipynb"
    assert build_notebooks.lesson_name("notebooks/ko/src/03_mlp.py") == "ko/03_mlp"


def test_the_pad_the_upload_button_and_the_answers_speak_korean(monkeypatch):
    import numpy as np

    from mnist_course import answers, config, drawings, upload, widgets

    unsure = np.array([0.5, 0.4] + [0.0125] * 8)
    assert answers.answer(unsure, language="ko") == "확실하지 않음: 0 또는 1?"
    assert answers.answer(unsure) == "not sure: 0 or 1?"
    pad = widgets.DrawingPad(language="ko")
    assert pad.texts["save"] == "저장" and pad.message == widgets.PAD_MESSAGES["ko"]["no_model"]
    assert widgets.DrawingPad().texts == {}  # English: the words in drawing_pad.js
    with pytest.raises(ValueError, match="speaks"):
        widgets.DrawingPad(language="fr")
    # Every word the pad's JavaScript shows has a Korean version.
    script = (widgets.STATIC / "drawing_pad.js").read_text()
    defaults = re.search(r"const DEFAULT_TEXTS = \{(.*?)\};", script, re.S).group(1)
    assert set(re.findall(r"^\s*(\w+):", defaults, re.M)) == set(widgets.PAD_TEXTS["ko"])
    monkeypatch.setattr(config, "_language", None)
    config.set_language("ko")
    try:
        assert upload.upload_button(lambda name, data: None).children[0].description == "숫자 사진 올리기"
        assert drawings.Reading(image=np.zeros((28, 28)), probabilities=unsure, prediction=0).describe() == "확실하지 않음: 0 또는 1?"
    finally:
        config.set_language(None)
    assert config.language() == "en"
