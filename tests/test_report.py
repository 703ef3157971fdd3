"""The course report and the `log` command: what they show, how they fail, and the report in a real browser.

The browser test opens the HTML file in Debian's Chromium (Playwright, as tests/test_browser.py does),
checks that every picture loaded and that nothing was asked of the network, and keeps a screenshot in
artifacts/report.png; the PDF printed from the same page must carry the same section headings.
"""

import base64
import csv
import io
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from mnist_course import cli, predlog, report
from test_browser import CHROMIUM, require_browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
SECTIONS = ["The model", "Test results", "Your own digits", "What the wrong ones have in common", "About this report"]


@pytest.fixture(scope="module")
def model(trained_model_path):
    from mnist_course import training

    return training.load_model(trained_model_path)


@pytest.fixture
def model_file(tmp_path, trained_model_path):
    """A copy of the test model with a training history saved beside it."""
    path = tmp_path / "models" / "cnn.keras"
    path.parent.mkdir()
    path.write_bytes(trained_model_path.read_bytes())
    report.save_history({"loss": [0.9, 0.5, 0.3], "accuracy": [0.7, 0.85, 0.9],
                         "val_loss": [0.6, 0.4, 0.35], "val_accuracy": [0.8, 0.88, 0.9]}, path)  # fmt: skip
    return path


@pytest.fixture
def logged(course_home, model, model_file, mnist, monkeypatch):
    """A log of 'your own' digits: 24 by this model (6 of them thin and read wrong on purpose), 5 by another."""
    from mnist_course import models

    monkeypatch.setattr(predlog, "_open_logs", {})
    _, (test_images, test_labels) = mnist
    images = test_images[:24].astype(np.float32) / 255
    images[:6] = ndimage.grey_erosion(images[:6], size=(1, 2, 2))  # thinner strokes
    probabilities = models.predict_proba(model, images)
    for number, (image, row, label) in enumerate(zip(images, probabilities, test_labels[:24])):
        label = (int(row.argmax()) + 1) % 10 if number < 6 else int(label)
        source = "pad" if number % 2 else "predict"
        predlog.log_prediction(source, image, row, model=model, model_path=model_file, true_label=label,
                               notes={"touches_edge": number < 3})  # fmt: skip
    for number in range(5):
        predlog.log_prediction("pad", images[number], probabilities[number], true_label=1,
                               model_path=Path(__file__))  # another "model" file  # fmt: skip
    yield course_home
    for log in predlog._open_logs.values():
        log.close()


# --- traits --------------------------------------------------------------------------------------


def test_each_trait_is_rare_in_mnist_as_its_threshold_says(mnist):
    _, (test_images, _) = mnist
    traits = report.digit_traits(test_images)
    for name in ("thin", "thick", "tilted", "short", "faint"):
        assert 0.03 < traits[name].mean() < 0.07, (name, traits[name].mean())
    assert traits["off_centre"].sum() == 0


def test_traits_find_what_was_done_to_a_digit(mnist):
    _, (test_images, test_labels) = mnist
    one = test_images[np.flatnonzero(test_labels == 1)[:50]].astype(np.float32) / 255
    moved = np.roll(one, 3, axis=2)
    shear = np.stack([ndimage.affine_transform(image, [[1, 0], [0.8, 1]], offset=[0, -11]) for image in one])
    thick = ndimage.grey_dilation(one, size=(1, 3, 3))
    assert report.digit_traits(moved)["off_centre"].mean() > 0.9
    assert report.digit_traits(shear)["tilted"].mean() > report.digit_traits(one)["tilted"].mean() + 0.5
    assert report.digit_traits(thick)["thick"].mean() > report.digit_traits(one)["thick"].mean() + 0.5


# --- the report ----------------------------------------------------------------------------------


