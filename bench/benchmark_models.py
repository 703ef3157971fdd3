"""Train every course model on full MNIST on this machine and write a table of the results.

    python bench/benchmark_models.py                       # all models; the course CNN with 3 seeds
    python bench/benchmark_models.py --models cnn --seeds 3
    python bench/benchmark_models.py --quick               # a smoke test on a small subset
    python bench/benchmark_models.py --models cnn --precision float32 --update   # the course CNN in float32
    python bench/benchmark_models.py --ensemble ~/mnist-course/models/ensemble.keras --update
        # cnn_large (its members: one per seed), the ensemble and the ensemble with --tta, from the files
        # that `mnist-course train --model ensemble --seed 1` saved (about 30 minutes of training)

For each model: the epochs it ran, the training time in seconds (wall clock, including validation),
the test accuracy on all 10,000 test images, the number of parameters and the milliseconds for one
prediction with ``models.predict_proba`` after warm-up (median of 50 calls). With several seeds, the
table shows the median run and the range of accuracies. The table is written as markdown to
bench/results.md (and printed). The machine's load average is recorded too: other programs running
at the same time make training slower.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a clone without installing

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Developers keep MNIST beside the project (never in git), as the tests and the notebook builder do.
SHARED_MNIST = HERE.parent.parent / "shared" / "data" / "mnist.npz"
if "MNIST_COURSE_DATA" not in os.environ and SHARED_MNIST.is_file():
    os.environ["MNIST_COURSE_DATA"] = str(SHARED_MNIST)

from mnist_course import config, data  # noqa: E402

keras = config.import_keras_quietly()

from mnist_course import models, training  # noqa: E402


def prediction_milliseconds(model, image, calls: int = 50) -> float:
    """Median time of one ``predict_proba`` call on one image, after warm-up."""
    for _ in range(5):
        models.predict_proba(model, image)
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        models.predict_proba(model, image)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def run_once(name: str, seed: int, train_images, train_labels, test_images, test_labels, epochs=None) -> dict:
    """Train one model from scratch with its recipe and measure it."""
    config.set_seed(seed)
    model = models.build(name)
    started = time.perf_counter()
    history = training.train(model, train_images, train_labels, epochs=epochs, seed=seed, verbose=False)
    seconds = time.perf_counter() - started
    result = training.evaluate(model, test_images, test_labels)
    return {
        "model": name,
        "seed": seed,
        "epochs": len(history.history["loss"]),
        "seconds": seconds,
        "fit_seconds": history.history["fit_seconds"][0],
        "accuracy": result["accuracy"],
        "parameters": model.count_params(),
        "milliseconds": prediction_milliseconds(model, test_images[0]),
        "load": os.getloadavg()[0],
    }


def label_of(row: dict) -> str:
    """The first column: the model's name, with the number format when it was forced."""
    return row.get("label", row["model"])


def what_it_is(row: dict) -> str:
    return row.get("what") or models.DESCRIPTIONS[row["model"]]


def ensemble_rows(path: Path, test_images, test_labels) -> list[dict]:
    """Rows for ``cnn_large`` (one member per seed), the ensemble and the ensemble with TTA, from saved files."""
    import json

    from mnist_course.commands.train import members_folder

    load = os.getloadavg()[0]
    member_paths = sorted(members_folder(path).glob("member_*.keras"))
    runs = []
    for member_path in member_paths:
        notes = json.loads(member_path.with_suffix(".json").read_text(encoding="utf-8"))
        member = training.load_model(member_path)
        runs.append({
            "model": "cnn_large", "seed": notes["settings"]["seed"], "epochs": models.RECIPES["cnn_large"].epochs
            if notes["settings"]["epochs"] is None else notes["settings"]["epochs"],
            "seconds": notes["train_seconds"], "accuracy": training.evaluate(member, test_images, test_labels)["accuracy"],
            "parameters": member.count_params(), "milliseconds": prediction_milliseconds(member, test_images[0]),
            "load": load,
        })
        print(f"cnn_large seed {runs[-1]['seed']}: {100 * runs[-1]['accuracy']:.2f}%, {runs[-1]['seconds']:.0f} s")
    ensemble = training.load_model(path)
    total = sum(run["seconds"] for run in runs)
    rows = [summarise(runs)]
    single = prediction_milliseconds(ensemble, test_images[0])
    for tta in (False, True):
        accuracy = training.evaluate(ensemble, test_images, test_labels, tta=tta)["accuracy"]
        rows.append({
            "model": "ensemble", "label": "ensemble --tta" if tta else "ensemble",
            "what": (f"mean of the {len(runs)} cnn_large above" + (", each test digit and 4 one-pixel moves" if tta else "")),
            "epochs": rows[0]["epochs"], "seconds": total, "accuracy": accuracy,
            "parameters": ensemble.count_params(), "milliseconds": single * (len(models.TTA_SHIFTS) if tta else 1),
            "load": load,
        })
        print(f"{rows[-1]['label']}: {100 * accuracy:.2f}%")
    return rows


