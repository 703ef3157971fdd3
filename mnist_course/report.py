"""The course report: the model, its test results and your own digits from the prediction log, in one HTML file.

``mnist-course report`` (and :func:`build_report`) writes one self-contained HTML page: every figure is a
PNG inside the file, so it opens anywhere without a network. It has these sections:

1. **The model**: its layers and parameters, and its learning curves when the training history was saved
   beside it (``mnist-course train`` saves ``cnn.history.json`` next to ``cnn.keras``).
2. **Test results**: accuracy on MNIST's test set, the confusion matrix, the accuracy of each digit and the
   pairs of digits it mixes up most, with examples.
3. **Your own digits**: from the prediction log (:mod:`mnist_course.predlog`): how many were read right, by
   tool and by day, and a gallery of the wrong and unsure ones as the model saw them.
4. **What the wrong ones have in common**: traits measured on each image (thin or thick strokes, tilted,
   off-centre, short, faint, touching the picture's edge, ruled lines removed), counted for the wrong ones
   and for the right ones.
5. **Commentary from a language model** (optional, off by default): any OpenAI-compatible chat server
   (``MNIST_COURSE_LLM_URL``, ``MNIST_COURSE_LLM_MODEL``, ``MNIST_COURSE_LLM_KEY``). It gets only numbers
   and short text descriptions, never images or file names; its answer is shown as plain text.

``--pdf`` prints the same page to PDF with Chromium (Playwright) when both are installed.

Each section is built once as a :class:`Section` (its id, its title and its HTML). The page is these
sections one after the other, and :func:`build_report` also writes them to a small JSON file beside the
page (``report.html`` -> ``report.sections.json``), which :func:`notebook_view` reads to show some of them.

The other jobs of the report have their own modules; their public names are imported here, so
``report.digit_traits`` and the others work as before:

- :mod:`mnist_course.digit_traits`: the traits of each digit (``measure_digits``, ``digit_traits``,
  ``common_traits``);
- :mod:`mnist_course.history`: the training history beside the model (``save_history``, ``load_history``);
- :mod:`mnist_course.commentary`: the language model's commentary (``llm_settings``, ``commentary_prompt``,
  ``ask_for_commentary``);
- :mod:`mnist_course.own_digits`: your own digits from the prediction log, counted by tool and by day.

Introduced in notebooks/09_logs_and_report.ipynb.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnist_course.commentary import (  # noqa: F401  (the names lesson 09 uses as report.X)
    LLM_INSTRUCTIONS,
    LLM_KEY_VARIABLE,
    LLM_MODEL_VARIABLE,
    LLM_TIMEOUT_SECONDS,
    LLM_URL_VARIABLE,
    MAX_CASES_IN_PROMPT,
    LLMSettings,
    ask_for_commentary,
    commentary_prompt,
    first_line,
    llm_settings,
)
from mnist_course.digit_traits import (  # noqa: F401
    FAINT_INK,
    OFF_CENTRE_PIXELS,
    SHORT_PIXELS,
    THICK_STROKE_PIXELS,
    THIN_STROKE_PIXELS,
    TILT_DEGREES,
    TRAITS,
    common_traits,
    digit_traits,
    measure_digits,
)
from mnist_course.history import history_path, load_history, save_history  # noqa: F401
from mnist_course.own_digits import by_day, by_tool, count_read_right, own_digits

# =================================================================================================
# Gathering the numbers
# =================================================================================================


@dataclass
class Report:
    """What :func:`build_report` wrote and why anything is missing.

    Attributes:
        html_path: the HTML file.
        pdf_path: the PDF file, or None.
        notes: one line for each thing left out (no PDF, no commentary, no MNIST, ...).
        summary: the numbers of the report (what a language model would get).
        sections: the section headings, in order.
        commentary: the language model's answer, or None.
        contents: the sections themselves (:class:`Section`), in order.
    """

    html_path: Path
    pdf_path: Path | None = None
    notes: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)
    commentary: str | None = None
    contents: list = field(default_factory=list)


def describe_case(row, traits: list[str]) -> str:
    """One short line about a wrong digit for the language model: what was written, what was read, traits."""
    text = (f"{row['source']}: written {row['true_label']}, read {row['digit']} "
            f"({100 * row['confidence']:.0f}% sure)")  # fmt: skip
    return text + (f"; {', '.join(traits)}" if traits else "")


def summarise(model_info: dict, test: dict | None, rows: list[dict], traits_found: list[dict]) -> dict:
    """The report's numbers as one dict: the model, the test set, your own digits and the common traits.

    It holds no images, file names or paths: it is what :func:`commentary_prompt` sends.
    """
    summary = {}
    if test is not None:
        summary["mnist_test_set"] = {
            "images": test["count"],
            "accuracy_percent": round(100 * test["accuracy"], 2),
            "accuracy_percent_by_digit": {str(d): round(100 * float(a), 1) for d, a in enumerate(test["per_class"])},
            "most_confused": [{"written": a, "read_as": b, "times": n} for a, b, n in test["pairs"]],
        }
    labelled = [row for row in rows if row["true_label"] is not None]
    right = sum(row["digit"] == row["true_label"] for row in labelled)
    summary = {"own_digits": {
        "predictions": len(rows),
        "with_true_digit": len(labelled),
        "read_right": int(right),
        "unsure_answers": int(sum(row["confidence"] < _unsure_below() for row in rows)),
        "by_tool": count_read_right(rows, by_tool),
    }, **summary}
    summary["wrong_ones_have"] = [
        {"trait": item["words"], "wrong": f"{item['wrong']} of {item['wrong_total']}",
         "right": f"{item['right']} of {item['right_total']}"}
        for item in traits_found
    ]  # fmt: skip
    wrong = [row for row in labelled if row["digit"] != row["true_label"]]
    if wrong:
        wrong = wrong[-MAX_CASES_IN_PROMPT:]  # the newest
        traits = digit_traits(np.stack([row["image"] for row in wrong]), wrong)
        summary["wrong_cases"] = [describe_case(row, [TRAITS[name] for name, has in traits.items() if has[index]])
                                  for index, row in enumerate(wrong)]  # fmt: skip
    summary["model"] = {key: model_info.get(key) for key in ("name", "parameters")}
    return summary


def _unsure_below() -> float:
    from mnist_course import calibration

    return calibration.UNSURE_BELOW


def describe_model(model, model_path=None) -> dict:
    """The model's name, file, SHA-256, parameters and layers (name, kind, output shape, parameters)."""
    from mnist_course import models, predlog

    layers = []

    def walk(layer):
        inner = getattr(layer, "layers", None)
        if inner:  # a model inside the model (the calibrated course CNN wraps the CNN)
            for sub in inner:
                walk(sub)
            return
        try:
            shape = tuple(layer.output.shape)
        except (AttributeError, ValueError):
            shape = None
        if type(layer).__name__ == "InputLayer":
            return
        layers.append({"name": layer.name, "kind": type(layer).__name__,
                       "output": "x".join(str(size) for size in shape[1:]) if shape else "",
                       "parameters": int(layer.count_params())})  # fmt: skip

    for layer in model.layers:
        walk(layer)
    identity = predlog.model_identity(model, model_path)
    return {"name": model.name, "file": Path(model_path).name if model_path else None,
            "sha256": identity.get("model_id"), "parameters": int(models.count_parameters(model)),
            "layers": layers, "identity": identity}  # fmt: skip


