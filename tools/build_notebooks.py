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
    python tools/build_notebooks.py ko/03_mlp       # the Korean edition: notebooks/ko/src -> notebooks/ko
    python tools/build_notebooks.py --edition all   # every lesson in both editions

**Two editions.** The Korean lessons are ``notebooks/ko/src/NN_name.py``, built into ``notebooks/ko/``
with the same tool (their code cells are the English ones; ``tests/test_editions.py`` checks it). A
lesson's name ``ko/NN_name`` means its Korean edition. Their run times are kept as ``ko/NN_name`` and
their ``**전체 실행:**`` line is written in Korean.

Committed outputs always come from a full run of the committed source.

**Run times.** A full build measures each lesson's run and keeps it in ``notebooks/src/run_times.json``,
one time per kind of CPU, then writes both at the top of the lesson (the ``**Full run:**`` line, in the
source and the notebook). Most students' laptops have no AVX-512 or bfloat16; to measure that kind on a
newer CPU, limit TensorFlow's oneDNN to AVX2 and use 32-bit numbers::

    ONEDNN_MAX_CPU_ISA=AVX2 MNIST_COURSE_PRECISION=float32 python tools/build_notebooks.py

**Lesson 08's ensemble** is trained beforehand by the command the lesson shows
(``mnist-course train --model ensemble --seed 1 --out DIR/ensemble.keras``, about 25 minutes here) and
copied in with ``--models DIR``. The SHA-256 of every file the lesson loads is recorded in
``notebooks/src/08_toward_99_7.models.json`` beside the command; the build refuses other files, so the
committed outputs come from the recorded ones. After training a new ensemble, record it with
``--record-models``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
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

# The editions: where each one's sources are and where its notebooks go. "ko/03_mlp" is lesson 03 in Korean.
EDITIONS = {"en": NOTEBOOKS, "ko": NOTEBOOKS / "ko"}

# Developers and CI keep MNIST beside the project (never in git); lessons find it through this variable.
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist.npz"

# The folder where lessons save models and drawings (mnist_course.config.HOME_VARIABLE).
COURSE_HOME_VARIABLE = "MNIST_COURSE_HOME"

# Each lesson's measured full-run seconds, by kind of CPU (see cpu_kind).
RUN_TIMES = SOURCES / "run_times.json"

# The line at the top of each lesson that the build fills with the measured times (one per edition).
FULL_RUN_LINE = "**Full run:**"
FULL_RUN_LINES = {"en": FULL_RUN_LINE, "ko": "**전체 실행:**"}

# The two kinds of CPU a lesson's time is given for, in the words the lessons use.
CPU_WORDS = {
    "avx2_float32": "on a 2-core CPU with AVX2 only (float32, as on most laptops)",
    "avx512_bfloat16": "with AVX-512 and bfloat16",
}
CPU_WORDS_KO = {
    "avx2_float32": "AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서",
    "avx512_bfloat16": "AVX-512와 bfloat16이 있는 CPU에서",
}

# Lessons that load models trained beforehand: the record of their files (see --models).
MODEL_RECORDS = {"08_toward_99_7": SOURCES / "08_toward_99_7.models.json"}

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


def edition_of(name: str) -> tuple[str, str]:
    """``("ko", "03_mlp")`` for ``ko/03_mlp``; ``("en", "03_mlp")`` for ``03_mlp``."""
    edition, _, lesson = name.rpartition("/")
    return (edition or "en"), lesson


def source_path(name: str) -> Path:
    """The jupytext source of a lesson: ``notebooks/src/NAME.py`` or ``notebooks/ko/src/NAME.py``."""
    edition, lesson = edition_of(name)
    return EDITIONS[edition] / "src" / f"{lesson}.py"


def notebook_path(name: str) -> Path:
    """The built notebook of a lesson: ``notebooks/NAME.ipynb`` or ``notebooks/ko/NAME.ipynb``."""
    edition, lesson = edition_of(name)
    return EDITIONS[edition] / f"{lesson}.ipynb"


