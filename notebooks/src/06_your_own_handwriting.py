# %% [markdown]
# # 06 · Your own handwriting
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/06_your_own_handwriting.ipynb)
#
# **What you will learn:** why a model that reads 99% of MNIST fails on a photo of your own digit, and the
# steps that bring any photo or drawing to MNIST's form: greyscale, paper and light, ink, lines and specks,
# pen width, the 20x20 box and the centre of mass. Then you test the model on your own pictures.
#
# **Builds on:** lesson 05 (the course CNN).

# %% [markdown]
# ## Setup
#
# This cell imports the libraries. On Google Colab it also installs the course library.

# %%
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # quiet TensorFlow; must be set before it is imported
IS_COLAB = "google.colab" in sys.modules
if IS_COLAB:  # Colab has TensorFlow already; this adds the course library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "mnist-course @ git+https://github.com/mnist-course/mnist-course"], check=True)

import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image, ImageOps
from scipy import ndimage

from mnist_course import config

keras = config.import_keras_quietly()  # TensorFlow 2.19+ prints start-up lines that TF_CPP_MIN_LOG_LEVEL cannot hide

from mnist_course import data, handwriting, models, plots, samples, training, upload

config.check_versions()           # clear message if Keras is older than 3
config.set_seed(42)
FAST = config.is_fast_mode()      # MNIST_COURSE_FAST=1 -> small data, few epochs (used by CI)
print("Fast mode:", FAST)

# %% [markdown]
# We need the course CNN from lesson 05. This loads it, or trains it (well under a minute) if it is not saved yet.
# In the full run it reads 99.4% of MNIST's test digits.

# %%
model = training.load_or_train_cnn()

# %% [markdown]
# The sample pictures of this lesson are in the `assets` folder. They are synthetic handwriting made by the
# course library (`mnist_course.samples`): strokes drawn by code, put on paper, and "photographed" with a
# lighting gradient, a shadow, blur and noise. On Colab they are downloaded from the course repository.

# %%
ASSETS = Path("../assets") if Path("../assets").is_dir() else Path("assets")
if not ASSETS.is_dir():  # Colab: fetch the sample pictures of the course
    subprocess.run(["git", "clone", "-q", "--depth", "1", "https://github.com/mnist-course/mnist-course",
                    "/content/mnist-course"], check=True)
    ASSETS = Path("/content/mnist-course/assets")
print(sorted(path.name for path in ASSETS.glob("*.*") if path.suffix != ".py" and path.suffix != ".md"))

# %% [markdown]
# ## The seed's way: resize the picture to 28x28
#
# Here is a phone photo of a handwritten 7.

# %%
photo = ImageOps.exif_transpose(Image.open(ASSETS / "photo_7.jpg"))
plt.figure(figsize=(3.2, 2.4))
plt.imshow(photo.resize((400, 300)))
plt.axis("off")
plt.show()

# %% [markdown]
# The first version of this course did the simplest thing: make it grey, squash it to 28x28, scale to [0, 1].

# %%
naive = np.asarray(photo.convert("L").resize((28, 28)), dtype=np.float32) / 255.0
naive_probabilities = models.predict_proba(model, naive)[0]
plots.plot_prediction(naive, naive_probabilities, title="resized photo")
plt.show()

# %% [markdown]
# The model does not see a 7. Look at the 28x28 picture: a light page with a small dark mark. The model was
# trained on something very different. On this lesson's test pictures (the last section) the plain resize
# reads only about **10%** of the digits: chance level.

# %% [markdown]
# ## What an MNIST digit looks like
#
# The people who made MNIST prepared every digit the same way:
#
# 1. light ink (up to 1.0) on a black background (0.0);
# 2. the digit scaled to fit a **20x20 box**, keeping its shape;
# 3. the box placed in the **28x28** image so that the digit's **centre of mass** is in the middle.
#
# We can check this on the first training digit.

