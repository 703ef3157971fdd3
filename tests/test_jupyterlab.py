"""Lessons 06 and 07 in real JupyterLab: Debian's Chromium driven by Playwright, as a student uses them.

A `jupyter lab` server starts on a free port of 127.0.0.1 (no token, no browser of its own) in a
temporary folder with copies of the two lessons (outputs cleared, the repository's notebooks are never
touched) and of assets/, with its own Jupyter config, data and runtime folders and an empty course home.
Chromium opens each lesson and runs it with the menu, Run > Run All Cells. Then:

- lesson 06: a click on the upload button opens the file dialog, which gets a real JPEG (a photographed
  handwritten 3 made by mnist_course.samples), and the lesson must print that picture's digit under the button;
- lesson 07: a 7 is drawn on the live pad with real mouse moves, and the pad must answer 7.

Screenshots go to artifacts/jupyterlab_lesson06.png and artifacts/jupyterlab_lesson07.png (git-ignored).

Needs: `apt-get install chromium` (never a downloaded browser), the `playwright` and `jupyterlab` Python
packages. Skips without them locally; fails without them when CI=true (as tests/test_browser.py).
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, SEVEN, _draw, _free_port, _stop, require_browser

REPO = Path(__file__).resolve().parent.parent
LESSONS = {"06": "06_your_own_handwriting.ipynb", "07": "07_drawing_pad.ipynb", "ko07": "ko/07_drawing_pad.ipynb"}
# What the pad says before anything is drawn, and its Save button, in each edition (the Korean lesson's
# lesson.start(language="ko") makes the pad speak Korean).
PAD_WORDS = {"07": ("draw a digit", "Save"), "ko07": ("숫자를 그려 보세요", "저장")}
UPLOAD_LABEL = 3  # the digit in the uploaded photo; the fast-mode CNN reads this picture as a 3
UPLOAD_NAME = "my_handwritten_3.jpg"
DRAWN_DIGIT = "7"  # the pad test draws tests/test_browser.py's SEVEN
RUN_ALL_TIMEOUT_S = 600  # generous: CI machines are slow; a lesson takes about a minute in fast mode


def _wait_for_lab(url: str, process: subprocess.Popen, log_path: Path, seconds: float = 90) -> None:
    """Until the server answers /api/status; fails with the server's log if it stops or stays silent."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    problem = f"stopped (exit {process.returncode})" if process.poll() is not None else f"did not answer in {seconds} s"
    pytest.fail(f"`jupyter lab` {problem}:\n{log_path.read_text()}")


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """`jupyter lab` on a free port of 127.0.0.1 serving copies of lessons 06 and 07; yields its URL."""
    require_browser("JupyterLab browser test", ("playwright", "jupyterlab"))

    root = tmp_path_factory.mktemp("lab-root")
    (root / "notebooks").mkdir()
    for name in LESSONS.values():  # a fresh copy as a student gets it after "Clear All Outputs"
        notebook = nbformat.read(REPO / "notebooks" / name, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        (root / "notebooks" / name).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, root / "notebooks" / name)
    shutil.copytree(REPO / "assets", root / "assets")  # lesson 06 reads ../assets, 07 shows ../assets/drawing_pad.png

    jupyter = tmp_path_factory.mktemp("lab-jupyter")
    config_dir = jupyter / "config"
    (config_dir / "labconfig").mkdir(parents=True)
    # No "news?" notification over the notebook (the test machine is offline anyway).
    (config_dir / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}'
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    environment.update(
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_DATA_DIR=str(jupyter / "data"),  # no kernels of the user's own: the server's Python runs the lessons
        JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
        MNIST_COURSE_FAST="1",
        MNIST_COURSE_HOME=str(tmp_path_factory.mktemp("lab-course-home")),  # lesson 06 trains the CNN, 07 loads it
        TF_CPP_MIN_LOG_LEVEL="3",
    )  # MNIST_COURSE_DATA and IPYTHONDIR (deprecations are errors in kernels) come from ../conftest.py
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
        "--allow-root",  # CI containers often run as root
    ]  # fmt: skip
    log_path = jupyter / "lab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, cwd=root)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_lab(url, process, log_path)
        yield url
    finally:
        _stop(process)  # the server and the kernels it started share one process group


@pytest.fixture(scope="module")
def browser(lab_server):
    """Debian's Chromium, driven by Playwright (no browser is downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# The open notebook, read from JupyterLab's own model: code cells run, errors, the kernel's state.
NOTEBOOK_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const state = {code: 0, started: 0, errors: [], kernel: kernel ? kernel.status : "none"};
  const cells = panel.content.model.cells;
  for (let index = 0; index < cells.length; index++) {
    const cell = cells.get(index).toJSON();
    if (cell.cell_type !== "code") continue;
    state.code += 1;
    if (cell.execution_count) state.started += 1;
    for (const output of cell.outputs)
      if (output.output_type === "error") state.errors.push(`cell ${index}: ${output.ename}: ${output.evalue}`);
  }
  return state;
}"""


def _notebook_state(page):
    return page.evaluate(NOTEBOOK_STATE)


