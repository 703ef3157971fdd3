# %% [markdown]
# # 07 · A drawing pad: draw a digit and watch the model read it
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/07_drawing_pad.ipynb)
#
# **What you will learn:** how a live drawing pad sends your drawing to the model after every stroke. What
# the model really sees, and how to fool it. How to keep your own drawings as a personal test set.
#
# **Builds on:** lesson 05 (the course CNN) and lesson 06 (turning your own handwriting into MNIST's form).
#
# **Full run:** under a minute on a 2-core CPU with AVX2 only (float32, as on most laptops); under a minute with AVX-512 and bfloat16. Measured by the build of this page.

# %% [markdown]
# ## Setup
#
# The first cell installs the course library when it is missing (on Google Colab; about 30 seconds).
# The second one starts the lesson. `lesson.start()` hides TensorFlow's start-up messages, checks the
# versions and sets the random seed. On Colab it also turns on the custom widgets that the drawing pad needs.
# `FAST` is True only in the quick test runs.

# %%
try:
    import mnist_course  # the course library
except ImportError:  # on Google Colab: install it first (about 30 seconds)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start()  # quiet TensorFlow, Colab widgets, check versions, seed 42, fast or full mode
from mnist_course import config, handwriting, plots, samples, training, widgets

# %% [markdown]
# ## The model
#
# We use the calibrated course CNN from lesson 05. If lesson 05 or 06 saved it already, it loads from your
# course folder. If not, it is trained now and saved for next time. The line it prints says which, and the
# model's temperature (lesson 06). (This page was built in an empty course folder, so the output below shows
# the training.)

# %%
model = training.load_or_train_cnn()

# %% [markdown]
# ## The drawing pad
#
# Draw one digit in the white square with your mouse, your finger or a pen. After each stroke:
#
# 1. the browser makes a small grey picture of your drawing (112x112 pixels) and sends it to Python;
# 2. Python brings it to MNIST's form with `handwriting.preprocess`, the same steps as lesson 06;
# 3. the model reads both views of lesson 06 (cleaned and plain), and the pad shows the mean of the two
#    answers as a bar for each digit.
#
# The small black square shows the 28x28 image the model actually saw. **Undo** removes the last stroke,
# **Clear** starts again, and the slider changes the brush size. Drawing happens in the browser, so the pen
# never waits for Python.
#
# This is how the pad looks after one stroke, a 7 (a screenshot; the live pad appears when you run the
# cell below):
#
# ![The drawing pad](https://raw.githubusercontent.com/mnist-course/mnist-course/main/assets/drawing_pad.png)

# %%
pad = widgets.DrawingPad(model=model)
pad

# %% [markdown]
# ## A drawing made in code
#
# When this notebook runs without a screen (for example in the course's automatic tests), nobody draws.
# So we make a drawing in code: a list of strokes, each a list of `(x, y)` points on the 280x280 pad.
# `widgets.pad_ink_image` draws them the way the browser does. Then `widgets.read_drawing` does exactly
# what the pad does after each stroke: bring the drawing to MNIST's form and ask the model. It returns a
# `widgets.Reading`: the 28x28 image the model saw, the ten probabilities and the digit. Your own pad
# above is not touched: it keeps your drawing and its answer.

# %%
seven = [[(70, 56), (210, 56), (126, 238)]]  # one stroke: the top bar, then down to the left
drawing = widgets.pad_ink_image(seven)
reading = widgets.read_drawing(drawing, model)
print("The model reads:", reading.describe())

# %% [markdown]
# What travels between the browser and Python is small: one byte per pixel for the drawing, and 784 numbers
# for the image the model saw.

# %% tags=["nbval-check-output"]
print("drawing sent by the pad:", drawing.shape, drawing.dtype, "values", drawing.min(), "to", drawing.max())
print("image the model saw:   ", reading.image.shape, reading.image.dtype)

# %% [markdown]
# On the left is the drawing as the pad sends it, on the right the 28x28 image after lesson 06's steps,
# and below them the model's answer. The digit is cropped, scaled into a 20x20 box and centred, like every
# MNIST digit.

# %%
figure, axes = plt.subplots(1, 2, figsize=(4, 2))
axes[0].imshow(drawing, cmap="gray")
axes[0].set_title("drawing (112x112)", fontsize=9)
axes[1].imshow(reading.image, cmap="gray", vmin=0, vmax=1)
axes[1].set_title("model input (28x28)", fontsize=9)
for axis in axes:
    axis.set_xticks([])
    axis.set_yticks([])