# %%
# NBVAL_CHECK_OUTPUT
(train_images, train_labels), _ = data.load_mnist()
first = data.scale(train_images[0])
rows, cols = np.nonzero(first)
print("label:", train_labels[0])
print("background:", first[0, 0], " brightest ink:", first.max())
print("ink box:", rows.max() - rows.min() + 1, "rows x", cols.max() - cols.min() + 1, "columns")
print("centre of mass (row, column): (%.1f, %.1f)" % ndimage.center_of_mass(first))

# %% [markdown]
# Our photo is the opposite in each point: dark ink on light paper, a small digit somewhere in a big frame,
# uneven light, lines on the paper. `mnist_course.handwriting` brings any picture to MNIST's form in small
# steps. We go through them one by one.

# %% [markdown]
# ## Step 1: read the picture, the right way up, not too big
#
# A phone photo has 12 million pixels or more; a digit needs a few hundred. `handwriting.read_grey` asks the
# JPEG decoder for a smaller picture (it can decode at 1/2, 1/4 or 1/8 size, which is also much faster), turns
# it the right way up (phones store their rotation in the EXIF data), and makes it greyscale: one brightness
# number per pixel, 0 = black and 1 = white.

# %%
original, grey = handwriting.read_grey(ASSETS / "photo_7.jpg")
print("photo:", photo.size[0], "x", photo.size[1], "pixels;  working picture:", grey.shape[1], "x", grey.shape[0])

# %% [markdown]
# ## Step 2: divide out the light
#
# The light is brighter on one side, and there may be a shadow. The paper under the ink is what changes
# slowly; the ink is thin. `estimate_background` wipes out thin dark strokes (a maximum filter, then a minimum
# filter) and keeps the paper. Dividing by the paper gives the same result in bright light and in shadow:
# `ink = 1 - grey / paper`.

# %%
dark_ink = handwriting.ink_is_dark(grey)
print("dark ink on light paper:", dark_ink)
paper = handwriting.estimate_background(grey)
ink = handwriting.ink_from_background(grey, paper)

figure, axes = plt.subplots(1, 3, figsize=(9, 2.4))
for axis, picture, title in zip(axes, [grey, paper, ink], ["greyscale", "paper (background)", "ink = 1 - grey / paper"]):
    axis.imshow(picture, cmap="gray", vmin=0, vmax=1)
    axis.set_title(title, fontsize=9)
    axis.axis("off")
plt.show()

# %% [markdown]
# The ink picture is already light on dark, like MNIST, and the light is gone. (For chalk on a board the ink is
# lighter than the background; `ink_is_dark` notices this and the steps work the other way round. You can also
# say it yourself: `to_mnist(picture, invert=False)`.)

# %% [markdown]
# ## Step 3: keep the ink, drop lines and specks
#
# `noise_floor` measures how much the bare paper varies (texture, camera noise). `ink_mask` keeps pixels that
# stand out clearly above it. `remove_lines` finds long, thin, straight runs that cross the picture (ruled or
# squared paper; it looks for them among all marks above the noise floor, because printed lines are often
# fainter than a pen) and removes them. Specks are small pieces far from the digit; they are dropped when the
# digit is chosen.

# %%
floor = handwriting.noise_floor(ink)
mask = handwriting.ink_mask(ink, floor)
cleaned, lines = handwriting.remove_lines(mask, faint=ink > floor)
figure, axes = plt.subplots(1, 3, figsize=(9, 2.4))
for axis, picture, title in zip(axes, [mask, lines, cleaned], ["clear ink", "lines found", "ink without lines"]):
    axis.imshow(picture, cmap="gray")
    axis.set_title(title, fontsize=9)
    axis.axis("off")
plt.show()

# %% [markdown]
# ## Step 4: pen width, the 20x20 box and the centre of mass
#
# The rest happens on the digit alone. It is cut out and drawn 80 pixels tall (4 times the 20x20 box). There
# the pen width is measured (twice the ink area divided by the length of its outline) and brought near MNIST's,
# which is about 15% of the digit's height: a thin pen is thickened, a marker thinned. Averaging 4x4 blocks
# gives the 20x20 box with soft edges, and the box is placed in 28x28 by its centre of mass.
#
# `handwriting.preprocess` runs all the steps and keeps every picture. `plot_steps` shows them as a strip.