def _screenshot(page, name: str) -> str:
    """Save the page as artifacts/NAME.png (git-ignored); returns that path for messages."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    return f"artifacts/{name}.png"


def _finish(page, lesson: str) -> None:
    """The lesson ran without an error in the notebook or the page; a screenshot of what it shows."""
    assert _notebook_state(page)["errors"] == []
    _screenshot(page, f"jupyterlab_lesson{lesson}")
    assert page.lab_errors == []


def _open_and_run_all(browser, lab_server, lesson):
    """Open a lesson in JupyterLab, wait for its kernel, and run it with Run > Run All Cells."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.lab_errors = []
    page.on("pageerror", lambda error: page.lab_errors.append(str(error)))
    # ?reset: a fresh layout with only this lesson open (not the tabs the last page left in the workspace).
    page.goto(f"{lab_server}/lab/tree/notebooks/{LESSONS[lesson]}?reset", timeout=120_000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    page.wait_for_function(f"(() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle'; }})()",
                           timeout=120_000)  # fmt: skip
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    started = time.monotonic()
    while True:
        state = _notebook_state(page)
        problem = None
        if state["errors"]:
            problem = f"lesson {lesson} failed in JupyterLab: {state['errors']}"
        elif state["started"] == state["code"] and state["kernel"] == "idle":
            return page
        elif state["started"] == 0 and state["kernel"] == "idle" and time.monotonic() - started > 60:
            problem = f"Run All Cells did not start lesson {lesson}: {state}"
        elif time.monotonic() - started > RUN_ALL_TIMEOUT_S:
            problem = f"lesson {lesson} did not finish within {RUN_ALL_TIMEOUT_S} s: {state}"
        if problem:
            pytest.fail(problem + f" (screenshot: {_screenshot(page, f'jupyterlab_lesson{lesson}_failed')})")
        time.sleep(1)


def _close(page):
    """Shut down the lesson's kernel (it holds a TensorFlow model) and close the page."""
    page.evaluate("() => { const panel = window.jupyterapp.shell.currentWidget;"
                  " return panel && panel.sessionContext ? panel.sessionContext.shutdown() : null; }")
    page.close()


def _photo_of_a_digit(folder: Path) -> Path:
    """A real JPEG file: a phone photo (1600x1200) of a handwritten UPLOAD_LABEL, made by mnist_course.samples."""
    from mnist_course import samples

    sample = samples.make_sample(UPLOAD_LABEL, kind="photo", seed=3)
    assert sample.label == UPLOAD_LABEL
    path = folder / UPLOAD_NAME
    sample.image.convert("RGB").save(path, "JPEG", quality=90)
    return path


def test_lesson_06_reads_an_uploaded_jpeg(browser, lab_server, tmp_path):
    page = _open_and_run_all(browser, lab_server, "06")
    try:
        upload = page.locator(".jp-OutputArea-output .widget-upload")
        assert upload.count() == 1, "lesson 06 shows one upload button"
        upload.scroll_into_view_if_needed()
        # A click opens the file dialog; Playwright answers it with the JPEG. (ipywidgets 8 keeps its
        # <input type=file> out of the page, so there is no element to call set_input_files on.)
        with page.expect_file_chooser() as dialog:
            upload.click()
        assert not dialog.value.is_multiple()
        dialog.value.set_files(_photo_of_a_digit(tmp_path))
        answer = page.locator(".jp-OutputArea-output .widget-output", has_text=f"{UPLOAD_NAME}: the model reads")
        answer.wait_for(timeout=120_000)
        answer.scroll_into_view_if_needed()
        text = answer.inner_text()
        # The lesson's model in fast mode is small: its first answer must be the digit, sure ("3 (97%)") or
        # not ("not sure: 3 or 0?").
        assert re.search(rf"{re.escape(UPLOAD_NAME)}: the model reads ({UPLOAD_LABEL} \(|not sure: {UPLOAD_LABEL} or )", text), text
        assert answer.locator("img").count() >= 2, "the steps and the bars are shown as pictures"
        _finish(page, "06")
    finally:
        _close(page)


def _wait_until_still(locator, seconds: float = 30) -> None:
    """Until the element's place on the screen stays the same for a second.

    JupyterLab draws the cells near the view only when the notebook scrolls to them, so the pad can move
    by a cell's height just after scroll_into_view_if_needed; mouse strokes aimed before that miss it.
    """
    deadline = time.monotonic() + seconds
    last, same_since = None, time.monotonic()
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        if box != last:
            last, same_since = box, time.monotonic()
        elif time.monotonic() - same_since >= 1.0:
            return
        time.sleep(0.1)
    pytest.fail(f"the element kept moving for {seconds} s (last place: {last})")


@pytest.mark.parametrize("lesson", ["07", "ko07"], ids=["english", "korean"])
def test_lesson_07_pad_reads_a_drawn_digit(browser, lab_server, lesson):
    page = _open_and_run_all(browser, lab_server, lesson)
    try:
        pad = page.locator(".mnist-pad[data-ready=true]")
        pad.wait_for(timeout=60_000)
        pad.scroll_into_view_if_needed()
        blank, save = PAD_WORDS[lesson]
        assert page.locator(".mnist-pad-confidence").text_content() == blank
        assert page.locator(".mnist-pad button.mnist-pad-button").last.text_content() == save
        _wait_until_still(page.locator(".mnist-pad-canvas"))
        _draw(page, SEVEN)
        strokes = pad.get_attribute("data-strokes")
        assert strokes == str(len(SEVEN)), f"the pad took {strokes} strokes, not {len(SEVEN)}: the mouse missed it"
        try:
            page.wait_for_function("document.querySelector('.mnist-pad').dataset.prediction", timeout=60_000)
        except Exception:  # Playwright's TimeoutError: say what the pad shows, and keep a screenshot
            shown = page.locator(".mnist-pad-confidence").text_content()
            pytest.fail(f"the pad gave no answer in 60 s; it shows {shown!r}; notebook: {_notebook_state(page)}"
                        f" (screenshot: {_screenshot(page, f'jupyterlab_lesson{lesson}_failed')})")  # fmt: skip
        shown = page.locator(".mnist-pad-digit").text_content()
        assert pad.get_attribute("data-prediction") == shown
        assert shown == DRAWN_DIGIT, f"a clear {DRAWN_DIGIT} drawn in JupyterLab was read as {shown}"
        _finish(page, lesson)
    finally:
        _close(page)
