"""Plain English for a reader of English as a second language: short sentences, no idioms.

Checks the prose of every lesson (the markdown cells of ``notebooks/src/*.py``), the glossary and the
student part of the README (down to the line ``<!-- end of the student part -->``). Code, formulas, tables
and links' addresses are not prose and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted((REPO / "notebooks" / "src").glob("[0-9A-Z][0-9]_*.py"))
README = REPO / "README.md"
GLOSSARY = REPO / "GLOSSARY.md"
STUDENT_PART_ENDS = "<!-- end of the student part -->"

#: The longest sentence allowed (the aim is about 25 words).
MAX_WORDS = 30

#: Idioms a second-language reader may not follow (each was found in a lesson once).
IDIOMS = ("pays off", "pay off", "by heart", "turn it round", "all but ", "rule of thumb", "on the fly",
          "under the hood", "a grain of salt", "in a nutshell", "out of the box", "the lion's share")


def prose_of_markdown(text: str) -> str:
    """The prose of a markdown text: no code, formulas, tables, HTML, images or link addresses."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)             # code blocks
    text = re.sub(r"\$\$.*?\$\$", " FORMULA ", text, flags=re.S)   # display formulas
    text = re.sub(r"\$[^$\n]+\$", " FORMULA ", text)                # inline formulas
    text = re.sub(r"`[^`\n]*`", " CODE ", text)                     # inline code
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)             # comments
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)               # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)            # links: keep the words
    text = re.sub(r"<[^>\n]+>", " ", text)                          # HTML tags
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("|")]  # tables
    return "\n".join(lines)


def sentences(text: str) -> list[str]:
    """Split prose into sentences: at . ! ? before a space, and at paragraph, heading and list-item breaks."""
    found = []
    prose = re.sub(r"^(\s*#+\s.*)$", r"\1\n", prose_of_markdown(text), flags=re.M)  # a heading ends a sentence
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.|#+)\s)", prose):
        block = " ".join(block.split())
        for sentence in re.split(r"(?<=[.!?])\s+(?=[\"'(*]?[A-Z0-9])", block):
            if sentence.strip():
                found.append(sentence.strip())
    return found


def word_count(sentence: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’%.,×-]*", sentence))


def lesson_markdown(path: Path) -> str:
    notebook = jupytext.read(path, fmt="py:percent")
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def readme_student_part() -> str:
    text = README.read_text(encoding="utf-8")
    assert STUDENT_PART_ENDS in text, f"README.md has no line {STUDENT_PART_ENDS}"
    return text.split(STUDENT_PART_ENDS)[0]


def texts():
    for path in LESSONS:
        yield pytest.param(path, id=path.stem)
    yield pytest.param(README, id="README")
    if GLOSSARY.exists():
        yield pytest.param(GLOSSARY, id="GLOSSARY")


def _text(path: Path) -> str:
    if path == README:
        return readme_student_part()
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    return lesson_markdown(path)


@pytest.mark.parametrize("path", list(texts()))
def test_no_sentence_is_longer_than_30_words(path):
    long = [f"({word_count(s)} words) {s}" for s in sentences(_text(path)) if word_count(s) > MAX_WORDS]
    assert not long, f"{path.name}: {len(long)} sentences over {MAX_WORDS} words:\n" + "\n".join(long)


@pytest.mark.parametrize("path", list(texts()))
def test_no_idioms(path):
    prose = prose_of_markdown(_text(path)).lower()
    found = [idiom.strip() for idiom in IDIOMS if idiom in prose]
    assert not found, f"{path.name} uses idioms: {found}"


def test_the_checker_finds_a_long_sentence_and_not_a_short_one():
    long = "This " + "very " * 30 + "long sentence goes on."
    assert [word_count(s) for s in sentences(f"Short one. {long} Another `code.with.dots(x)` one.")] == [2, 35, 3]
    assert sentences("- one item\n- two items\n\n# A heading\nText.") == ["- one item", "- two items", "# A heading", "Text."]