# %%
result = handwriting.preprocess(ASSETS / "photo_7.jpg")
plots.plot_steps(result)
plt.show()
print("pen width at 80 pixels tall: %.1f -> %.1f (MNIST: about %.0f)" % (*result.stroke_width, 0.15 * 80))

# %% [markdown]
# ## The prediction
#
# Now the model gets a picture in the form it knows.

# %%
probabilities = models.predict_proba(model, result.image)[0]
plots.plot_prediction(result.image, probabilities, title="prepared photo")
plt.show()
print("top 3:", ", ".join(f"{digit} ({confidence:.1%})" for digit, confidence in handwriting.top_k(probabilities, 3)))

# %% [markdown]
# Same photo, same model: now it reads the 7, with high confidence. Nothing in the model changed; only the
# input was brought to the form the model learned from.

# %% [markdown]
# ## Several digits in one picture
#
# A written year has four digits. `split_digits` finds the pieces of ink, puts pieces that overlap from left to
# right into one digit, and prepares each digit on its own. `read_number` classifies them in order.

# %%
year_photo = ImageOps.exif_transpose(Image.open(ASSETS / "photo_2026.jpg"))
digits = handwriting.split_digits(ASSETS / "photo_2026.jpg")
number, number_probabilities = handwriting.read_number(model, ASSETS / "photo_2026.jpg")

figure, axes = plt.subplots(1, len(digits) + 1, figsize=(9, 2.2), gridspec_kw={"width_ratios": [2.5] + [1] * len(digits)})
axes[0].imshow(year_photo)
axes[0].set_title("photo", fontsize=9)
for axis, digit, row in zip(axes[1:], digits, number_probabilities):
    axis.imshow(digit.image, cmap="gray")
    axis.set_title(f"{row.argmax()} ({row.max():.0%})", fontsize=9)
for axis in axes:
    axis.axis("off")
plt.show()
print("the number:", number)

# %% [markdown]
# Digits that touch each other are one piece of ink, so they are not split: leave a little space between them.

# %% [markdown]
# ## A gallery of pictures
#
# Each sample picture shows a different problem: an EXIF rotation, a shadow, pencil on squared paper, a thin pen
# on a large transparent canvas, a thick marker, chalk on a board.

# %%
gallery = ["phone_9_exif.jpg", "ballpoint_0.webp", "pencil_5_scan.png", "canvas_3_transparent.png",
           "marker_2.png", "chalk_4.jpg"]
figure, axes = plt.subplots(2, len(gallery), figsize=(9, 3.3))
for column, name in enumerate(gallery):
    picture = ImageOps.exif_transpose(Image.open(ASSETS / name)).convert("RGBA")
    picture.thumbnail((240, 240))  # small is enough to see it
    background = Image.new("RGBA", picture.size, "white")  # show transparent pixels as white paper
    axes[0, column].imshow(Image.alpha_composite(background, picture))
    axes[0, column].set_title(name, fontsize=7)
    prepared = handwriting.to_mnist(ASSETS / name)
    guess = models.predict_proba(model, prepared)[0]
    axes[1, column].imshow(prepared, cmap="gray")
    axes[1, column].set_title(f"{guess.argmax()} ({guess.max():.0%})", fontsize=9)
for axis in axes.ravel():
    axis.axis("off")
plt.show()

# %% [markdown]
# ## Your own handwriting
#
# Write a digit on paper with a dark pen, take a photo, and upload it with the button below (in Colab, a file
# dialog opens instead: Colab's upload button cannot take files bigger than about 1 MB). Your picture goes
# through the same steps and you see the prediction. You can also give a path:
# `upload.upload_image(show, path="my_digit.jpg")`.

# %%
def show(name, picture_bytes):
    """Prepare an uploaded picture, show its steps and the model's answer."""
    plots.show_prediction(model, picture_bytes, title=name)


upload.upload_image(show)

# %% [markdown]
# When the notebook runs without a person (as in the course's automatic tests), nobody presses the button.
# So here is the same call with a sample file, to show what you will see:

# %%
upload.upload_image(show, path=ASSETS / "phone_9_exif.jpg")