def markdown_table(rows: list[dict], seeds: dict) -> str:
    lines = [
        "| model | what it is | epochs | train s | test accuracy | parameters | ms / prediction |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        accuracy = f"{100 * row['accuracy']:.2f}%"
        if row.get("runs", 1) > 1:
            accuracy += f" (median of {row['runs']}: {row['accuracy_range']})"
        seconds = f"{row['seconds']:.0f}" if row.get("runs", 1) == 1 else f"{row['seconds']:.1f} ({row['seconds_range']})"
        lines.append(
            f"| `{label_of(row)}` | {what_it_is(row)} | {row['epochs']} | {seconds} | {accuracy} | "
            f"{row['parameters']:,} | {row['milliseconds']:.1f} |"
        )
    return "\n".join(lines)


def updated_table(old_text: str, new_table: str, rows: list[dict], load_before: float, load_after: float) -> str:
    """The old results with the rows of the models just measured replaced, and a note saying so."""
    new_rows = {label_of(row): line for row, line in zip(rows, new_table.splitlines()[2:])}
    lines = []
    for line in old_text.rstrip("\n").splitlines():
        name = line.split("`")[1] if line.startswith("| `") else None
        lines.append(new_rows.pop(name) if name in new_rows else line)
    lines.extend(new_rows.values())  # models that were not in the old table
    names = ", ".join(f"`{label_of(row)}`" for row in rows)
    lines.append("")
    lines.append(
        f"Rows for {names} measured again on {time.strftime('%Y-%m-%d %H:%M')}, "
        f"load average before / after: {load_before:.2f} / {load_after:.2f}. "
        f"The CNNs computed in {models.fast_dtype_policy()} unless their name says otherwise."
    )
    return "\n".join(lines) + "\n"


FRONTIER_PNG = HERE / "frontier.png"


def plot_frontier(text: str, path: Path = FRONTIER_PNG) -> Path | None:
    """Plot test accuracy against training minutes for every row of the results table (log time axis)."""
    import re

    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or len(cells) < 5:
            continue
        seconds, accuracy = re.search(r"[\d.]+", cells[3]), re.search(r"[\d.]+(?=%)", cells[4])
        if seconds and accuracy:
            points.append((cells[0].strip("`"), float(seconds.group()) / 60, float(accuracy.group())))
    if not points:
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, minutes, accuracy in points:
        ax.plot(minutes, accuracy, "o", color="tab:blue" if accuracy >= 99 else "tab:gray")
        ax.annotate(name, (minutes, accuracy), fontsize=7, xytext=(4, 3), textcoords="offset points")
    best = []
    for name, minutes, accuracy in sorted(points, key=lambda point: point[1]):
        if not best or accuracy > best[-1][1]:
            best.append((minutes, accuracy))
    ax.step([m for m, _ in best], [a for _, a in best], where="post", color="tab:orange", label="frontier: best so far")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_ylim(max(96.5, min(a for _, _, a in points) - 0.2), 100)
    ax.set_xlabel("training minutes on this machine (log scale)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Accuracy against training time (bench/results.md)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def summarise(runs: list[dict]) -> dict:
    """One row for several seeds of one model: medians, with the ranges."""
    if len(runs) == 1:
        return runs[0]
    middle = sorted(runs, key=lambda run: run["accuracy"])[len(runs) // 2]
    row = dict(middle)
    row["runs"] = len(runs)
    row["accuracy"] = statistics.median(run["accuracy"] for run in runs)
    row["seconds"] = statistics.median(run["seconds"] for run in runs)
    row["milliseconds"] = statistics.median(run["milliseconds"] for run in runs)
    accuracies = sorted(100 * run["accuracy"] for run in runs)
    seconds = sorted(run["seconds"] for run in runs)
    row["accuracy_range"] = f"{accuracies[0]:.2f}-{accuracies[-1]:.2f}%"
    row["seconds_range"] = f"{seconds[0]:.1f}-{seconds[-1]:.1f}"
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=None, choices=models.MODEL_NAMES,
                        help="models to train (default: all of them, or none with --ensemble)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for the course CNN (others: 1)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 100 images per digit, 1 epoch")
    parser.add_argument("--update", action="store_true",
                        help="replace only these models' rows in an existing --out table, keep the others")
    parser.add_argument("--precision", choices=config.PRECISIONS, default=None,
                        help="force the CNNs' number format (MNIST_COURSE_PRECISION); the rows are named after it")
    parser.add_argument("--ensemble", type=Path, default=None, metavar="PATH",
                        help="also report cnn_large, the ensemble and the ensemble with TTA from an ensemble that "
                             "`mnist-course train --model ensemble` saved (with its .members folder)")
    parser.add_argument("--data", default=None, help="path to mnist.npz (default: as the course finds it)")
    parser.add_argument("--out", default=str(HERE / "results.md"), help="markdown file to write")
    args = parser.parse_args(argv)

    (train_images, train_labels), (test_images, test_labels) = data.load_course_data(
        train_per_class=100 if args.quick else None, test_per_class=50 if args.quick else None, path=args.data
    )
    train_images, test_images = data.scale(train_images), data.scale(test_images)
    load_before = os.getloadavg()
    print(f"{len(train_images)} training images; load average before: {load_before[0]:.2f}", flush=True)

    if args.precision:
        os.environ[config.PRECISION_VARIABLE] = args.precision
    rows = []
    if args.ensemble:
        rows.extend(ensemble_rows(args.ensemble.expanduser(), test_images, test_labels))
    if args.models is None:
        args.models = [] if args.ensemble else list(models.MODEL_NAMES)
    for name in args.models:
        seeds = range(1, args.seeds + 1) if name == "cnn" else [1]
        runs = []
        for seed in seeds:
            run = run_once(name, seed, train_images, train_labels, test_images, test_labels,
                           epochs=1 if args.quick else None)
            print(
                f"{name:15} seed {seed}: {run['epochs']} epochs, {run['seconds']:.1f} s "
                f"(model.fit {run['fit_seconds']:.1f} s), "
                f"{100 * run['accuracy']:.2f}%, {run['parameters']:,} parameters, "
                f"{run['milliseconds']:.1f} ms/prediction, load {run['load']:.2f}",
                flush=True,
            )
            runs.append(run)
        row = summarise(runs)
        if args.precision:
            row["label"] = f"{name} ({args.precision})"
        rows.append(row)

    load_after = os.getloadavg()
    table = markdown_table(rows, seeds={})
    header = (
        "# Benchmark: the course models on full MNIST\n\n"
        f"Measured by `python bench/benchmark_models.py` on {time.strftime('%Y-%m-%d')}: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, no GPU; "
        f"TensorFlow/Keras {keras.__version__}, Python {platform.python_version()}.\n"
        "Training: 54,000 images (10% held out for validation), each model's recipe "
        "(`models.RECIPES`: epochs, batch size, learning rate), best checkpoint and early stopping on "
        "validation loss; train s includes validation. Test: all 10,000 test images. "
        "One prediction: `models.predict_proba` on one image after warm-up. "
        f"The course CNN computes in {models.fast_dtype_policy()} here (`models.fast_dtype_policy()`).\n"
        f"Load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}"
        " (a load above the 2 cores means other programs were running and times are longer).\n\n"
    )
    if args.quick:
        header = "# Quick smoke test (small subset, 1 epoch): not a benchmark\n\n"
    text = header + table + "\n"
    if args.update and Path(args.out).is_file():
        text = updated_table(Path(args.out).read_text(encoding="utf-8"), table, rows, load_before[0], load_after[0])
    Path(args.out).write_text(text, encoding="utf-8")
    if not args.quick and Path(args.out).resolve() == (HERE / "results.md").resolve():
        plot_frontier(text)
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