def mnist_test_results(model, test_per_class=None, data_path=None) -> dict:
    """The model on MNIST's test set: accuracy, per digit, confusion matrix, the most confused pairs.

    Raises:
        mnist_course.data.MnistDataError: MNIST cannot be found.
    """
    from mnist_course import data, training

    _, (test_images, test_labels) = data.load_course_data(test_per_class=test_per_class, path=data_path)
    result = training.evaluate(model, data.scale(test_images), test_labels)
    confusion = result["confusion"].copy()
    np.fill_diagonal(confusion, 0)
    order = np.argsort(confusion, axis=None)[::-1]
    pairs = [(int(i // 10), int(i % 10), int(confusion.flat[i])) for i in order[:5] if confusion.flat[i] > 0]
    return {"count": len(test_labels), "accuracy": result["accuracy"], "per_class": result["per_class_accuracy"],
            "predicted": result["predicted"], "labels": np.asarray(test_labels), "images": test_images,
            "probabilities": result["probabilities"], "pairs": pairs}  # fmt: skip


# =================================================================================================
# HTML
# =================================================================================================

#: The report's sections: their ids (``<h2 id="...">``) and titles, in the order of the page. The test,
#: traits and commentary sections can be missing (no MNIST, a damaged log, no language model).
SECTIONS = {
    "model": "The model",
    "test": "Test results",
    "own": "Your own digits",
    "traits": "What the wrong ones have in common",
    "commentary": "Commentary from a language model",
    "about": "About this report",
}


@dataclass(frozen=True)
class Section:
    """One section of the report, built once: the page and :func:`notebook_view` both show this HTML.

    Attributes:
        id: its short name, also the HTML anchor: ``model``, ``test``, ``own``, ``traits``,
            ``commentary`` or ``about`` (see :data:`SECTIONS`).
        title: its heading.
        html: its HTML, from its ``<h2>`` heading to its end.
    """

    id: str
    title: str
    html: str


def _section(section_id: str, parts: list[str], joiner: str = "\n") -> Section:
    title = SECTIONS[section_id]
    heading = f'<h2 id="{section_id}">{html.escape(title)}</h2>'
    return Section(section_id, title, joiner.join([heading, *parts]))


def sections_path(html_path) -> Path:
    """Where :func:`build_report` keeps the sections of a page: ``report.html`` -> ``report.sections.json``."""
    html_path = Path(html_path)
    return html_path.with_name(html_path.stem + ".sections.json")


STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 980px; margin: 24px auto; padding: 0 16px;
       color: #1d1d1d; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #1f5fbf; padding-bottom: 3px; margin-top: 1.8em; break-after: avoid; }
h3 { margin-bottom: 0.3em; break-after: avoid; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 0.92em; }
th, td { border: 1px solid #c9c9c9; padding: 3px 9px; text-align: left; }
td.number, th.number { text-align: right; }
th { background: #eef3fb; }
img.figure { max-width: 100%; display: block; margin: 6px 0 12px; }
.gallery { display: flex; flex-wrap: wrap; gap: 10px; }
.case { width: 104px; font-size: 0.78em; text-align: center; break-inside: avoid; }
.case img { width: 84px; height: 84px; image-rendering: pixelated; border: 1px solid #999; background: #000; }
.case.wrong img { border: 2px solid #c0392b; }
.note { color: #555; font-size: 0.92em; }
.missing { color: #8a4b00; }
.commentary { white-space: pre-wrap; background: #f6f6f6; border-left: 4px solid #1f5fbf; padding: 8px 12px; }
@media print { body { margin: 0 auto; } }
"""


def figure_png(figure) -> bytes:
    """A matplotlib figure as PNG bytes; the figure is closed, so a notebook does not show it again."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _img(png: bytes, alt: str, css: str = "figure") -> str:
    encoded = base64.b64encode(png).decode("ascii")
    return f'<img class="{css}" alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'


def _table(headers, rows, numeric=()) -> str:
    head = "".join(f'<th class="{"number" if i in numeric else ""}">{html.escape(str(h))}</th>'
                   for i, h in enumerate(headers or []))  # fmt: skip
    body = "".join(
        "<tr>" + "".join(f'<td class="{"number" if i in numeric else ""}">{html.escape(str(v))}</td>'
                         for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table>{f'<tr>{head}</tr>' if head else ''}{body}</table>"


def _counts_table(group: str, counts: dict[str, dict]) -> str:
    """A table of :func:`~mnist_course.own_digits.count_read_right`'s counts, one row per group, sorted."""
    return _table([group, "predictions", "true digit known", "read right", "%"],
                  [(name, c["predictions"], c["with_true_digit"], c["read_right"],
                    _percent(c["read_right"], c["with_true_digit"])) for name, c in sorted(counts.items())],
                  numeric=(1, 2, 3, 4))  # fmt: skip


def _percent(count, total) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def _model_section(info: dict, history: dict | None) -> Section:
    from mnist_course import plots

    parts = []
    facts = [("name", info["name"]), ("file", info["file"] or "(not saved to a file)"),
             ("SHA-256 of the file", info["sha256"] or "-"), ("parameters", f"{info['parameters']:,}")]  # fmt: skip
    parts.append(_table(None, facts))
    parts.append("<h3>Layers</h3>")
    parts.append(_table(["layer", "kind", "output shape", "parameters"],
                        [(l["name"], l["kind"], l["output"], f"{l['parameters']:,}") for l in info["layers"]],
                        numeric=(3,)))  # fmt: skip
    parts.append("<h3>Training</h3>")
    if history:
        parts.append(_img(figure_png(plots.plot_history(history)), "learning curves: loss and accuracy per epoch"))
    else:
        parts.append('<p class="note missing">No training history was saved with this model, so there are no '
                     "learning curves. <code>mnist-course train</code> saves it beside the model "
                     "(<code>cnn.history.json</code> next to <code>cnn.keras</code>).</p>")  # fmt: skip
    return _section("model", parts)


def _test_section(test: dict | None, problem: str | None) -> Section:
    from mnist_course import plots

    parts = []
    if test is None:
        parts.append(f'<p class="missing">No test results: {html.escape(problem or "")}</p>')
        return _section("test", parts)
    parts.append(f"<p>Accuracy on <b>{test['count']:,}</b> MNIST test images: <b>{100 * test['accuracy']:.2f}%</b> "
                 f"({int((test['predicted'] != test['labels']).sum())} mistakes).</p>")  # fmt: skip
    parts.append("<h3>Confusion matrix</h3>")
    parts.append(_img(figure_png(plots.plot_confusion_matrix(test["labels"], test["predicted"])), "confusion matrix"))
    parts.append("<h3>Accuracy for each digit</h3>")
    parts.append(_img(figure_png(plots.plot_per_class_accuracy(test["labels"], test["predicted"])),
                      "accuracy for each digit"))  # fmt: skip
    parts.append("<h3>Most confused pairs</h3>")
    if not test["pairs"]:
        parts.append("<p>No mistakes on these test images.</p>")
    for written, read, count in test["pairs"]:
        where = np.flatnonzero((test["labels"] == written) & (test["predicted"] == read))[:8]
        parts.append(f"<p>A <b>{written}</b> read as <b>{read}</b>: {'once' if count == 1 else f'{count} times'}.</p>")
        cases = "".join(f'<div class="case wrong">{_img(_png(test["images"][i]), f"a {written} read as {read}", "")}'
                        f"<br>{100 * float(test['probabilities'][i][read]):.0f}% sure</div>" for i in where)  # fmt: skip
        parts.append(f'<div class="gallery">{cases}</div>')
    return _section("test", parts)


def _png(image) -> bytes:
    from mnist_course import predlog

    return predlog.image_to_png(image)


def _over_time_figure(rows):
    import matplotlib.pyplot as plt

    labelled = [row for row in rows if row["true_label"] is not None]
    right = np.array([row["digit"] == row["true_label"] for row in labelled], dtype=float)
    figure, axis = plt.subplots(figsize=(7, 2.6))
    numbers = np.arange(1, len(right) + 1)
    window = max(1, min(10, len(right)))
    running = np.convolve(right, np.ones(window), "full")[: len(right)] / np.minimum(numbers, window)
    axis.plot(numbers, 100 * running, "-", color="tab:blue", label=f"last {window} read right (%)")
    axis.scatter(numbers, 100 * right, s=12, c=["tab:green" if value else "tab:red" for value in right], zorder=3,
                 label="each digit: right (100) or wrong (0)")  # fmt: skip
    axis.set_ylim(-5, 105)
    axis.set_xlabel("your labelled digits, oldest first")
    axis.set_ylabel("read right (%)")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.tight_layout()
    return figure


def _own_section(rows: list[dict], which: str, problem: str | None) -> Section:
    parts = []
    if problem:
        parts.append(f'<p class="missing">{html.escape(problem)}</p>')
        return _section("own", parts)
    if not rows:
        parts.append("<p>The prediction log has none of your own digits yet. Draw on the pad (lesson 07), use "
                     "<code>mnist-course draw</code> or <code>mnist-course predict</code>, then make the report again.</p>")
        return _section("own", parts)
    labelled = [row for row in rows if row["true_label"] is not None]
    right = sum(row["digit"] == row["true_label"] for row in labelled)
    parts.append(f'<p class="note">From {html.escape(which)}.</p>')
    parts.append(f"<p><b>{len(rows)}</b> predictions; <b>{len(labelled)}</b> with the true digit known "
                 f"(saved with a label, or from a folder named after the digit); <b>{right}</b> of them read right "
                 f"(<b>{_percent(right, len(labelled))}</b>).</p>")  # fmt: skip
    parts.append("<h3>By tool</h3>")
    parts.append(_counts_table("tool", count_read_right(rows, by_tool)))
    parts.append("<h3>Over time</h3>")
    parts.append(_counts_table("day", count_read_right(rows, by_day)))
    if labelled:
        parts.append(_img(figure_png(_over_time_figure(rows)), "your labelled digits over time: read right or not"))
    unsure = _unsure_below()
    shown = [row for row in rows if (row["true_label"] is not None and row["digit"] != row["true_label"])
             or row["confidence"] < unsure][-48:]  # fmt: skip
    parts.append("<h3>Wrong and unsure ones: what the model saw</h3>")
    if not shown:
        parts.append("<p>None: every digit was read right, and every answer was sure.</p>")
    else:
        parts.append(f'<p class="note">Red border: read wrong. The others were read with less than '
                     f"{100 * unsure:.0f}% confidence. Newest last.</p>")  # fmt: skip
        cases = []
        for row in shown:
            wrong = row["true_label"] is not None and row["digit"] != row["true_label"]
            caption = f"read {row['digit']} ({100 * row['confidence']:.0f}%)"
            if row["true_label"] is not None:
                caption += f"<br>written {row['true_label']}"
            caption += f"<br>{html.escape(row['source'])}"
            alt = f"read {row['digit']}" + (f", written {row['true_label']}" if row["true_label"] is not None else "")
            cases.append(f'<div class="case{" wrong" if wrong else ""}">{_img(row["image_png"], alt, "")}<br>{caption}</div>')
        parts.append(f'<div class="gallery">{"".join(cases)}</div>')
    return _section("own", parts)


def _traits_section(rows: list[dict], traits_found: list[dict]) -> Section:
    parts = []
    labelled = [row for row in rows if row["true_label"] is not None]
    wrong = [row for row in labelled if row["digit"] != row["true_label"]]
    if not wrong:
        parts.append(f"<p>No wrong ones among your {len(labelled)} digits with a known true digit.</p>")
        return _section("traits", parts)
    parts.append('<p class="note">Measured on each 28x28 image the model saw (and on what the preprocessing '
                 "noted). Each trait is rare in MNIST: about 1 MNIST test digit in 20 has it, and none is "
                 "off-centre.</p>")  # fmt: skip
    rows_out = [(item["words"], f"{item['wrong']} of {item['wrong_total']}", _percent(item["wrong"], item["wrong_total"]),
                 f"{item['right']} of {item['right_total']}", _percent(item["right"], item["right_total"]))
                for item in traits_found]  # fmt: skip
    if rows_out:
        parts.append(_table(["trait", "wrong ones", "%", "right ones", "%"], rows_out, numeric=(1, 2, 3, 4)))
    else:
        parts.append(f"<p>None of the {len(wrong)} wrong ones has any of the measured traits.</p>")
    pairs = {}
    for row in wrong:
        pairs[(row["true_label"], row["digit"])] = pairs.get((row["true_label"], row["digit"]), 0) + 1
    mixed = sorted(pairs.items(), key=lambda item: -item[1])[:5]
    parts.append("<p>Mixed up most: " + ", ".join(f"{a} read as {b} ({n}x)" for (a, b), n in mixed) + ".</p>")
    return _section("traits", parts)


def _commentary_section(settings: LLMSettings | None, answer: str | None, problem: str | None) -> Section | None:
    if settings is None:
        return None
    parts = []
    if answer is None:
        parts.append(f'<p class="missing">No commentary: {html.escape(problem or "")}.</p>')
    else:
        parts.append(f'<p class="note">Written by the language model {html.escape(settings.model or "")} from the '
                     "numbers above (no images were sent). It can be wrong: check it against the tables.</p>")
        parts.append(f'<div class="commentary">{html.escape(answer)}</div>')
    return _section("commentary", parts)


def _about_section(log_line: str, notes: list[str]) -> Section:
    from mnist_course import __version__

    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    items = [f"made {when} by mnist-course {__version__}", log_line] + notes
    listed = '<ul class="note">' + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"
    return _section("about", [listed], joiner="")


#: The report's look for a part of it shown inside a notebook: only its own elements, never the notebook's.
NOTEBOOK_STYLE = """
.mnist-report table { border-collapse: collapse; margin: 6px 0 10px; }
.mnist-report th, .mnist-report td { border: 1px solid #c9c9c9; padding: 2px 8px; }
.mnist-report .gallery { display: flex; flex-wrap: wrap; gap: 8px; }
.mnist-report .case { width: 96px; font-size: 0.78em; text-align: center; }
.mnist-report .case img { width: 72px; height: 72px; image-rendering: pixelated; border: 1px solid #999; }
.mnist-report .case.wrong img { border: 2px solid #c0392b; }
.mnist-report img.figure { max-width: 100%; }
"""


def notebook_view(html_path, sections=("own", "traits", "commentary")) -> str:
    """Some sections of a written report as an HTML fragment for a notebook (``IPython.display.HTML``).

    Args:
        html_path: the report :func:`build_report` wrote. The sections are read from the JSON file that
            :func:`build_report` wrote beside it (:func:`sections_path`), not from the page.
        sections: the ids of the sections to show (``model``, ``test``, ``own``, ``traits``,
            ``commentary``, ``about``), shown in the page's order.

    Raises:
        FileNotFoundError: the sections file is missing or damaged (make the report again).

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    path = sections_path(html_path)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise FileNotFoundError(f"{path} is missing or damaged: make the report again with build_report "
                                "(it writes this file beside the page)") from error  # fmt: skip
    chosen = [Section(**item) for item in saved if item["id"] in sections]
    # Each section followed by a new line, as on the page.
    return f'<style>{NOTEBOOK_STYLE}</style><div class="mnist-report">{"".join(s.html + chr(10) for s in chosen)}</div>'


def write_pdf(html_path, pdf_path) -> str | None:
    """Print an HTML file to PDF with Chromium through Playwright. Returns None, or why there is no PDF.

    Uses Debian's Chromium (``/usr/bin/chromium``, or ``$MNIST_COURSE_CHROMIUM``) and never downloads a browser.
    """
    chromium = os.environ.get("MNIST_COURSE_CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return 'no PDF: Playwright is not installed (pip install "mnist-course[report]")'
    if not (Path(chromium).is_file() and os.access(chromium, os.X_OK)):
        return f"no PDF: Chromium was not found at {chromium} (Debian/Ubuntu: sudo apt-get install chromium)"
    outcome = {}

    def run():  # in its own thread: Playwright's sync API refuses to run inside a notebook's event loop
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=[
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync"])  # fmt: skip
                try:
                    page = browser.new_page()
                    page.goto(Path(html_path).resolve().as_uri())
                    page.pdf(path=str(pdf_path), format="A4", print_background=True,
                             margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})  # fmt: skip
                finally:
                    browser.close()
        except Exception as error:  # the browser could not start or print
            outcome["error"] = first_line(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join()
    return f"no PDF: Chromium could not print the page ({outcome['error']})" if "error" in outcome else None


def build_report(model_path=None, out="report.html", *, model=None, pdf=None, log_path=None, test_per_class=None,
                 data_path=None, llm: LLMSettings | None = None) -> Report:  # fmt: skip
    """Write the course report as one self-contained HTML file (and a PDF if asked).

    Args:
        model_path: the ``.keras`` file (its SHA-256 and saved history are used).
        out: where to write the HTML.
        model: the model already loaded (else it is loaded from ``model_path``).
        pdf: where to write a PDF of the same page (None: no PDF).
        log_path: the prediction log to read (default: :func:`mnist_course.predlog.log_path`).
        test_per_class: test on this many MNIST test images per digit (None: all 10,000).
        data_path: ``mnist.npz`` to use (default: found as everywhere in the course).
        llm: commentary settings (:func:`llm_settings`), or None for no commentary.

    Returns:
        a :class:`Report`; its ``notes`` say in one line each what is missing and why.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    from mnist_course import config, data, predlog, training

    if model is None:
        if model_path is None:
            raise ValueError("give the model or the path of its .keras file")
        model = training.load_model(model_path)
    out = Path(out).expanduser()
    report = Report(html_path=out)
    info = describe_model(model, model_path)
    history = load_history(model_path) if model_path else None

    test, test_problem = None, None
    try:
        test = mnist_test_results(model, test_per_class=test_per_class, data_path=data_path)
    except data.MnistDataError as error:
        test_problem = str(error)
        report.notes.append(f"no test results: {error}")

    rows, own_problem, which = [], None, ""
    path = Path(log_path) if log_path else predlog.log_path()
    log_line = f"prediction log: {config.display_path(path)}"
    if not path.exists():
        which = "the prediction log (empty)"
    else:
        try:
            with predlog.open_log(path) as log:
                rows, which = own_digits(log, info["identity"])
        except predlog.PredictionLogError as error:
            own_problem = str(error)
            report.notes.append(f"no own digits: {error}")
    labelled = [row for row in rows if row["true_label"] is not None]
    wrong_mask = np.array([row["digit"] != row["true_label"] for row in labelled], bool)
    traits_found = common_traits(np.stack([row["image"] for row in labelled]), wrong_mask, labelled) if labelled else []
    report.summary = summarise(info, test, rows, traits_found)

    if llm is not None:
        report.commentary, problem = ask_for_commentary(llm, commentary_prompt(report.summary))
        if problem:
            report.notes.append(f"no commentary: {problem}")
    else:
        problem = None

    title = [
        "<h1>Handwritten digits: my model and my own digits</h1>",
        f'<p class="note">Model {html.escape(info["file"] or info["name"])}; '
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M}.</p>",
    ]
    sections = [
        _model_section(info, history),
        _test_section(test, test_problem),
        _own_section(rows, which, own_problem),
        _traits_section(rows, traits_found) if not own_problem else None,
        _commentary_section(llm, report.commentary, problem),
        _about_section(log_line, list(report.notes)),  # the notes so far: a PDF problem comes later
    ]
    report.contents = [section for section in sections if section is not None]
    report.sections = [section.title for section in report.contents]
    if pdf is not None:
        pdf = Path(pdf).expanduser()
    document = _document("\n".join(title + [section.html for section in report.contents]))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document, encoding="utf-8")
    sections_path(out).write_text(json.dumps([vars(section) for section in report.contents]) + "\n",
                                  encoding="utf-8")  # fmt: skip
    if pdf is not None:
        pdf.parent.mkdir(parents=True, exist_ok=True)
        missing = write_pdf(out, pdf)
        if missing:
            report.notes.append(missing)
        else:
            report.pdf_path = pdf
    return report


def _document(body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            # Nothing may come from the network: images are data: URLs, the style is inline.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            "<title>mnist-course report</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")  # fmt: skip