plt.show()
plots.plot_prediction(reading.image, reading.probabilities, title="your 7")
plt.show()

# %% [markdown]
# ## Ten digits, drawn by a robot hand
#
# `samples.digit_strokes` gives the pen strokes of a digit as one writer might draw it. We put each on the pad
# and read it. The last line counts how many it reads right.

# %%
def on_pad(strokes):
    """Move strokes from a box about 1 tall around (0, 0) to the middle of the 280x280 pad."""
    return [[(140 + 200 * x, 140 + 200 * y) for x, y in stroke] for stroke in strokes]


readings = [widgets.read_drawing(widgets.pad_ink_image(on_pad(samples.digit_strokes(digit, seed=digit))), model)
            for digit in range(10)]
plots.show_digits([r.image for r in readings], titles=[f"read: {r.prediction}" for r in readings])
plt.show()
print("read correctly:", sum(r.prediction == digit for digit, r in enumerate(readings)), "of 10")

# %% [markdown]
# ## Try to fool it
#
# Students always try to fool the model. Here are some ideas for the pad. Guess first, then draw:
#
# - a digit in a corner, or very small: does centring and scaling save it?
# - a 7 with a bar across the middle, or a 1 with a long base (European styles);
# - a digit turned on its side;
# - something that is not a digit at all, like a letter or a star.
#
# The last idea shows something important. The model has no answer "this is not a digit". Its ten
# probabilities always add up to 1, so one digit always comes first, even for an X. When the first digit's
# probability is low, the pad says "not sure" and names the two most likely digits. Here are three
# drawings that are not digits, with the two highest probabilities:

# %%
tests = {
    "7 on its side": [[(56, 70), (56, 210), (238, 126)]],
    "a letter X": [[(70, 60), (210, 240)], [(210, 60), (70, 240)]],
    "a star": [[(140, 40), (140, 240)], [(50, 140), (230, 140)], [(75, 75), (205, 205)], [(205, 75), (75, 205)]],
}
highest = {}
for name, strokes in tests.items():
    reading = widgets.read_drawing(widgets.pad_ink_image(strokes), model)
    first, second = np.argsort(reading.probabilities)[::-1][:2]
    highest[name] = (first, reading.probabilities[first])
    print(f"{name:14s} -> {reading.describe():22s} ({first}: {reading.probabilities[first]:.1%}, "
          f"{second}: {reading.probabilities[second]:.1%})")
surest = max(highest, key=lambda name: highest[name][1])
print(f"the surest answer to a drawing that is no digit: {highest[surest][0]} "
      f"with {highest[surest][1]:.1%}, for {surest}")

# %% [markdown]
# Read the last line: none of these drawings is a digit, and still one digit gets that probability.
# A probability only says which digit a drawing looks most like, never that it is a digit. Try your
# own drawings on the pad: which one that is no digit gets the surest answer?
# %% [markdown]
# ## Your own test set
#
# MNIST's test set was written by other people, long ago. Your own handwriting is the test that matters to you.
# On the pad, choose the digit you drew under **label...** and press **Save**. The drawing is saved as a PNG
# in your own folder, one sub-folder per digit. In code, `pad.save(7)` does the same.
#
# Your folder is `~/mnist-course/my_digits`, or `my_digits` in the folder that `MNIST_COURSE_HOME` names if
# you set it (this page was built with a temporary one). Here we save the drawing made in code into a
# temporary folder, so that your own folder stays yours:

# %%
import tempfile

example = widgets.save_drawing(drawing, label=7, folder=tempfile.mkdtemp())
print("Saved:", example.relative_to(example.parent.parent))
print("Your own drawings go to:", config.display_path(config.my_digits_dir()))

# %% [markdown]
# After you have saved some drawings, this cell tests the model on them with lesson 06's preprocessing.
# Draw each digit a few times, in different ways. Which digits does the model get wrong?

# %%
my_files = sorted(config.my_digits_dir().glob("*/*.png"))
if not my_files:
    print("No saved drawings yet: draw on the pad, choose the label, press Save, then run this cell again.")
else:
    my_digits = [handwriting.preprocess(path) for path in my_files]
    my_labels = np.array([int(path.parent.name) for path in my_files])
    my_predictions = handwriting.predict(model, my_digits).argmax(axis=1)  # both views, as in lesson 06
    print(f"{(my_predictions == my_labels).mean():.0%} correct on {len(my_files)} of your drawings")
    wrong = np.flatnonzero(my_predictions != my_labels)
    for index in wrong[:10]:
        print(f"  {my_files[index].name}: you drew {my_labels[index]}, the model read {my_predictions[index]}")