def lesson_name(argument: str) -> str:
    """A lesson's name from what the command line gave: ``03_mlp``, ``ko/03_mlp`` or a source path."""
    path = Path(argument)
    if path.suffix == ".py":
        return f"ko/{path.stem}" if "ko" in path.parts else path.stem
    return argument


def source_notebook(name: str) -> nbformat.NotebookNode:
    """Read a lesson's source (``notebooks/src/NAME.py``, or ``notebooks/ko/src/`` for ``ko/NAME``) as a notebook."""
    return jupytext.read(source_path(name), fmt="py:percent")


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


def cpu_kind() -> str | None:
    """The kind of CPU this build's times belong to: ``avx2_float32`` (oneDNN held to AVX2, 32-bit numbers:
    a common laptop), ``avx512_bfloat16`` (the course CNN in bfloat16), or None for any other setting."""
    sys.path.insert(0, str(REPO))
    from mnist_course import config

    precision = config.precision_asked()
    if precision != "float32" and config.cpu_has_bfloat16():
        return "avx512_bfloat16"
    if precision != "mixed_bfloat16" and config.isa_limited_below_bfloat16():
        return "avx2_float32"
    return None


def load_run_times() -> dict:
    return json.loads(RUN_TIMES.read_text(encoding="utf-8")) if RUN_TIMES.exists() else {}


def record_run_time(name: str, kind: str, seconds: float) -> dict:
    """Keep one lesson's measured full-run seconds for one kind of CPU; return all of that lesson's times."""
    times = load_run_times()
    times.setdefault(name, {})[kind] = round(seconds, 1)
    RUN_TIMES.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return times[name]


def minutes_words(seconds: float, edition: str = "en") -> str:
    minutes = round(seconds / 60)
    if edition == "ko":
        return "1분 미만" if seconds < 60 else f"약 {minutes}분"
    if seconds < 60:
        return "under a minute"
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"


def full_run_line(times: dict, edition: str = "en") -> str:
    """The ``**Full run:**`` line from a lesson's measured times (both kinds of CPU where measured)."""
    label = FULL_RUN_LINES[edition]
    if edition == "ko":
        parts = [f"{words} {minutes_words(times[kind], edition)}" for kind, words in CPU_WORDS_KO.items() if kind in times]
        if not parts:
            return f"{label} 아직 측정하지 않았습니다."
        return f"{label} " + ", ".join(parts) + ". 이 페이지를 빌드할 때 측정했습니다."
    parts = [f"{minutes_words(times[kind])} {words}" for kind, words in CPU_WORDS.items() if kind in times]
    if not parts:
        return f"{label} not measured yet."
    return f"{label} " + "; ".join(parts) + ". Measured by the build of this page."


def with_full_run_line(markdown: str, line: str) -> str:
    """``markdown`` with its ``**Full run:**`` (or ``**전체 실행:**``) line replaced by ``line``."""
    lines = markdown.splitlines()
    found = [number for number, text in enumerate(lines) if text.lstrip("# ").startswith(tuple(FULL_RUN_LINES.values()))]
    if not found:
        raise SystemExit(f"the first cell has no line starting with {' or '.join(FULL_RUN_LINES.values())}")
    prefix = lines[found[0]][: len(lines[found[0]]) - len(lines[found[0]].lstrip("# "))]
    lines[found[0]] = prefix + line
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def times_table(times: dict) -> str:
    """The measured full-run times of every lesson, as a markdown table (minutes, one decimal)."""
    kinds = list(CPU_WORDS)
    rows = ["| lesson | 2-core CPU, AVX2 only, float32 | 2-core CPU, AVX-512 and bfloat16 |", "| --- | ---: | ---: |"]
    for name in sorted(times):
        cells = [f"{times[name][kind] / 60:.1f} min" if kind in times[name] else "not measured" for kind in kinds]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def write_full_run_line(name: str, notebook: nbformat.NotebookNode, times: dict) -> None:
    """Write the measured times into the lesson's source and into its (built) notebook's first cell."""
    line = full_run_line(times, edition_of(name)[0])
    source = source_path(name)
    source.write_text(with_full_run_line(source.read_text(encoding="utf-8"), line), encoding="utf-8")
    notebook.cells[0].source = with_full_run_line(notebook.cells[0].source, line)


