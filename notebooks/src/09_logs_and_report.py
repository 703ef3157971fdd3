# %% [markdown]
# # 09 · Every prediction in a log, and a report with figures
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/09_logs_and_report.ipynb)
#
# **What you will learn:**
#
# - how the course writes down every prediction in a small database;
# - how to ask that database questions with SQL;
# - how to find where the model is weak on *your* handwriting;
# - how to turn it all into one report with figures that you can hand in.
#
# **Builds on:** lesson 06 (your own handwriting) and lesson 07 (the drawing pad).
#
# **Full run:** under a minute on a 2-core CPU with AVX2 only (float32, as on most laptops); under a minute with AVX-512 and bfloat16. Measured by the build of this page.

# %% [markdown]
# ## Setup
#
# The first cell installs the course library when it is missing (on Google Colab; about 30 seconds).
# The second one starts the lesson. `lesson.start()` hides TensorFlow's start-up messages, checks the
# versions and sets the random seed. `FAST` is True only in the quick test runs.

# %%
try:
    import mnist_course  # the course library
except ImportError:  # on Google Colab: install it first (about 30 seconds)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start()  # quiet TensorFlow, check versions, seed 42, fast or full mode
from mnist_course import config, data, plots, predlog, report, samples, training, upload, widgets

# %% [markdown]
# ## The model, and its training history
#
# We use the course CNN. If you saved one before (lessons 05, 06 and 07 do), it loads. If not, we train it
# now, and keep its *training history* in a small file beside the model. The history is the loss and
# accuracy of each epoch. The report draws its learning curves from that file. `mnist-course train` keeps
# that file too. When a saved model has a history file beside it, the report uses that one.
#
# This page was built in an empty course folder, so the output below shows the training.

# %%
import time

model_path = config.default_model_path()
if model_path.exists():
    model = training.load_model(model_path)
    print("Loaded the course CNN from", config.display_path(model_path))
    if report.load_history(model_path) is not None:
        print("Its training history:", config.display_path(report.history_path(model_path)))
    else:
        print("It has no training history beside it, so the report will show no learning curves.")
else:
    print("No saved model: training the course CNN and keeping its history.")
    (train_images, train_labels), _ = data.load_course_data(train_per_class=config.pick(full=None, fast=300))
    started = time.perf_counter()
    model, history = training.train_calibrated("cnn", data.scale(train_images), train_labels, seed=42,
                                               epochs=config.pick(full=None, fast=3),
                                               batch_size=config.pick(full=None, fast=64))
    print(f"Trained in {time.perf_counter() - started:.0f} s")
    training.save_model(model, model_path)
    print("Saved the model and its history:", config.display_path(report.save_history(history, model_path)))

# %% [markdown]
# ## Every prediction is written down
#
# From this lesson on, the tools of the course write down each digit the model reads. Each reading becomes
# one line in a **prediction log**. These tools write to it: the drawing pad, the desktop app
# (`mnist-course draw`), `mnist-course predict`, the upload helper and `mnist-course evaluate`.
#
# Each line keeps the time, the tool and which model it was. It keeps the 28x28 image the model saw, the
# ten probabilities and the answer. It also keeps the true digit if we know it, and what the preprocessing
# did to the picture.
#
# The log is one file, `predictions.sqlite`, in your course folder. It is an **SQLite** database: a whole
# database in one file, built into Python (`import sqlite3`). Set `MNIST_COURSE_LOG=0` to switch logging off.
#
# This lesson makes many example predictions. So that they do not mix with your own, it sends them to a
# log of its own, in a temporary folder, with `predlog.use_log`:

# %%
import tempfile
from pathlib import Path

lesson_folder = Path(tempfile.mkdtemp())
predlog.use_log(lesson_folder / "predictions.sqlite")
print("Logging is on:", predlog.logging_enabled())
print("This lesson's log:", predlog.log_path().name, "in a temporary folder")
print("Your own log:", config.display_path(config.course_home() / predlog.LOG_FILE_NAME))

# %% [markdown]
# ## Some predictions to look at
#
# Your own digits are the best test, but a page that runs without a person cannot draw. So a robot hand
# draws for us. `samples.digit_strokes` gives the pen strokes of each digit in six writing styles: neat,
# European, round, slanted, quick, and a child's. We draw each with a thin, a normal and a thick pen. We
# also draw each digit once more, too big for the pad.
# Each drawing goes to a drawing pad exactly as your strokes do (`pad.classify`), and **Save** with the
# right digit (`pad.save`) tells the log the true digit.

# %%
def on_pad(strokes):
    """Move strokes from a box about 1 tall around (0, 0) to the middle of the 280x280 pad."""
    return [[(140 + 200 * x, 140 + 200 * y) for x, y in stroke] for stroke in strokes]


