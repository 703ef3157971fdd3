"""Benchmark lesson 06's preprocessing: accuracy on new handwriting, and time for a 12 MP photo.

The test set is synthetic handwriting from ``mnist_course.samples`` (strokes drawn by code, six
writers' letter forms and hands; pens, inks, papers, lines, sizes and positions; phone photos with
lighting gradients, shadows, blur, noise, JPEG and EXIF rotation; chalk on a board). The course CNN
never saw any of it. Each picture goes through the same path as a user's file: encoded to bytes,
then read by ``handwriting.preprocess``.

Real handwriting first: ``--real`` reads ``bench/real_digits`` (pictures from public repositories,
see its README; tuned on the ``tune`` half, reported on the ``report`` half), compares the plain
pipeline (``handwriting.simple_to_mnist``) with the full one, and with ``--ablation`` turns each
clean-up step off in turn.

Run (from the repository root; trains the course CNN first if there is none):

    python bench/benchmark_handwriting.py --real                 # the report half, by kind and source
    python bench/benchmark_handwriting.py --real --split tune --ablation

    python bench/benchmark_handwriting.py                       # full: 6 writers x 4 kinds x 10 digits x 5
    python bench/benchmark_handwriting.py --per-digit 1 --quick  # a quick look
    python bench/benchmark_handwriting.py --timing-only

Seeds: tune with --seed 1 (the development set); report with the default --seed 2026, which was
not looked at while tuning.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from mnist_course import handwriting, samples  # noqa: E402

FORMATS = {"canvas": ("PNG",), "scan": ("PNG", "JPEG", "WEBP", "BMP"), "photo": ("JPEG",), "chalk": ("JPEG",),
           "tight": ("PNG", "JPEG"), "lowres": ("PNG", "JPEG")}


def naive(data: bytes) -> np.ndarray:
    """The simplest try: greyscale, squash to 28x28, scale to [0, 1]."""
    import io

    picture = Image.open(io.BytesIO(data)).convert("L").resize((28, 28))
    return np.asarray(picture, np.float32) / 255.0


def load_model(path):
    from mnist_course import config, training

    config.quiet_tensorflow()
    if path:
        return training.load_model(path)
    return training.load_or_train_cnn()


def machine_load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"
    except OSError:
        return "load average unknown"


def time_12mp(repeats: int = 7) -> dict:
    """Median time to preprocess (decode included) a 4000x3000 phone JPEG of a digit."""
    sample = samples.make_sample(7, kind="photo", writer="european", seed=12, size=(4000, 3000))
    data = samples.encode(sample.image, "JPEG", quality=90, orientation=6)
    handwriting.preprocess(data)  # warm up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        handwriting.preprocess(data)
        times.append(time.perf_counter() - started)
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[60:220, 130:150, 3] = 255  # a drawn 1 on a transparent canvas (the drawing pad's input)
    handwriting.preprocess(canvas)
    canvas_times = []
    for _ in range(repeats * 3):
        started = time.perf_counter()
        handwriting.preprocess(canvas)
        canvas_times.append(time.perf_counter() - started)
    return {
        "photo_12mp_ms": round(1000 * float(np.median(times)), 1),
        "photo_12mp_min_ms": round(1000 * float(np.min(times)), 1),
        "photo_bytes": len(data),
        "canvas_280_ms": round(1000 * float(np.median(canvas_times)), 2),
        "machine": machine_load(),
    }


def accuracy(model, per_digit: int, seed: int, kinds, show_failures: int = 0) -> dict:
    results = defaultdict(lambda: [0, 0])  # key -> [correct, total]
    naive_results = defaultdict(lambda: [0, 0])
    failures = []
    images, labels, keys, naive_images = [], [], [], []
    for kind in kinds:
        for writer in samples.WRITER_NAMES:
            for digit in range(10):
                for repeat in range(per_digit):
                    # One seed per picture, so that any picture can be made again on its own.
                    picture_seed = [seed, kinds.index(kind), samples.WRITER_NAMES.index(writer), digit, repeat]
                    rng = np.random.default_rng(picture_seed)
                    sample = samples.make_sample(digit, kind=kind, writer=writer, seed=rng)
                    file_format = str(rng.choice(FORMATS[kind]))
                    orientation = int(rng.choice([1, 6, 8, 3])) if kind == "photo" and rng.random() < 0.4 else None
                    data = samples.encode(sample.image, file_format, quality=int(rng.integers(60, 95)),
                                          orientation=orientation)
                    try:
                        image = handwriting.to_mnist(data)
                    except handwriting.HandwritingError as error:
                        image = np.zeros((28, 28), np.float32)
                        failures.append((kind, writer, digit, str(error)))
                    images.append(image)
                    naive_images.append(naive(data) if orientation is None else naive(data))
                    labels.append(digit)
                    keys.append((kind, writer, dict(sample.details, seed=picture_seed)))
    from mnist_course.models import predict_proba

    predicted = predict_proba(model, np.stack(images)).argmax(axis=1)
    naive_predicted = predict_proba(model, np.stack(naive_images)).argmax(axis=1)
    wrong = []
    for (kind, writer, details), label, guess, naive_guess, image in zip(keys, labels, predicted, naive_predicted, images):
        for key in (("all",), ("kind", kind), ("writer", writer), ("digit", str(label))):
            results[key][0] += int(guess == label)
            results[key][1] += 1
        for key in (("all",), ("kind", kind)):
            naive_results[key][0] += int(naive_guess == label)
            naive_results[key][1] += 1
        if guess != label:
            wrong.append((kind, writer, label, int(guess), details, image))
            print("wrong:", kind, writer, label, "->", int(guess), details, file=sys.stderr)
    report = {
        "count": len(labels),
        "seed": seed,
        "accuracy": {" ".join(key): round(100 * c / t, 1) for key, (c, t) in sorted(results.items())},
        "naive_resize_accuracy": {" ".join(key): round(100 * c / t, 1) for key, (c, t) in sorted(naive_results.items())},
        "errors_raised": failures[:10],
    }
    if show_failures:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        shown = wrong[:show_failures]
        if shown:
            columns = min(10, len(shown))
            rows = (len(shown) + columns - 1) // columns
            figure, axes = plt.subplots(rows, columns, figsize=(1.5 * columns, 1.7 * rows), squeeze=False)
            for axis in axes.ravel():
                axis.axis("off")
            for axis, (kind, writer, label, guess, details, image) in zip(axes.ravel(), shown):
                axis.imshow(image, cmap="gray")
                axis.set_title(f"{kind[:5]} {writer[:5]}\n{label}->{guess}", fontsize=7)
            figure.savefig("bench_failures.png", dpi=70)
            print("wrote bench_failures.png", file=sys.stderr)
    return report


def real(model, split: str, ablation: bool) -> dict:
    """Accuracy on real handwriting (one half of bench/real_digits), by kind and by source."""
    from dataclasses import replace

    import real_handwriting

    from mnist_course import calibration
    from mnist_course.models import predict_proba

    rows = real_handwriting.load_rows(split)
    labels = np.array([row.label for row in rows])
    pipelines = {"course preprocessing": handwriting.to_mnist, "plain pipeline": handwriting.simple_to_mnist}
    if ablation:
        for step in ("lighting", "lines", "specks", "stroke"):
            cleanup = replace(handwriting.FULL_CLEANUP, **{step: False})
            pipelines[f"without {step}"] = lambda path, cleanup=cleanup: handwriting.to_mnist(path, cleanup=cleanup)
    report = {"split": split, "count": len(rows), "machine": machine_load(), "pipelines": {}}
    for name, pipeline in pipelines.items():
        images, errors = real_handwriting.prepare(rows, pipeline)
        probabilities = predict_proba(model, images)
        table = real_handwriting.accuracy_table(rows, probabilities.argmax(axis=1))
        entry = {key: {"accuracy": real_handwriting.percent(pair), "count": pair[1]} for key, pair in table.items()}
        entry["refused"] = [f"{row.path.name}: {error}" for row, error in zip(rows, errors) if error]
        if name == "course preprocessing":
            confidence = probabilities.max(axis=1)
            correct = probabilities.argmax(axis=1) == labels
            sure = confidence >= calibration.UNSURE_BELOW
            entry["unsure_threshold"] = {
                "threshold": calibration.UNSURE_BELOW,
                "sure_share": round(100 * float(sure.mean()), 1),
                "accuracy_when_sure": round(100 * float(correct[sure].mean()), 1) if sure.any() else None,
                "accuracy_when_unsure": round(100 * float(correct[~sure].mean()), 1) if (~sure).any() else None,
            }
            entry["wrong"] = [f"{row.path.relative_to(real_handwriting.FOLDER)}: {row.label} read as {guess}"
                              for row, guess in zip(rows, probabilities.argmax(axis=1)) if guess != row.label]
        report["pipelines"][name] = entry
        print(f"{name:22} {entry['all']['accuracy']:5.1f}%  " + "  ".join(
            f"{key.split(' ', 1)[1]} {value['accuracy']}% ({value['count']})"
            for key, value in entry.items() if key.startswith("kind ")), flush=True)
    best = report["pipelines"]["course preprocessing"]
    print(json.dumps({key: value for key, value in best.items() if key.startswith(("source", "ink"))}, indent=1))
    print(json.dumps({"unsure_threshold": best["unsure_threshold"], "refused": best["refused"], "wrong": best["wrong"]}, indent=1))
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a .keras file (default: the course CNN, trained if missing)")
    parser.add_argument("--per-digit", type=int, default=5, help="pictures per digit, writer and kind")
    parser.add_argument("--seed", type=int, default=2026, help="2026: the held-out test set; 1: development")
    parser.add_argument("--kinds", default="canvas,scan,photo,chalk,tight,lowres")
    parser.add_argument("--real", action="store_true", help="measure on the real handwriting in bench/real_digits")
    parser.add_argument("--split", default="report", choices=("tune", "report", "all"), help="with --real")
    parser.add_argument("--ablation", action="store_true", help="with --real: turn each clean-up step off in turn")
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--show-failures", type=int, default=0, help="save a picture of this many mistakes")
    parser.add_argument("--out", default=None, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    if args.real:
        report = real(load_model(args.model), args.split, args.ablation)
        if args.out:
            Path(args.out).write_text(json.dumps(report, indent=1))
        return 0
    report = {"timing": time_12mp()}
    print(json.dumps(report["timing"]), flush=True)
    if not args.timing_only:
        model = load_model(args.model)
        started = time.perf_counter()
        report.update(accuracy(model, args.per_digit, args.seed, args.kinds.split(","), args.show_failures))
        report["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps({key: value for key, value in report.items() if key != "timing"}, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
