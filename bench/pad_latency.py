"""Drawing pad speed: stroke end -> probabilities shown must take at most 50 ms.

Runs the real browser measurement (tests/test_browser.py: Voila + Debian's Chromium, 12 strokes drawn
with real pointer events; it writes artifacts/pad_latency.json) and times the Python part alone
(preprocessing + model) on the same machine. Prints both, writes bench/results/pad_latency.json and
exits 1 if the browser median is above the target.

    python bench/pad_latency.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0


def python_side(repeats: int = 50) -> dict:
    """Median time of widgets.read_drawing (to_mnist + model) for drawings of the ten digits."""
    sys.path.insert(0, str(REPO))
    from mnist_course import config

    config.import_keras_quietly()
    from mnist_course import data, models, samples, training, widgets

    (x_train, y_train), _ = data.load_mnist(allow_download=False)
    images, labels = data.balanced_subset(x_train, y_train, per_class=100, seed=0)
    model = models.build("cnn")
    training.train(model, data.scale(images), labels, epochs=1, verbose=False)
    widgets._warm_up(model)
    drawings = []
    for digit in range(10):
        strokes = samples.digit_strokes(digit, seed=digit)
        drawings.append(widgets.pad_ink_image([[(140 + 200 * x, 140 + 200 * y) for x, y in s] for s in strokes]))
    times = []
    for number in range(repeats):
        start = time.perf_counter()
        widgets.read_drawing(drawings[number % 10], model)
        times.append(1000 * (time.perf_counter() - start))
    return {"read_drawing_median_ms": round(statistics.median(times), 1), "repeats": repeats}


def browser_latency() -> dict | None:
    """Run the browser test's latency measurement; its stroke end -> bars shown numbers, or None if it failed."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_browser.py", "-k", "latency", "-q", "-s", "-p", "no:nbval",
         "-o", "addopts=", "-p", "no:cacheprovider"],
        cwd=REPO,
    )  # fmt: skip
    if result.returncode != 0:
        return None
    return json.loads((REPO / "artifacts" / "pad_latency.json").read_text())


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    browser = browser_latency()
    if browser is None:
        print("the browser measurement failed", file=sys.stderr)
        return 1
    python = python_side()
    summary = {"target_ms": TARGET_MS, "browser": browser, "python": python}
    (REPO / "bench" / "results").mkdir(exist_ok=True)
    (REPO / "bench" / "results" / "pad_latency.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"stroke end -> bars shown: median {browser['median_ms']} ms, p90 {browser['p90_ms']} ms "
          f"(target {TARGET_MS:.0f} ms); Python part alone: {python['read_drawing_median_ms']} ms; "
          f"load {browser['load_average_1min']:.1f} on {browser['cpu_count']} cores")  # fmt: skip
    return 0 if browser["median_ms"] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