pad = widgets.DrawingPad(model=model, save_folder=lesson_folder / "my_digits")
for pen in (8, 18, 34):
    for writer in samples.WRITER_NAMES:
        for digit in range(10):
            strokes = on_pad(samples.digit_strokes(digit, writer=writer, seed=100 * pen + digit))
            pad.classify(widgets.pad_ink_image(strokes, brush_size=pen))
            pad.save(digit)
for digit in range(10):  # and each digit once more, drawn too big for the pad: it touches the edge
    big = [[(140 + 330 * x, 140 + 330 * y) for x, y in stroke] for stroke in samples.digit_strokes(digit, seed=digit)]
    pad.classify(widgets.pad_ink_image(big))
    pad.save(digit)
print("Writing styles:", ", ".join(samples.WRITER_NAMES))
print("Drawings read on the pad:", len(samples.WRITER_NAMES) * 10 * 3 + 10)

# %% [markdown]
# Pictures come in through the upload helper of lesson 06. Here we give it file paths: ten phone photos and
# ten tight crops from a scanned form, made by `samples`. `upload.read_upload` reads each picture with the
# model and writes it to the log with its file name.

# %%
for digit in range(10):
    for kind in ("photo", "tight"):
        picture = lesson_folder / f"{kind}_{digit}.jpg"
        picture.write_bytes(samples.encode(samples.make_sample(digit, kind=kind, seed=digit).image, "JPEG"))
        upload.upload_image(lambda name, content: upload.read_upload(model, name, content, label=digit),
                            path=picture)
print("Predictions in the log:", predlog.open_log().count())

# %% [markdown]
# ## Reading the log with SQL
#
# SQL is the language of databases. `SELECT` asks for columns, `FROM` names the table, `WHERE` keeps some
# lines and `GROUP BY` makes one line per group. First, the columns of the table `predictions`:

# %% tags=["nbval-check-output"]
import sqlite3

connection = sqlite3.connect(predlog.log_path())
columns = [row[1] for row in connection.execute("PRAGMA table_info(predictions)")]
print(", ".join(columns))

# %% [markdown]
# How many digits did each tool see, and how many did the model read right? `digit = true_label` is 1 when
# the answer is right and 0 when it is wrong, so its sum counts the right ones and its average is the share.

# %%
query = """
SELECT source, COUNT(*), SUM(digit = true_label), ROUND(100.0 * AVG(digit = true_label), 1)
FROM predictions WHERE true_label IS NOT NULL
GROUP BY source
"""
print(f"{'tool':8} {'digits':>6} {'right':>6} {'%':>6}")
for source, count, right, percent in connection.execute(query):
    print(f"{source:8} {count:6d} {right:6d} {percent:5.1f}%")

# %% [markdown]
# ## Where is the model weak?
#
# The same question for each digit, the weakest first:

# %%
query = """
SELECT true_label, COUNT(*), SUM(digit != true_label), ROUND(100.0 * AVG(digit = true_label), 1)
FROM predictions WHERE true_label IS NOT NULL
GROUP BY true_label ORDER BY AVG(digit = true_label), true_label
"""
for digit, count, wrong, percent in connection.execute(query).fetchall()[:4]:
    print(f"digit {digit}: {percent:5.1f}% right, {wrong} wrong of {count}")

# %% [markdown]
# Numbers say where; pictures say why. The log keeps the 28x28 image the model saw as a PNG, so we can look
# at the wrong ones exactly as the model did. `predlog.png_to_image` turns the bytes back into an array.

# %%
wrong_rows = connection.execute(
    "SELECT image_png, true_label, digit, confidence, source FROM predictions "
    "WHERE true_label IS NOT NULL AND digit != true_label ORDER BY id").fetchall()
print("Wrong answers:", len(wrong_rows))
if wrong_rows:
    shown = wrong_rows[:20]
    plots.show_digits([predlog.png_to_image(row[0]) for row in shown],
                      titles=[f"{row[1]} read {row[2]}" for row in shown], ncols=10)
    plt.show()

# %% [markdown]
# What do the wrong ones have in common? We do not guess. `report.measure_digits` measures every image the
# model saw. It measures how far its centre of mass is from the middle, and how wide the strokes are. It
# also measures how much the digit leans, how tall it is and how bright the ink is.
#
# `report.digit_traits` turns the measures into traits that are rare in MNIST. For example, "thin strokes"
# means strokes thinner than 2.1 pixels. In MNIST's test digits, each trait is rare: about 1 digit in 20
# (5%) or fewer has it (the last column below). We count each trait among the wrong ones and among the
# right ones. The report does the same with `report.common_traits`.

# %%
log = predlog.open_log()
labelled = [row for row in log.rows(newest_first=False) if row["true_label"] is not None]
images = np.stack([predlog.png_to_image(row["image_png"]) for row in labelled])
wrong = np.array([row["digit"] != row["true_label"] for row in labelled])
measures = report.measure_digits(images)
print(f"stroke width: wrong ones {measures['stroke'][wrong].mean():.1f} px, "
      f"right ones {measures['stroke'][~wrong].mean():.1f} px")
