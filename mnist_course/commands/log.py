"""``mnist-course log [-n N] [--source S] [--csv FILE] [--clear [--yes]]``: show, export or clear the prediction log.

Introduced in notebooks/09_logs_and_report.ipynb.
"""

from __future__ import annotations

import base64
import csv
import datetime
import sys
from pathlib import Path

from mnist_course.commands.common import fail


def _local_time(timestamp: str) -> str:
    moment = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _ask(question: str) -> bool:
    """Ask a yes/no question on the terminal; no answer (no terminal, end of input) is no."""
    try:
        answer = input(question)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in {"y", "yes"}


def print_table(rows) -> None:
    """The rows as a text table, oldest at the top (the newest is the last line)."""
    print(f"{'id':>6}  {'time':19}  {'tool':8}  {'read':>4}  {'sure':>5}  {'true':>4}  {'right':5}  {'model':12}  file")
    for row in reversed(rows):
        true = "" if row["true_label"] is None else str(row["true_label"])
        right = "" if row["true_label"] is None else ("yes" if row["digit"] == row["true_label"] else "NO")
        print(f"{row['id']:>6}  {_local_time(row['time']):19}  {row['source'][:8]:8}  {row['digit']:>4}  "
              f"{100 * row['confidence']:>4.0f}%  {true:>4}  {right:5}  {(row['model_name'] or '')[:12]:12}  "
              f"{row['file_name'] or ''}")  # fmt: skip


def write_csv(rows, path) -> int:
    """Write the rows to a CSV file, oldest first; the image becomes ``image_png_base64``. Returns the count."""
    from mnist_course import predlog

    names = ["id"] + [name for name in predlog.COLUMNS if name != "image_png"] + ["image_png_base64"]
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=names)
        writer.writeheader()
        for row in reversed(rows):
            out = {name: row.get(name) for name in names if name != "image_png_base64"}
            out["image_png_base64"] = base64.b64encode(row["image_png"]).decode("ascii")
            writer.writerow(out)
    return len(rows)


def run(args) -> int:
    """Show the last predictions, export them (``--csv``) or delete them (``--clear``). Returns the exit status.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    from mnist_course import config, predlog

    path = predlog.log_path()
    shown = config.display_path(path)
    if args.number is not None and args.number < 1:
        return fail("log", f"-n must be at least 1, got {args.number}")
    if not path.exists():
        print(f"No predictions logged yet ({shown} does not exist). The drawing pad, `mnist-course draw`, "
              "`predict` and `evaluate` write to it.")  # fmt: skip
        return 0
    try:
        log = predlog.open_log(path)
    except predlog.PredictionLogError as error:
        return fail("log", error)
    with log:
        if args.clear:
            count = log.count()
            if count == 0:
                print(f"The prediction log {shown} is already empty.")
                return 0
            if not args.yes and not _ask(f"Delete all {count} predictions from {shown}? [y/N] "):
                print("Nothing deleted.")
                return 1
            log.clear()
            print(f"Deleted {count} predictions from {shown}.")
            return 0
        if args.csv:
            target = Path(args.csv).expanduser()
            if target.is_dir():
                return fail("log", f"--csv needs a file name, and {target} is a folder")
            try:
                count = write_csv(log.rows(source=args.source), target)
            except OSError as error:
                return fail("log", f"cannot write {target}: {error.strerror or error}")
            print(f"Wrote {count} predictions to {target}")
            return 0
        rows = log.rows(limit=args.number or 20, source=args.source)
        total = log.count(args.source)
        if not rows:
            print(f"No predictions{' from ' + args.source if args.source else ''} in {shown}.")
            return 0
        print_table(rows)
        print(f"{len(rows)} of {total} predictions{' from ' + args.source if args.source else ''} in {shown}",
              file=sys.stdout)  # fmt: skip
    return 0