def test_the_report_shows_the_model_the_test_set_and_your_digits(logged, tmp_path, model, model_file):
    result = report.build_report(model_file, tmp_path / "out" / "report.html", model=model, test_per_class=5)
    page = result.html_path.read_text(encoding="utf-8")
    assert result.sections == SECTIONS
    assert "learning curves" in page and "No training history" not in page
    assert "Accuracy on <b>50</b> MNIST test images" in page
    assert "From the 24 predictions this model made (5 by other models left out)" in page
    assert "<b>24</b> predictions; <b>24</b> with the true digit known" in page
    # What the wrong ones have in common: the six thinned, wrongly labelled digits.
    found = {item["trait"]: item for item in report.common_traits(
        np.stack([predlog.png_to_image(row["image_png"]) for row in predlog.open_log().rows(newest_first=False)[:24]]),
        np.arange(24) < 6)}  # fmt: skip
    assert found["thin"]["wrong"] >= 4
    first_trait = re.search(r"What the wrong ones have in common</h2>.*?<td[^>]*>([^<]+)</td>", page, re.S).group(1)
    assert first_trait in {"thin strokes", "touching the edge of the picture"}
    assert result.summary["own_digits"]["with_true_digit"] == 24 and result.summary["own_digits"]["read_right"] <= 18
    # Self-contained: every picture is inside the file, nothing points to the network.
    sources = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(sources) >= 10 and all(source.startswith("data:image/png;base64,") for source in sources)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    # The sections are data, built once: the page shows them all; notebook_view reads them from the JSON beside it.
    assert [section.id for section in result.contents] == ["model", "test", "own", "traits", "about"]
    assert all(section.html in page for section in result.contents)
    view = report.notebook_view(result.html_path, sections=("traits", "own"))
    assert view.index('<h2 id="own">') < view.index('<h2 id="traits">') and '<h2 id="model">' not in view
    assert report.sections_path(result.html_path) == result.html_path.with_name("report.sections.json")


def test_counts_by_tool_and_by_day_come_from_one_helper():
    from mnist_course import own_digits

    rows = [{"source": "pad", "time": "2025-03-01T12:00:00Z", "digit": 1, "true_label": 1},
            {"source": "predict", "time": "2025-03-01T12:00:00Z", "digit": 2, "true_label": 3},
            {"source": "pad", "time": "2025-03-02T12:00:00Z", "digit": 4, "true_label": None}]  # fmt: skip
    assert own_digits.count_read_right(rows, own_digits.by_tool) == {
        "pad": {"predictions": 2, "with_true_digit": 1, "read_right": 1},
        "predict": {"predictions": 1, "with_true_digit": 1, "read_right": 0},
    }
    by_day = own_digits.count_read_right(rows, own_digits.by_day)
    assert sum(entry["predictions"] for entry in by_day.values()) == 3 and len(by_day) == 2


def test_no_history_no_log_no_mnist_each_gives_one_line(course_home, tmp_path, model, trained_model_path, monkeypatch):
    monkeypatch.setattr(predlog, "_open_logs", {})
    result = report.build_report(trained_model_path, tmp_path / "report.html", model=model,
                                 data_path=tmp_path / "no-mnist.npz")  # fmt: skip
    page = result.html_path.read_text(encoding="utf-8")
    assert "No training history was saved with this model" in page
    assert "No test results:" in page and any(note.startswith("no test results") for note in result.notes)
    assert "has none of your own digits yet" in page


def test_a_damaged_log_gives_a_report_that_says_so(course_home, tmp_path, model, trained_model_path, monkeypatch):
    monkeypatch.setattr(predlog, "_open_logs", {})
    course_home.mkdir(parents=True, exist_ok=True)
    (course_home / "predictions.sqlite").write_bytes(b"not a database at all" * 50)
    result = report.build_report(trained_model_path, tmp_path / "report.html", model=model, test_per_class=2)
    assert any("is not a prediction log" in note for note in result.notes)
    assert "is not a prediction log" in result.html_path.read_text(encoding="utf-8")