# %% [markdown]
# ## Outside the notebook
#
# - **Desktop app:** `mnist-course draw` opens a window with the same pad: draw, press **Predict**, read the
#   digit and the bars. **Save** works as in the notebook. It needs a desktop (a screen).
# - **One pad for the room:** `mnist-course serve` shows the pad as a web page at `http://127.0.0.1:8866/`.
#   Open it in a browser and project it: one person draws, the room watches. Only your own computer can
#   reach it, unless you add `--host 0.0.0.0`. (It needs Voila: `pip install "mnist-course[present]"`.)

# %% [markdown]
# ## In class: everybody draws
#
# In class mode, every student draws on a phone, and the projector shows how well the model reads the
# whole class. How it works:
#
# 1. The instructor starts it on a laptop: `mnist-course class --host 0.0.0.0`. The phones must be on the
#    same network (Wi-Fi) as the laptop. Without `--host`, only the laptop itself can open the pages.
# 2. It prints a short join code, the students' address and the instructor's address with a secret token.
#    The instructor opens that address and projects it. It shows the join address as a QR code, and the
#    code in big letters.
# 3. Each student scans the QR code (or types the address), types the code and, if they like, a nickname.
#    No account and no real name are needed. They draw a digit with a finger, choose the digit they meant
#    and press **Send**. Then they see the model's answer, with "not sure: 7 or 1?" when it hesitates.
# 4. The projector updates live: how many joined, the class's digits, the accuracy for each digit, the
#    confusion matrix, and the mistakes with the 28x28 image the model saw. The button **New round**
#    starts an empty board. The link **Download CSV** keeps every drawing.
#
# One small server does all this. It reads each drawing with the ONNX copy of the model that
# `mnist-course train` saves, so it does not load TensorFlow. Pages load nothing from the internet, so a
# classroom network without internet works too.
#
# The instructor's page during a real run looks like this (a screenshot):
#
# ![The instructor's page in class mode](https://raw.githubusercontent.com/mnist-course/mnist-course/main/assets/screenshots/class_teacher.png)
#
# Each drawing becomes one row of the prediction log, with the source "class" and the round's number.
# So lesson 09's report and `mnist-course log --source class` work on a class's drawings. The cell below
# sends the 7 we drew in code to a class that lives only in this notebook. It prints what the student,
# the projector and the log get. Then it sends the same drawing again, as a phone does after a double tap.
# Each drawing carries a random key, so the class counts it once.

# %%
from pathlib import Path

from mnist_course import classroom, predlog

folder = Path(tempfile.mkdtemp())  # a class only for this cell: your own log is not touched
with predlog.open_log(folder / "predictions.sqlite") as class_log:
    room = classroom.Classroom(model, class_log, folder / "class.json")
    student = room.join(nickname="Mina")["student"]
    request = classroom.drawing_request(room.state.code, student, drawing, label=7)  # what a phone sends
    answer, new = room.submit(request)
    print("the student sees:", answer["answer"])
    print(f"the projector gets: round {answer['round']}, Mina drew {answer['label']}, the model read {answer['digit']}")
    row = class_log.rows(source="class")[0]
    print(f"the log keeps: source {row['source']!r}, true digit {row['true_label']}, digit {row['digit']}")
    room.submit(request)  # the same drawing sent twice (a double tap): counted once
    print("rows in the log after sending it twice:", class_log.count("class"))

# %% [markdown]
# ## What we learned
#
# - The pad draws in the browser and sends a small grey picture to Python after each stroke. The answer
#   comes back in a few tens of milliseconds, so it feels live (reference: the browser test's measurement in
#   the README).
# - Your drawing goes through the same steps as a photo in lesson 06 before the model sees it: crop, scale to
#   20x20, centre in 28x28.
# - The model always ranks the ten digits, even for an X: it has no way to say "this is not a digit". Its
#   probability says which digit a drawing looks most like, not whether it is a digit.
# - Saved drawings make a personal test set, and a model can be tested on it like on MNIST's test set.
# - In class mode, a whole class draws on their phones. Every drawing goes to the prediction log once, and
#   the projector shows the class's accuracy and confusion matrix live.

# %% [markdown]
# ## Next
#
# [Lesson 08](08_toward_99_7.ipynb) tests changes that may make the CNN read more MNIST digits correctly:
# augmentation, batch normalisation and ensembles of models. Keep your saved drawings: with the cell above,
# you can test any model on them. Does the
# better model on MNIST also read *your* digits better?