print(f"thin strokes: thinner than {report.THIN_STROKE_PIXELS} px")
traits = report.digit_traits(images, labelled)
_, (mnist_test, _) = data.load_course_data(test_per_class=config.pick(full=None, fast=100))
in_mnist = report.digit_traits(data.scale(mnist_test))  # the same traits in MNIST's test digits
print(f"{'trait':35s} {'wrong ones':>11s} {'right ones':>11s} {'MNIST test':>11s}")
for name, has in traits.items():
    print(f"{report.TRAITS[name]:35s} {has[wrong].sum():4d} of {wrong.sum():<4d} {has[~wrong].sum():4d} of "
          f"{(~wrong).sum():<4d} {100 * in_mnist[name].mean():8.1f}%")

# %% [markdown]
# A trait that many wrong ones have and few right ones have is a weak spot. In the full run of this page,
# every wrong one touches the edge of the picture: they are drawings too big for the pad, cut off at its
# border. Try it with your own log: find the traits of your wrong digits, draw more digits like them, and
# see if the model really fails on them.

# %% [markdown]
# ## The report
#
# `report.build_report` puts it all into one HTML file that you can hand in. It has three main parts:
#
# - the model: its layers, its parameters and its learning curves;
# - its results on MNIST's test set: the confusion matrix, each digit, and the pairs it mixes up most, with
#   examples;
# - your own digits from the log: by tool, by day, the wrong and unsure ones as the model saw them, and
#   their common traits.
#
# Every figure is inside the file, so it opens in any browser without internet.

# %%
result = report.build_report(model_path, lesson_folder / "report.html", model=model,
                             test_per_class=config.pick(full=None, fast=20))
print("Sections:", ", ".join(result.sections))
print(f"One file: {result.html_path.name}, {result.html_path.stat().st_size // 1024} KB")

# %% [markdown]
# Here are two of its sections, your own digits and their common traits. A red border marks a wrong
# answer; the others were read, but without enough confidence.

# %%
from IPython.display import HTML

HTML(report.notebook_view(result.html_path, sections=("own", "traits")))

# %% [markdown]
# ## Commentary from a language model (optional)
#
# The report can ask a language model to comment on the numbers: a local one that runs on your computer
# (Ollama or llama.cpp), or one on a server. It is off unless you set where the model is:
#
# ```bash
# export MNIST_COURSE_LLM_URL=http://127.0.0.1:11434/v1   # a local Ollama
# export MNIST_COURSE_LLM_MODEL=llama3.2
# mnist-course report
# ```
#
# The model gets only numbers and short descriptions, never your pictures or file names. Here is the start
# of exactly what it would get:

# %%
prompt = report.commentary_prompt(result.summary)
print("\n".join(prompt[1]["content"].splitlines()[:14]))
settings = report.llm_settings()
print("Language model:", "none set, so the report has no commentary" if settings is None else settings.model)

# %% [markdown]
# Its answer goes into its own section of the report, as plain text. If the model is slow, stopped or
# answers nonsense, the report is still written, with one line that says why the commentary is missing.
# A language model can be wrong: check what it says against the tables.

# %% [markdown]
# ## From the terminal
#
# - `mnist-course log` shows your last predictions (`-n 50` for more, `--source pad` for one tool);
#   `mnist-course log --csv my_log.csv` writes them all to a file for a spreadsheet; `mnist-course log --clear`
#   deletes them (it asks first).
# - `mnist-course report` writes `report.html` with the course CNN and your own log;
#   `--pdf report.pdf` prints it to PDF too (with Chromium), and `--model PATH` reports on another model.
#
# The log keeps working when two programs write at once, for example the pad in a notebook and `predict`
# in a terminal. And a program that stops suddenly loses nothing it has shown you.

# %%
predlog.use_log(None)  # back to your own log, for the rest of this notebook
connection.close()
log.close()
print("Logging to:", config.display_path(predlog.log_path()))

# %% [markdown]
# ## What we learned
#
# - Every prediction of the course's tools becomes one line in an SQLite file, with the image the model saw.
# - SQL answers questions about the log in a few lines: how many, how many right, for each tool or digit.
# - The model's weak spots on your handwriting are measured, not guessed: the traits that the wrong digits
#   have far more often than the right ones.
# - One command, `mnist-course report`, turns the model, its test results and your log into a report with
#   figures, in one file. A language model can add comments, but it only sees numbers.

# %% [markdown]
# ## Next
#
# Draw fifty digits on the pad in [lesson 07](07_drawing_pad.ipynb), save each with its label, then run
# `mnist-course report`. Which traits do your wrong digits share? Train another model in
# [lesson 05](05_cnn.ipynb) and make the report again: does it read *your* digits better?