def test_report_command_checks_its_options(tmp_path, capsys, course_home):
    assert cli.main(["report", "--out", str(tmp_path / "report.txt")]) == 2
    assert "--out must end in .html" in capsys.readouterr().err
    assert cli.main(["report", "--out", str(tmp_path / "r.html")]) == 2  # no model saved in this course home
    assert "mnist-course train" in capsys.readouterr().err


# --- the log command -----------------------------------------------------------------------------


def test_log_shows_exports_and_clears(logged, tmp_path, capsys, monkeypatch):
    assert cli.main(["log", "-n", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["id", "time", "tool", "read"]
    assert len(out) == 5 and out[-1].startswith("3 of 29 predictions in [course folder]/predictions.sqlite")
    assert [line.split()[0] for line in out[1:4]] == ["27", "28", "29"], "the newest last"

    target = tmp_path / "log.csv"
    assert cli.main(["log", "--csv", str(target), "--source", "pad"]) == 0
    with open(target, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 12 + 5 and {row["source"] for row in rows} == {"pad"}
    image = predlog.png_to_image(base64.b64decode(rows[0]["image_png_base64"]))
    assert image.shape == (28, 28)

    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert cli.main(["log", "--clear"]) == 1
    assert "Nothing deleted" in capsys.readouterr().out and predlog.open_log().count() == 29
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no one to answer: no
    assert cli.main(["log", "--clear"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert cli.main(["log", "--clear"]) == 0
    assert "Deleted 29 predictions" in capsys.readouterr().out
    assert cli.main(["log", "--clear", "--yes"]) == 0
    with sqlite3.connect(logged / "predictions.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM predictions").fetchone() == (0,)


def test_log_with_no_log_or_a_foreign_file(course_home, capsys, monkeypatch):
    monkeypatch.setattr(predlog, "_open_logs", {})
    assert cli.main(["log"]) == 0
    assert "No predictions logged yet" in capsys.readouterr().out
    (course_home / "predictions.sqlite").write_text("hello")
    assert cli.main(["log"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mnist-course log: error:") and "is not a prediction log" in err


# --- in a real browser ---------------------------------------------------------------------------


def test_the_report_in_chromium_loads_every_figure_asks_no_network_and_prints_the_same_sections(
    logged, tmp_path, model, model_file
):
    require_browser("report browser test")
    import pypdfium2
    from playwright.sync_api import sync_playwright

    result = report.build_report(model_file, tmp_path / "report.html", model=model, test_per_class=5,
                                 pdf=tmp_path / "report.pdf")  # fmt: skip
    assert result.pdf_path == tmp_path / "report.pdf", result.notes

    requested = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])  # fmt: skip
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requested.append(request.url))
        page.route(re.compile(r"^(https?|wss?|ftp):"), lambda route: route.abort())  # the network: never used
        page.goto(result.html_path.as_uri())
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all(
            "img", "images => images.map(image => [image.complete, image.naturalWidth, image.alt])")
        headings = page.eval_on_selector_all("h2", "headings => headings.map(h => h.textContent)")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        browser.close()
    assert len(images) >= 10
    broken = [alt for complete, width, alt in images if not complete or width == 0]
    assert not broken, f"pictures that did not load: {broken}"
    outside = [url for url in requested if not url.startswith(("file:", "data:"))]
    assert not outside, f"the report asked the network for {outside}"
    assert headings == SECTIONS and errors == []

    pdf = pypdfium2.PdfDocument(str(result.pdf_path))
    text = "\n".join(pdf[index].get_textpage().get_text_range() for index in range(len(pdf)))
    pdf.close()
    positions = [text.find(heading) for heading in SECTIONS]
    assert -1 not in positions, [h for h, p in zip(SECTIONS, positions) if p < 0]
    assert positions == sorted(positions), "the PDF's sections are in the page's order"
