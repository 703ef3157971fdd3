"""Benchmark lesson 06's reader on every kind of picture: plain recipe, cleaned view, both combined.

The kinds (columns):

- **real** (``real_canvas28``, ``real_drawing``, ``real_photo``): the real dev set, pictures from public
  repositories that nobody on this project drew (``real_handwriting``; ``../shared/real_digits``).
- **synthetic** (``syn_canvas``, ``syn_scan``, ``syn_photo``, ``syn_chalk``, ``syn_tight``,
  ``syn_lowres``): handwriting drawn by ``mnist_course.samples`` (six writers' letter forms; pens,
  papers, lines; phone photos with light, shadows, blur, noise, JPEG and EXIF rotation).
- **blocky8**: MNIST test digits through the UCI optical-digits recipe (8x8 counts), enlarged and blurred.
- **small_real**: the real pictures stored at 8-16 pixels, enlarged and softened (``picture_kinds``).

Each picture is encoded to bytes and read the way a user's file is. Three readers are compared,
all with the same model: ``plain`` (``handwriting.simple_to_mnist``), ``cleaned`` (the course's
clean-up, ``handwriting.preprocess``) and ``combined`` (``handwriting.predict``: the mean of the
model's answers on both views, which is what the course uses). ``--ablation`` turns each clean-up
step off in turn, for the cleaned view and for the combined reader, on every kind.

Halves: ``--split tune`` (real tune half, synthetic seed 1, blocky8 from test digits 5000-9999) is
for choosing; ``--split report`` (real report half, synthetic seed 2026, blocky8 from test digits
0-4999) is what the README reports, never tuned on.

Run (from the repository root; trains the course CNN first if there is none):

    python bench/benchmark_handwriting.py                          # report half, every kind
    python bench/benchmark_handwriting.py --split tune --ablation  # each step off, on every kind
    python bench/benchmark_handwriting.py --kinds real,blocky8 --model my.keras
    python bench/benchmark_handwriting.py --timing-only            # a 12 MP phone photo
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import picture_kinds  # noqa: E402
import real_handwriting  # noqa: E402

from mnist_course import handwriting, samples  # noqa: E402

FORMATS = {"canvas": ("PNG",), "scan": ("PNG", "JPEG", "WEBP", "BMP"), "photo": ("JPEG",), "chalk": ("JPEG",),
           "tight": ("PNG", "JPEG"), "lowres": ("PNG", "JPEG")}
SYNTHETIC_KINDS = tuple(FORMATS)
SEEDS = {"tune": 1, "report": 2026}
STEPS = ("lighting", "lines", "specks", "stroke")


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


# --- the pictures ------------------------------------------------------------------------------


def synthetic_pictures(seed: int, per_digit: int) -> list[picture_kinds.Picture]:
    """Synthetic handwriting: every kind x writer x digit, ``per_digit`` pictures each, one seed per picture."""
    pictures = []
    for kind_index, kind in enumerate(SYNTHETIC_KINDS):
        for writer_index, writer in enumerate(samples.WRITER_NAMES):
            for digit in range(10):
                for repeat in range(per_digit):
                    picture_seed = [seed, kind_index, writer_index, digit, repeat]
                    rng = np.random.default_rng(picture_seed)
                    sample = samples.make_sample(digit, kind=kind, writer=writer, seed=rng)
                    file_format = str(rng.choice(FORMATS[kind]))
                    orientation = int(rng.choice([1, 6, 8, 3])) if kind == "photo" and rng.random() < 0.4 else None
                    data = samples.encode(sample.image, file_format, quality=int(rng.integers(60, 95)),
                                          orientation=orientation)
                    pictures.append(picture_kinds.Picture(data, digit, f"syn_{kind}", f"{writer} {picture_seed}"))
    return pictures


def real_pictures(split: str) -> list[picture_kinds.Picture]:
    rows = real_handwriting.load_rows(split)
    return [picture_kinds.Picture(row.path.read_bytes(), row.label, f"real_{row.kind}",
                                  f"{row.path.parent.name}/{row.path.name}") for row in rows]


def pictures_for(kinds, split: str, per_digit: int) -> list[picture_kinds.Picture]:
    pictures = []
    if "real" in kinds or "small_real" in kinds:
        if real_handwriting.find_folder() is None:
            print("no real handwriting here (see bench/real_digits/README.md): skipping real and small_real",
                  file=sys.stderr)
            kinds = [kind for kind in kinds if kind not in ("real", "small_real")]
    if "real" in kinds:
        pictures += real_pictures(split)
    if "synthetic" in kinds:
        pictures += synthetic_pictures(SEEDS[split], per_digit)
    if "blocky8" in kinds:
        from mnist_course.data import load_mnist

        _, (test_images, test_labels) = load_mnist(allow_download=False)
        pictures += picture_kinds.blocky8(test_images, test_labels, split)
    if "small_real" in kinds:
        pictures += picture_kinds.small_real(real_handwriting.load_rows(split))
    return pictures


# --- the readers -------------------------------------------------------------------------------


def read_all(pictures, cleanup: handwriting.Cleanup) -> list:
    """Preprocess every picture; a picture the reader refuses becomes None."""
    results = []
    for picture in pictures:
        try:
            results.append(handwriting.preprocess(picture.data, cleanup=cleanup))
        except handwriting.HandwritingError:
            results.append(None)
    return results


def answers(model, read) -> dict:
    """``{"plain": (n, 10), "cleaned": (n, 10), "combined": (n, 10)}`` (a refused picture: all zeros)."""
    from mnist_course.models import predict_proba

    blank = np.zeros((28, 28), np.float32)
    cleaned = predict_proba(model, np.stack([r.image if r else blank for r in read]))
    plain = predict_proba(model, np.stack([r.plain if r else blank for r in read]))
    combined = handwriting.combine_views(cleaned, plain)
    refused = np.array([r is None for r in read])
    for table in (cleaned, plain, combined):
        table[refused] = 0.0
    return {"plain": plain, "cleaned": cleaned, "combined": combined}


def accuracy_by_kind(pictures, probabilities) -> dict:
    counts = defaultdict(lambda: [0, 0])
    for picture, row in zip(pictures, probabilities):
        right = int(row.argmax() == picture.label and row.max() > 0)
        for key in ("all", picture.kind):
            counts[key][0] += right
            counts[key][1] += 1
    return {key: {"accuracy": round(100.0 * right / total, 1), "count": total}
            for key, (right, total) in sorted(counts.items())}


def unsure_summary(pictures, probabilities) -> dict:
    """On the real pictures: how many answers are sure (``calibration.UNSURE_BELOW``), and how right each group is."""
    from mnist_course import calibration

    real = np.array([p.kind.startswith("real") for p in pictures])
    if not real.any():
        return {}
    labels = np.array([p.label for p in pictures])[real]
    confidence, guesses = probabilities[real].max(axis=1), probabilities[real].argmax(axis=1)
    sure, right = confidence >= calibration.UNSURE_BELOW, guesses == labels
    return {"threshold": calibration.UNSURE_BELOW, "sure_share": round(100 * float(sure.mean()), 1),
            "accuracy_when_sure": round(100 * float(right[sure].mean()), 1) if sure.any() else None,
            "accuracy_when_unsure": round(100 * float(right[~sure].mean()), 1) if (~sure).any() else None}


def markdown(results: dict, kinds_order) -> str:
    """One row per reader, one column per kind: accuracy in % (pictures per kind in the header)."""
    first = next(iter(results.values()))
    columns = [kind for kind in kinds_order if kind in first] + ["all"]
    lines = ["| reader | " + " | ".join(f"{kind} ({first[kind]['count']})" for kind in columns) + " |",
             "|---|" + "---:|" * len(columns)]
    for name, table in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{table[kind]['accuracy']:.1f}" for kind in columns) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a .keras file (default: the course CNN, trained if missing)")
    parser.add_argument("--split", default="report", choices=("tune", "report"))
    parser.add_argument("--kinds", default="real,synthetic,blocky8,small_real")
    parser.add_argument("--per-digit", type=int, default=5, help="synthetic pictures per digit, writer and kind")
    parser.add_argument("--ablation", action="store_true", help="also turn each clean-up step off in turn")
    parser.add_argument("--steps", default=",".join(STEPS), help="with --ablation: the steps to turn off")
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--out", default=None, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    report = {"timing": time_12mp(), "machine": machine_load()}
    print(json.dumps(report["timing"]), flush=True)
    if not args.timing_only:
        model = load_model(args.model)
        started = time.perf_counter()
        cache = REPO / "bench" / "results" / f"pictures-{args.split}-{args.kinds.replace(',', '+')}-{args.per_digit}.pkl"
        if cache.is_file():  # the same pictures as last time, made by the same code (delete it after changing it)
            pictures = pickle.loads(cache.read_bytes())
        else:
            pictures = pictures_for(args.kinds.split(","), args.split, args.per_digit)
            cache.parent.mkdir(exist_ok=True)
            cache.write_bytes(pickle.dumps(pictures))
        print(f"{len(pictures)} pictures ready after {time.perf_counter() - started:.0f} s", flush=True)
        order = ["real_canvas28", "real_drawing", "real_photo", *(f"syn_{kind}" for kind in SYNTHETIC_KINDS),
                 "blocky8", "small_real"]
        results = {}
        full = answers(model, read_all(pictures, handwriting.FULL_CLEANUP))
        for reader in ("plain", "cleaned", "combined"):
            results[reader] = accuracy_by_kind(pictures, full[reader])
        print(markdown(results, order), flush=True)
        if args.ablation:
            for step in args.steps.split(","):
                off = answers(model, read_all(pictures, replace(handwriting.FULL_CLEANUP, **{step: False})))
                results[f"cleaned, no {step}"] = accuracy_by_kind(pictures, off["cleaned"])
                results[f"combined, no {step}"] = accuracy_by_kind(pictures, off["combined"])
                print(markdown({key: results[key] for key in list(results)[-2:]}, order).split("\n", 2)[2], flush=True)
        report.update(split=args.split, count=len(pictures), results=results,
                      seconds=round(time.perf_counter() - started, 1))
        wrong = [f"{p.kind} {p.name}: {p.label} read as {int(row.argmax())}"
                 for p, row in zip(pictures, full["combined"]) if row.argmax() != p.label and p.kind.startswith("real")]
        report["real_wrong"] = wrong
        report["unsure_threshold"] = unsure_summary(pictures, full["combined"])
        print(f"\n{args.split} half, {len(pictures)} pictures, {machine_load()}\n")
        print(markdown(results, order))
        print("\nreal pictures read wrong (combined):", *wrong, sep="\n  ")
        print("\n'not sure' on the real pictures (combined):", json.dumps(report["unsure_threshold"]))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