def model_files(folder: Path) -> dict[str, str]:
    """SHA-256 of every model file and note in ``folder`` (``.keras`` and ``.json``), by relative path."""
    files = sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix in {".keras", ".json"})
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def check_models(name: str, folder: Path, record: bool) -> None:
    """Refuse a folder of models whose files differ from the ones recorded for the lesson (or record them)."""
    record_path = MODEL_RECORDS.get(edition_of(name)[1])  # both editions load the same models
    if record_path is None:
        return
    found = model_files(folder)
    saved = json.loads(record_path.read_text(encoding="utf-8"))
    if record:
        saved["files"] = found
        record_path.write_text(json.dumps(saved, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{name}: recorded {len(found)} model files from {folder}")
        return
    if found != saved["files"]:
        differ = sorted(set(found.items()) ^ set(saved["files"].items()))
        raise SystemExit(
            f"{name}: the models in {folder} are not the ones recorded in {record_path.name} "
            f"(made by `{saved['command']}`); first difference: {differ[0][0]}. "
            "Use the recorded files, or record new ones with --record-models after training them."
        )


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
        resources={"metadata": {"path": str(notebook_path(name).parent)}},  # the kernel starts where the notebook is
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
    if not fast:
        kind = cpu_kind()
        times = record_run_time(name, kind, seconds) if kind else load_run_times().get(name, {})
        write_full_run_line(name, notebook, times)
    target = notebook_path(name)
    target.write_text(dumps(normalise(notebook)), encoding="utf-8")
    return seconds


def update_text(name: str) -> None:
    """Take the text (markdown cells) of a lesson from its source and keep the outputs of its last build.

    For a change of wording only: markdown cells may change, come or go, but every code cell must be
    exactly as it was built, else the lesson must run again (a full build).
    """
    source, target = source_notebook(name), notebook_path(name)
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
                        help="lessons like 03_mlp, ko/03_mlp or notebooks/src/03_mlp.py (default: all of --edition)")
    parser.add_argument("--edition", choices=["en", "ko", "all"], default="en",
                        help="with no lesson names: the English lessons (default), the Korean ones, or all")
    parser.add_argument("--fast", action="store_true", help="run in fast mode (for trying things; never commit)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one cell may take")
    parser.add_argument("--text-only", action="store_true",
                        help="only copy changed markdown text into the built notebooks (code unchanged)")
    parser.add_argument("--models", type=Path, default=None, metavar="DIR",
                        help="copy this folder of trained models into the lesson's course home first "
                             "(lesson 08: the folder where `mnist-course train --model ensemble` saved)")  # fmt: skip
    parser.add_argument("--times", action="store_true",
                        help="print the measured full-run times of every lesson as a markdown table and stop")
    parser.add_argument("--record-models", action="store_true",
                        help="record the SHA-256 of the --models files as the lesson's (after training new ones)")
    args = parser.parse_args()
    editions = list(EDITIONS) if args.edition == "all" else [args.edition]
    names = [lesson_name(name) for name in args.names] or [
        (f"{edition}/" if edition != "en" else "") + path.stem
        for edition in editions for path in sorted((EDITIONS[edition] / "src").glob("[0-9A-Z][0-9]_*.py"))]  # fmt: skip
    for name in names:
        if not source_path(name).is_file():
            print(f"no source {source_path(name).relative_to(REPO)}", file=sys.stderr)
            return 2
    if args.times:
        print(times_table(load_run_times()))
        return 0
    if args.text_only:
        for name in names:
            update_text(name)
            print(f"{name}: text updated, outputs kept")
        return 0
    if args.models is not None:
        for name in names:
            check_models(name, args.models, record=args.record_models)
    for name in names:
        seconds = build(name, fast=args.fast, timeout=args.timeout, models_from=args.models)
        size = notebook_path(name).stat().st_size / 1024
        mode = "fast" if args.fast else f"full mode ({cpu_kind()})"
        print(f"{name}: {seconds:6.1f} s in {mode}, {size:.0f} KiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
