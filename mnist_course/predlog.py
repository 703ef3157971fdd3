"""The prediction log: every digit the course's tools read, one row in an SQLite file.

The drawing pad, the desktop app, ``mnist-course predict``, the upload helper and ``mnist-course
evaluate`` each write one row per prediction to ``<course home>/predictions.sqlite``: when, which tool
(``source``), which model (the SHA-256 of its file, and of its weights), the 28x28 image the model saw
(as PNG bytes), the original file name, the ten probabilities, the digit, the confidence, the true digit
when it is known (the pad's and the app's Save, a folder named after the digit, the test set) and what the
preprocessing did (ink polarity, ruled lines removed, stroke width, crop).

- ``$MNIST_COURSE_HOME`` moves the file with the course home; ``MNIST_COURSE_LOG=0`` turns logging off.
- Each row is committed before the tool shows its answer (SQLite in WAL mode), so a program killed right
  after an answer still has that answer in its log, and the file stays whole.
- Several programs can write at once (the pad in a notebook and ``predict`` in a terminal): each write
  waits for the others (``busy_timeout``) instead of failing.
- A file at the log's path that is not a prediction log (damaged, or another program's) is never changed:
  one line says so, and the tools go on without logging.
- Logging never breaks a prediction: any failure is reported once and the prediction goes on.

This module is the store. The images become PNG bytes in ``mnist_course.pngs`` and the model ids come
from ``mnist_course.model_ids``; their functions can be used from here too (``predlog.png_to_image``).

The schema has a version (``PRAGMA user_version``) and a list of migrations (:data:`MIGRATIONS`), so a
newer course can add columns to an old log without losing it.

Introduced in notebooks/09_logs_and_report.ipynb.
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

import numpy as np

# The PNG images and the model ids have modules of their own; their names stay usable from here too.
from mnist_course.model_ids import file_sha256, model_identity, remember_model_file, weights_sha256
from mnist_course.pngs import image_to_png, png_to_image

__all__ = [  # the names other modules and the lessons use (some are defined in pngs and model_ids)
    "APPLICATION_ID", "BUSY_SECONDS", "COLUMNS", "LOG_FILE_NAME", "LOG_VARIABLE", "MIGRATIONS", "SCHEMA_VERSION",
    "PredictionLog", "PredictionLogError", "attach_model", "current_log", "drawing_notes", "file_sha256",
    "image_to_png", "label_from_folder", "label_prediction", "log_path", "log_prediction", "log_predictions",
    "log_preprocessed", "logging_enabled", "make_entry", "model_identity", "open_log", "png_to_image",
    "preprocessing_notes", "remember_model_file", "use_log", "weights_sha256",
]  # fmt: skip

#: The log's file name inside the course home.
LOG_FILE_NAME = "predictions.sqlite"

#: Environment variable: ``0`` (or ``false``, ``no``, ``off``) turns logging off.
LOG_VARIABLE = "MNIST_COURSE_LOG"

#: Written into the file's header (``PRAGMA application_id``) so that another program's database is
#: never taken for ours: the bytes of "MNIS".
APPLICATION_ID = 0x4D4E4953

#: Seconds a writer waits for another program that is writing at the same moment (``busy_timeout``).
BUSY_SECONDS = 30.0

#: The schema version this code writes. Each version's statements are in :data:`MIGRATIONS`.
SCHEMA_VERSION = 1

#: How to bring a log from version ``n - 1`` to ``n``: ``{n: [SQL statements]}``. A new column is a new
#: version with an ``ALTER TABLE``; old logs are brought up to date the first time they are opened.
MIGRATIONS = {
    1: [
        """CREATE TABLE predictions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,            -- ISO 8601, UTC: 2026-11-22T14:03:05.123Z
            source TEXT NOT NULL,          -- pad, desktop, predict, upload, evaluate, ...
            model_id TEXT,                 -- SHA-256 of the .keras file (NULL: a model never saved)
            weights_id TEXT,               -- SHA-256 of the model's weights (same model, same id)
            model_name TEXT,               -- the file's name, else the model's own name
            image_png BLOB NOT NULL,       -- the 28x28 image the model saw, as a greyscale PNG
            file_name TEXT,                -- the picture's file name (no folder), if it came from a file
            probabilities TEXT NOT NULL,   -- JSON list of the ten probabilities, digit 0 first
            digit INTEGER NOT NULL,        -- the model's answer
            confidence REAL NOT NULL,      -- its probability
            true_label INTEGER CHECK (true_label BETWEEN 0 AND 9),  -- the real digit, when known
            polarity TEXT,                 -- 'dark ink' (pen on paper) or 'light ink' (chalk, the pad)
            lines_removed INTEGER,         -- ruled or grid lines the preprocessing took out
            stroke_before REAL,            -- stroke width before / after it was brought near MNIST's
            stroke_after REAL,             --   (pixels of the 80x80 detail box)
            crop TEXT,                     -- 'top,left,bottom,right' of the digit in the picture
            notes TEXT                     -- JSON object with anything else
        )""",
        "CREATE INDEX predictions_by_time ON predictions (time)",
        "CREATE INDEX predictions_by_source ON predictions (source, time)",
    ],
}

#: Columns a caller may give (besides ``id``, which SQLite gives).
COLUMNS = (
    "time", "source", "model_id", "weights_id", "model_name", "image_png", "file_name", "probabilities",
    "digit", "confidence", "true_label", "polarity", "lines_removed", "stroke_before", "stroke_after",
    "crop", "notes",
)  # fmt: skip

_SQLITE_HEADER = b"SQLite format 3\x00"


class PredictionLogError(Exception):
    """The file at the log's path cannot be used as a prediction log; the message says why and what to do."""


