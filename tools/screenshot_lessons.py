"""Screenshots of lessons as a projector shows them: the committed notebook in a real browser at 1280x720.

Renders each lesson to HTML with nbconvert (the committed outputs, nothing is run), opens it in Debian's
Chromium through Playwright with a 1280x720 window, and saves the first screen of every plot: one PNG
per plot, as the room sees it, so you can check that its numbers and labels are readable.

    python tools/screenshot_lessons.py 03_mlp 05_cnn 06_your_own_handwriting 08_toward_99_7 --out assets/screenshots

Needs: `apt-get install chromium`, and the test extra (playwright, nbconvert).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("MNIST_COURSE_CHROMIUM", "/usr/bin/chromium")
WIDTH, HEIGHT = 1280, 720


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", help="lessons like 03_mlp")
    parser.add_argument("--out", type=Path, default=REPO / "assets" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        for name in args.names:
            notebook = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
            html, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
            page_file = Path(folder) / f"{name}.html"
            page_file.write_text(html, encoding="utf-8")
            page.goto(page_file.as_uri())
            images = page.locator(".jp-OutputArea-output img")
            for number in range(images.count()):
                image = images.nth(number)
                image.scroll_into_view_if_needed()
                target = args.out / f"{name}_plot{number + 1}.png"
                page.screenshot(path=str(target))  # the whole 1280x720 screen with this plot on it
                print(target.relative_to(REPO) if target.is_relative_to(REPO) else target)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