# %% [markdown]
# Tips for a good photo: one digit, a dark pen, the digit not too small in the frame, no strong shadow across the
# digit. If the answer is wrong, look at the strip of steps: it shows where the picture lost the digit.

# %% [markdown]
# ## From the terminal
#
# The same steps are behind the command `mnist-course predict`. It prints the digit, the confidence and the top
# 3 for each file (or one JSON object per line with `--json`), and reads a number when a picture has several
# digits. Without `--model` it uses the model that `mnist-course train` saved.

# %%
command = [sys.executable, "-m", "mnist_course.cli", "predict", "--json",
           str(ASSETS / "photo_7.jpg"), str(ASSETS / "photo_2026.jpg"), "no_such_file.png"]
finished = subprocess.run(command, capture_output=True, text=True)
for line in finished.stdout.splitlines():
    record = json.loads(line)
    record["file"] = Path(record["file"]).name
    print({key: record[key] for key in ("file", "digit", "confidence", "number", "error") if key in record})
print("exit status:", finished.returncode, "(not 0: one file could not be read)")

# %% [markdown]
# ## How well does it work?
#
# We test on synthetic handwriting the model never saw: six "writers" (different 1s, 4s and 7s, slants, steady
# and shaky hands), four kinds of picture (drawing app, scanned page, phone photo, chalk), random pens, inks,
# papers, lines, sizes and positions. Each picture is saved as a file (PNG, JPEG, WebP, BMP) and read back, like
# yours.

# %%
per_digit = config.pick(full=1, fast=1)
writers = config.pick(full=samples.WRITER_NAMES, fast=("neat", "quick"))
kinds = config.pick(full=("canvas", "scan", "photo", "chalk"), fast=("canvas", "photo"))
counts = {}
for sample in samples.dataset(per_digit, kinds=kinds, writers=writers, seed=606):
    file_bytes = samples.encode(sample.image, "PNG" if sample.kind == "canvas" else "JPEG")
    prepared = handwriting.to_mnist(file_bytes)
    plain = np.asarray(Image.open(io.BytesIO(file_bytes)).convert("L").resize((28, 28)), np.float32) / 255
    guesses = models.predict_proba(model, np.stack([prepared, plain])).argmax(axis=1)
    right, naive_right, total = counts.get(sample.kind, (0, 0, 0))
    counts[sample.kind] = (right + int(guesses[0] == sample.label), naive_right + int(guesses[1] == sample.label), total + 1)
for kind, (right, naive_right, total) in counts.items():
    print(f"{kind:7} {total:4} pictures   prepared: {right / total:6.1%}   plain resize: {naive_right / total:6.1%}")

# %% [markdown]
# In the full run (240 pictures) the prepared pictures are read correctly 98% to 100% of the time for each
# kind, and the plain resize is at chance level (10% to 17%). The course's benchmark
# (`bench/benchmark_handwriting.py`: 1,200 other pictures, with seeds never used while the steps were tuned)
# reads 98.8% of them: 98.0% to 100% for each writer, 97.3% (scanned pages) to 99.3% for each kind. Preparing a
# 12-megapixel phone photo, decoding included, takes about 50 ms on a 2-core laptop CPU.
#
# Be careful with these numbers: the test pictures were made by the same person who wrote the preprocessing,
# with six imagined writers. Real handwriting is more varied. Your own photos are the real test.

# %% [markdown]
# ## What we learned
#
# - A model only works on inputs like the ones it learned from. MNIST digits are light on dark, fitted in a
#   20x20 box and centred by their centre of mass in 28x28; a plain resize of a photo is none of these.
# - Dividing by the paper's brightness removes uneven light and shadows; thin, straight lines that cross the
#   page are ruled lines, not writing.
# - Pen width matters: bringing it near MNIST's makes thin pens and markers look alike to the model.
# - Keep every step: when a prediction is wrong, the strip of steps shows where the digit was lost.

# %% [markdown]
# ## Next
#
# Lesson 07 ([07_drawing_pad.ipynb](07_drawing_pad.ipynb)) gives you a drawing pad: draw a digit with the mouse
# and watch the model's answer change as you draw. It uses the same `handwriting.to_mnist`.