# =================================================================================================
# Where the log is, and whether it is on
# =================================================================================================

_path_override: Path | None = None


def logging_enabled() -> bool:
    """False when ``MNIST_COURSE_LOG`` is ``0``, ``false``, ``no`` or ``off``; True otherwise.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    return os.environ.get(LOG_VARIABLE, "1").strip().lower() not in {"0", "false", "no", "off"}


def log_path() -> Path:
    """The log file the tools write to: ``<course home>/predictions.sqlite`` (or the one :func:`use_log` chose).

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    if _path_override is not None:
        return _path_override
    from mnist_course import config

    return config.course_home() / LOG_FILE_NAME


def use_log(path=None) -> Path:
    """Send this program's predictions to another log file; ``None`` goes back to the course home's.

    A lesson uses it to keep its example predictions out of your own log.

    Returns:
        the log path now in use.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    global _path_override
    _path_override = None if path is None else Path(path).expanduser()
    return log_path()


def _shown(path: Path) -> str:
    from mnist_course import config

    return config.display_path(path)


# =================================================================================================
# The log file
# =================================================================================================


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _retry_while_busy(action, seconds: float = BUSY_SECONDS):
    """Run ``action()``; while another program holds the lock, wait and try again (up to ``seconds``).

    SQLite's busy_timeout covers ordinary writes; a few steps (switching to WAL, the first read of a
    file another program is creating) can answer "locked" at once, so they are retried here.
    """
    deadline = time.monotonic() + seconds
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(0.1, delay * 2)


class PredictionLog:
    """One open prediction log file: add rows, label them, read them, clear them.

    Opening checks that the file is ours (or empty), brings an older schema up to date and turns on WAL
    mode. Every write is its own committed transaction.

    Args:
        path: the SQLite file (made if missing).

    Raises:
        PredictionLogError: the file is damaged, another program's database, or from a newer course.

    Returned by :func:`open_log`, which notebooks/09_logs_and_report.ipynb uses.
    """

    def __init__(self, path):
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()
        self._check_file()
        try:
            self._connection = sqlite3.connect(str(self.path), timeout=BUSY_SECONDS, isolation_level=None,
                                               check_same_thread=False)  # fmt: skip
        except sqlite3.Error as error:
            raise PredictionLogError(f"cannot open the prediction log {_shown(self.path)}: {error}") from None
        try:
            self._prepare()
        except PredictionLogError:
            self._connection.close()
            raise
        except sqlite3.OperationalError as error:
            self._connection.close()
            if _is_busy(error):  # the file is fine; another program kept it locked all that time
                raise sqlite3.OperationalError(f"{_shown(self.path)} stayed locked by another program "
                                               f"for {BUSY_SECONDS:.0f} s") from None  # fmt: skip
            raise PredictionLogError(self._not_ours(f"SQLite says: {error}")) from None
        except sqlite3.DatabaseError as error:
            self._connection.close()
            raise PredictionLogError(self._not_ours(f"SQLite says: {error}")) from None

    # --- opening ---------------------------------------------------------------------------------
    def _not_ours(self, why: str) -> str:
        return (f"{_shown(self.path)} is not a prediction log that the course can use ({why}). "
                "It is left as it is and nothing is logged; move it away to start a new log.")  # fmt: skip

    def _check_file(self) -> None:
        """Refuse, without touching it, a path that is a folder or a file that is not SQLite at all."""
        if self.path.is_dir():
            raise PredictionLogError(self._not_ours("it is a folder"))
        if self.path.exists():
            with open(self.path, "rb") as file:
                header = file.read(len(_SQLITE_HEADER))
            if header and header != _SQLITE_HEADER:
                raise PredictionLogError(self._not_ours("it is not an SQLite file"))
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def _prepare(self) -> None:
        connection = self._connection
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        self._check_ours()
        if _retry_while_busy(lambda: connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            _retry_while_busy(lambda: connection.execute("PRAGMA journal_mode = WAL").fetchone())
        # In WAL mode, NORMAL keeps every committed row when a program is killed (only a power cut can lose
        # the last rows) and makes each commit much faster than FULL.
        connection.execute("PRAGMA synchronous = NORMAL")
        if self.schema_version() < SCHEMA_VERSION:
            self._migrate()

    def _check_ours(self) -> None:
        connection = self._connection
        # One statement, so one consistent view: read apart, a second program that creates the log in
        # between would show "no id yet" and then "tables", which looks like another program's database.
        application_id, tables = _retry_while_busy(lambda: connection.execute(
            "SELECT (SELECT application_id FROM pragma_application_id()),"
            " (SELECT count(*) FROM sqlite_master WHERE type = 'table')").fetchone())  # fmt: skip
        if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables):
            raise PredictionLogError(self._not_ours("it is another program's database"))
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise PredictionLogError(
                f"{_shown(self.path)} was written by a newer version of the course (log version {version}, "
                f"this one knows up to {SCHEMA_VERSION}); update mnist-course. Nothing is logged meanwhile."
            )

    def schema_version(self) -> int:
        """The log's schema version (``PRAGMA user_version``); 0 for a new, empty file."""
        return int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Apply every migration from the file's version up to :data:`SCHEMA_VERSION`, in one transaction."""
        connection = self._connection
        _retry_while_busy(lambda: connection.execute("BEGIN IMMEDIATE"))
        try:
            self._check_ours()  # another program may have made or changed it meanwhile
            for version in range(self.schema_version() + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version}")
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    # --- writing ---------------------------------------------------------------------------------
    def _write(self, statement: str, rows) -> sqlite3.Cursor:
        with self._lock:
            connection = self._connection
            _retry_while_busy(lambda: connection.execute("BEGIN IMMEDIATE"))
            try:
                if isinstance(rows, list):
                    cursor = connection.executemany(statement, rows)
                else:
                    cursor = connection.execute(statement, rows)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            return cursor

    def add(self, entry: dict) -> int:
        """Write one row (a dict from :func:`make_entry`) and commit it. Returns its id."""
        names = [name for name in COLUMNS if name in entry]
        statement = f"INSERT INTO predictions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        return int(self._write(statement, tuple(entry[name] for name in names)).lastrowid)

    def add_many(self, entries: list[dict]) -> int:
        """Write many rows in one transaction (the test set after ``evaluate``). Returns how many."""
        if not entries:
            return 0
        names = [name for name in COLUMNS if name in entries[0]]
        statement = f"INSERT INTO predictions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        self._write(statement, [tuple(entry.get(name) for name in names) for entry in entries])
        return len(entries)

    def set_true_label(self, row_id: int, label: int) -> bool:
        """Record the real digit of a logged prediction (the pad's Save). Returns False if the row is gone."""
        label = _check_label(label)
        cursor = self._write("UPDATE predictions SET true_label = ? WHERE id = ?", (label, int(row_id)))
        return cursor.rowcount == 1

    def clear(self) -> int:
        """Delete every row and give the space back. Returns how many rows there were."""
        count = self.count()
        self._write("DELETE FROM predictions", ())
        with self._lock:
            _retry_while_busy(lambda: self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
            _retry_while_busy(lambda: self._connection.execute("VACUUM"))
        return count

    # --- reading ---------------------------------------------------------------------------------
    def count(self, source: str | None = None) -> int:
        """How many predictions the log holds (of one source, if given)."""
        if source is None:
            return int(self._connection.execute("SELECT COUNT(*) FROM predictions").fetchone()[0])
        return int(self._connection.execute("SELECT COUNT(*) FROM predictions WHERE source = ?", (source,)).fetchone()[0])

    def rows(self, limit: int | None = None, source: str | None = None, exclude_source: str | None = None,
             newest_first: bool = True) -> list[dict]:  # fmt: skip
        """The logged predictions as dicts (column name -> value), newest first unless told otherwise.

        Args:
            limit: at most this many rows (None: all).
            source: only this source (``pad``, ``predict``, ...).
            exclude_source: leave this source out (``evaluate``: the test set, not your own digits).
        """
        where, parameters = [], []
        if source is not None:
            where.append("source = ?")
            parameters.append(source)
        if exclude_source is not None:
            where.append("source != ?")
            parameters.append(exclude_source)
        statement = "SELECT * FROM predictions"
        if where:
            statement += " WHERE " + " AND ".join(where)
        statement += f" ORDER BY id {'DESC' if newest_first else 'ASC'}"
        if limit is not None:
            statement += " LIMIT ?"
            parameters.append(int(limit))
        with self._lock:
            cursor = self._connection.execute(statement, parameters)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def integrity(self) -> str:
        """SQLite's own check of the whole file: ``"ok"`` when it is whole."""
        with self._lock:
            return str(self._connection.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        """Close the file (other programs can still use it)."""
        with self._lock:
            self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"PredictionLog({_shown(self.path)!r})"


def open_log(path=None) -> PredictionLog:
    """Open a prediction log for reading or writing (default: :func:`log_path`), making it if needed.

    Raises:
        PredictionLogError: the file cannot be used (damaged, another program's, from a newer course).

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    return PredictionLog(path if path is not None else log_path())


# =================================================================================================
# Rows
# =================================================================================================


def _check_label(label) -> int:
    try:
        value = int(label)
    except (TypeError, ValueError):
        raise ValueError(f"a true label must be a digit 0-9, got {label!r}") from None
    if not 0 <= value <= 9 or (isinstance(label, float) and label != value):
        raise ValueError(f"a true label must be a digit 0-9, got {label!r}")
    return value


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _count_lines(lines: np.ndarray) -> int:
    """How many ruled or grid lines a mask of removed line pixels holds: bands of rows (columns) that
    the removed pixels cross for at least a third of the picture."""
    from scipy import ndimage

    count = 0
    for axis in (1, 0):  # horizontal lines fill rows, vertical lines fill columns
        full = lines.sum(axis=axis) >= lines.shape[axis] / 3
        count += int(ndimage.label(full)[1])
    return count


def preprocessing_notes(result, cleanup=None) -> dict:
    """What the preprocessing did to one picture, for the log: polarity, lines removed, stroke width, crop.

    Args:
        result: a :class:`mnist_course.handwriting.Preprocessed` (``handwriting.preprocess``).
        cleanup: the :class:`~mnist_course.handwriting.Cleanup` it ran with (default: all steps).

    Returns:
        ``{"touches_edge", "polarity", "lines_removed", "stroke_before", "stroke_after", "crop"}``
        (``touches_edge``: the digit reaches the picture's border, so part of it may be cut off). ``lines_removed``
        counts the straight ruled or grid lines taken out of the picture (read from ``steps["lines"]``;
        for a ``Preprocessed`` made without that step, ``handwriting.remove_lines`` is run again on
        ``steps["ink"]``).

    Used by the tools that log predictions (lesson 09 reads the columns).
    """
    from mnist_course import handwriting

    cleanup = cleanup or handwriting.FULL_CLEANUP
    lines_removed = 0
    lines = result.steps.get("lines")
    ink = result.steps.get("ink")
    if cleanup.lines and lines is not None:  # the lines the preprocessing took out
        lines_removed = _count_lines(np.asarray(lines) > 0)
    elif cleanup.lines and ink is not None and min(ink.shape) >= handwriting.SMALL_PICTURE:
        # An older Preprocessed without "lines": find them again, as the preprocessing did.
        floor = handwriting.noise_floor(ink)
        mask = handwriting.ink_mask(ink, floor)
        _cleaned, lines = handwriting.remove_lines(mask, faint=ink > floor)
        lines_removed = _count_lines(lines)
    before, after = result.stroke_width
    picture = result.steps.get("greyscale")
    top, left, bottom, right = result.box
    touches = picture is not None and (top <= 0 or left <= 0 or bottom >= picture.shape[0] or right >= picture.shape[1])
    return {
        "touches_edge": bool(touches),
        "polarity": "dark ink" if result.dark_ink else "light ink",
        "lines_removed": lines_removed,
        "stroke_before": round(float(before), 2),
        "stroke_after": round(float(after), 2),
        "crop": ",".join(str(int(value)) for value in result.box),
    }


def drawing_notes(ink) -> dict:
    """Notes about a drawing that the preprocessing cannot see: does the ink touch the pad's edge?

    Args:
        ink: ``(h, w) uint8`` drawing, 255 = ink (what the pad sends).
    """
    ink = np.asarray(ink)
    border = max(ink[0].max(initial=0), ink[-1].max(initial=0), ink[:, 0].max(initial=0), ink[:, -1].max(initial=0))
    return {"touches_edge": bool(border >= 32)}


def make_entry(source: str, image, probabilities, *, identity: dict | None = None, file_name=None,
               true_label=None, notes: dict | None = None) -> dict:  # fmt: skip
    """One row of the log as a dict, ready for :meth:`PredictionLog.add`.

    Args:
        source: the tool: ``pad``, ``desktop``, ``predict``, ``upload``, ``evaluate``, or your own name.
        image: the ``(28, 28)`` image the model saw (``float32`` in [0, 1] or ``uint8``).
        probabilities: ``(10,)`` the model's probabilities.
        identity: ``{"model_id", "weights_id", "model_name"}`` from :func:`model_identity`.
        file_name: the picture's file name (only the name is kept, never its folder).
        true_label: the real digit, when known.
        notes: :func:`preprocessing_notes` and anything else (kept as JSON in ``notes``).
    """
    probabilities = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    if probabilities.shape != (10,):
        raise ValueError(f"a prediction has 10 probabilities, got {probabilities.shape[0]}")
    digit = int(np.argmax(probabilities))
    entry = {
        "time": _now(),
        "source": str(source),
        "image_png": image_to_png(image),
        "file_name": Path(str(file_name)).name if file_name else None,
        "probabilities": json.dumps([round(float(value), 6) for value in probabilities]),
        "digit": digit,
        "confidence": float(probabilities[digit]),
        "true_label": None if true_label is None else _check_label(true_label),
    }
    entry.update({key: (identity or {}).get(key) for key in ("model_id", "weights_id", "model_name")})
    extra = dict(notes or {})
    for column in ("polarity", "lines_removed", "stroke_before", "stroke_after", "crop"):
        entry[column] = extra.pop(column, None)
    entry["notes"] = json.dumps(extra, sort_keys=True) if extra else None
    return entry


# =================================================================================================
# Logging that never breaks a prediction
# =================================================================================================

_open_logs: dict = {}
_failed: dict = {}
_warned: set = set()
_registry_lock = threading.Lock()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"mnist-course: prediction log off: {message}", file=sys.stderr, flush=True)


def _file_signature(path: Path):
    try:
        stat = path.stat()
        return (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except OSError:
        return None


def current_log() -> PredictionLog | None:
    """The log this program writes to, opened once; None when logging is off or the file cannot be used.

    A file that cannot be used is reported once (one line on stderr) and left as it is; it is tried again
    only when it changes (you moved it away, say).

    Used by the tools that log; lesson 09 reads the log with :func:`open_log`.
    """
    if not logging_enabled():
        return None
    path = log_path()
    key = str(path)
    with _registry_lock:
        log = _open_logs.get(key)
        if log is not None:
            return log
        signature = _file_signature(path)
        if key in _failed and _failed[key] == signature:
            return None
        try:
            log = PredictionLog(path)
        except (PredictionLogError, OSError, sqlite3.Error) as error:
            if isinstance(error, PredictionLogError):  # tried again only when the file changes
                _failed[key] = signature
            _warn_once(str(error))
            return None
        _failed.pop(key, None)
        _open_logs[key] = log
        return log


def _safely(action, default=None):
    """Run a logging step; any failure is reported once and the prediction goes on."""
    try:
        log = current_log()
        if log is None:
            return default
        return action(log)
    except Exception as error:  # logging must never break a prediction
        _warn_once(f"{type(error).__name__}: {error}")
        return default


def log_prediction(source: str, image, probabilities, *, model=None, model_path=None, file_name=None,
                   true_label=None, notes: dict | None = None) -> int | None:  # fmt: skip
    """Write one prediction to the log and commit it; returns the row id, or None when nothing was logged.

    Never raises: a problem with the log is reported once on stderr and the program goes on.
    See :func:`make_entry` for the arguments; ``model``/``model_path`` give the model's identity.

    Used by the course's tools; lesson 09 reads what they write.
    """

    def write(log):
        identity = model_identity(model, model_path) if (model is not None or model_path is not None) else None
        entry = make_entry(source, image, probabilities, identity=identity, file_name=file_name,
                           true_label=true_label, notes=notes)  # fmt: skip
        return log.add(entry)

    return _safely(write)


def log_predictions(source: str, images, probabilities, *, true_labels=None, model=None, model_path=None,
                    notes: dict | None = None) -> int:  # fmt: skip
    """Write many predictions in one transaction (``evaluate``'s test set). Returns how many were logged.

    Never raises, like :func:`log_prediction`.
    """

    def write(log):
        identity = model_identity(model, model_path) if (model is not None or model_path is not None) else None
        labels = [None] * len(images) if true_labels is None else [int(label) for label in true_labels]
        entries = [make_entry(source, image, row, identity=identity, true_label=label, notes=notes)
                   for image, row, label in zip(images, probabilities, labels)]  # fmt: skip
        return log.add_many(entries)

    return _safely(write, default=0)


def label_prediction(row_id, label) -> bool:
    """Record the real digit of a logged prediction (the pad's and the desktop app's Save). Never raises.

    Used by the pad's and the desktop app's Save; lesson 09 reads the labels.
    """
    if row_id is None:
        return False
    return bool(_safely(lambda log: log.set_true_label(row_id, label), default=False))


def label_from_folder(path) -> int | None:
    """The true digit of a picture kept in a folder named after it (``my_digits/7/x.png`` -> 7), else None."""
    name = Path(path).parent.name
    return int(name) if len(name) == 1 and name.isdigit() else None


def log_preprocessed(source: str, result, probabilities, *, model=None, model_path=None, file_name=None,
                     true_label=None, notes: dict | None = None) -> int | None:  # fmt: skip
    """Log a prediction on a picture that ``handwriting.preprocess`` prepared, with its preprocessing notes.

    Args:
        source: the tool (``pad``, ``desktop``, ``predict``, ``upload``).
        result: the :class:`~mnist_course.handwriting.Preprocessed` (its ``.image`` is what the model saw).
        probabilities: ``(10,)`` the model's answer.
        notes: more notes to keep (``{"digit_of_number": "2 of 4"}``).

    Returns the row id, or None. Never raises, like :func:`log_prediction`.

    Used by the pad, the desktop app, ``predict`` and the upload helper; lesson 09 reads what they write.
    """
    if result is None or probabilities is None or not logging_enabled():
        return None

    def write(log):
        identity = model_identity(model, model_path) if (model is not None or model_path is not None) else None
        entry = make_entry(source, result.image, probabilities, identity=identity, file_name=file_name,
                           true_label=true_label, notes={**preprocessing_notes(result), **(notes or {})})  # fmt: skip
        return log.add(entry)

    return _safely(write)


def attach_model(model, model_path=None) -> None:
    """Get a model's identity ready before its first prediction (the pad calls it when a model is attached).

    The weights' SHA-256 takes a few milliseconds once; done here, it never slows a stroke. Never raises.
    """
    if model is None:
        return
    if model_path is not None:
        remember_model_file(model, model_path)
    if logging_enabled():
        try:
            model_identity(model)
        except Exception as error:  # logging must never break a prediction
            _warn_once(f"{type(error).__name__}: {error}")
