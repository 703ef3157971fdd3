# %% [markdown]
# # 06 · Your own handwriting
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/06_your_own_handwriting.ipynb)
#
# **What you will learn:** why a model that reads 99% of MNIST fails on a photo of your own digit.
# MNIST's own recipe (crop, fit into 20x20, centre of mass) in 15 lines of NumPy. What more a phone photo
# needs: even light, no ruled lines, the right pen width. And a confidence that means what it says. Then
# you test the model on your own pictures.
#
# **Builds on:** lesson 05 (the course CNN).
#
# **Full run:** about 1 minute on a 2-core CPU with AVX2 only (float32, as on most laptops); about 1 minute with AVX-512 and bfloat16. Measured by the build of this page.

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
from mnist_course import (augment, calibration, config, data, handwriting, images, models, plots, samples,
                          training, upload)

# %% [markdown]
# We need the course CNN from lesson 05. This cell loads the one that lesson 05 saved in your course folder.
# If there is none, it trains one now and saves it for the next lessons. The line it prints says which
# happened, and the model's *temperature* (more on this below). (This page was built in an empty course
# folder, so the output below shows the training.)
#
# The course CNN trained on changed MNIST digits: tilted, slanted, resized, moved, redrawn with a thinner or
# thicker pen, and made soft (`mnist_course.augment`). Each epoch brought new changes, because that is how
# people's own digits differ from MNIST's. Some of its 1s and 7s also got a flag or a bar (more on this below).

# %%
model = training.load_or_train_cnn()

# %% [markdown]
# The sample pictures of this lesson are in the `assets` folder. They are synthetic handwriting made by the
# course library (`mnist_course.samples`): strokes drawn by code, put on paper, and "photographed" with a
# lighting gradient, a shadow, blur and noise. On Colab they are downloaded from the course repository.

# %%
import subprocess
from pathlib import Path

# The course's assets folder, seen from notebooks/, notebooks/ko/ or the course folder itself
ASSETS = next((Path(folder) for folder in ("../assets", "../../assets", "assets") if Path(folder).is_dir()), None)
if ASSETS is None:  # Colab: fetch the sample pictures of the course
    subprocess.run(["git", "clone", "-q", "--depth", "1", "https://github.com/mnist-course/mnist-course",
                    "/content/mnist-course"], check=True)
    ASSETS = Path("/content/mnist-course/assets")
print(sorted(path.name for path in ASSETS.glob("*.*") if path.suffix != ".py" and path.suffix != ".md"))

# %% [markdown]
# ## The simplest try: resize the picture to 28x28
#
# Here is a phone photo of a handwritten 7.

# %%
from PIL import Image, ImageFilter, ImageOps

photo = ImageOps.exif_transpose(Image.open(ASSETS / "photo_7.jpg"))
plt.figure(figsize=(3.2, 2.4))
plt.imshow(photo.resize((400, 300)))
plt.axis("off")
plt.show()

# %% [markdown]
# The simplest thing: make it grey, squash it to 28x28, scale to [0, 1].

# %%
naive = np.asarray(photo.convert("L").resize((28, 28)), dtype=np.float32) / 255.0
naive_probabilities = models.predict_proba(model, naive)[0]
plots.plot_prediction(naive, naive_probabilities, title="resized photo")
plt.show()

# %% [markdown]
# The model does not see a 7. Look at the 28x28 picture: a light page with a small dark mark. The model was
# trained on something very different. The last section measures this on many pictures.

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

# %% tags=["nbval-check-output"]
from scipy import ndimage

(train_images, train_labels), _ = data.load_mnist()
first = data.scale(train_images[0])
rows, cols = np.nonzero(first)
print("label:", train_labels[0])
print("background:", first[0, 0], " brightest ink:", first.max())
print("ink box:", rows.max() - rows.min() + 1, "rows x", cols.max() - cols.min() + 1, "columns")
print("centre of mass (row, column): (%.1f, %.1f)" % ndimage.center_of_mass(first))

# %% [markdown]
# ## MNIST's recipe in 15 lines
#
# We can do the same to any picture. The paper is what touches the border of the picture, so the border tells
# us whether the ink is dark or light. Then: make the ink light and the paper black, crop to the ink, fit the
# longer side into 20 pixels, and place it by its centre of mass.

# %%
def plain_to_mnist(path):
    """MNIST's recipe: ink light on black, cropped, fitted into 20x20, centred by its centre of mass."""
    grey = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("L"), np.float32) / 255
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 1 - grey if np.median(border) > 0.5 else grey  # light paper: the ink is dark, so make it light
    paper = np.median(np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]]))
    ink = np.clip((ink - paper) / max(ink.max() - paper, 1e-3), 0, 1)  # paper 0, the strongest ink 1
    if ink.max() < 0.5:
        return np.zeros((28, 28), np.float32)  # no ink found (a transparent canvas looks all black here)
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.5), np.flatnonzero(ink.max(axis=0) > 0.5)
    digit = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # crop to the ink
    scale = 20 / max(digit.shape)  # the longer side becomes 20 pixels
    size = (max(1, round(digit.shape[1] * scale)), max(1, round(digit.shape[0] * scale)))
    box = np.clip(np.asarray(Image.fromarray(digit).resize(size, Image.Resampling.LANCZOS)), 0, 1)
    row, col = ndimage.center_of_mass(box)
    top, left = int(np.clip(round(14 - row), 0, 28 - box.shape[0])), int(np.clip(round(14 - col), 0, 28 - box.shape[1]))
    image = np.zeros((28, 28), np.float32)
    image[top:top + box.shape[0], left:left + box.shape[1]] = box
    return image


# %% [markdown]
# The course library keeps this recipe as `handwriting.simple_to_mnist`, so later lessons and the benchmark can
# use it. Both give the same picture for a clean drawing of a 2 with a marker:

# %%
marker = plain_to_mnist(ASSETS / "marker_2.png")
print("same as the library:", np.allclose(marker, handwriting.simple_to_mnist(ASSETS / "marker_2.png"), atol=0.02))
marker_probabilities = models.predict_proba(model, marker)[0]
plots.plot_prediction(marker, marker_probabilities, title="marker_2.png, plain recipe")
plt.show()

# %% [markdown]
# On a clean drawing the 15 lines are enough. Now the phone photo of the 7, and a ballpoint photo of a 0 with a
# shadow:

# %%
figure, axes = plt.subplots(1, 2, figsize=(6, 3.2), layout="constrained")
for axis, name in zip(axes, ["photo_7.jpg", "ballpoint_0.webp"]):
    plain = plain_to_mnist(ASSETS / name)
    guess = models.predict_proba(model, plain)[0]
    axis.imshow(plain, cmap="gray")
    axis.set_title(f"{name}\n{guess.argmax()} ({guess.max():.0%})", fontsize=plots.FONT_SIZE)
    axis.axis("off")
plt.show()

# %% [markdown]
# A photo is harder than a drawing. The light is uneven, so "the strongest ink" is somewhere in a shadow.
# The paper may have ruled lines, and the pen may be much thinner than MNIST's. `mnist_course.handwriting`
# adds a few steps for these problems. We go through them one by one. Each step can be switched off
# (`handwriting.Cleanup`), and the course's benchmark measures what each one is worth.

# %% [markdown]
# ## Step 1: read the picture, the right way up, not too big
#
# A phone photo has 12 million pixels or more; a digit needs a few hundred. `images.read_grey` reads any
# picture: JPEG, PNG, WebP, an iPhone's HEIC photo, or the first page of a PDF scan. It asks the
# JPEG decoder for a smaller picture: it can decode at 1/2, 1/4 or 1/8 size, which is also much faster. It
# turns the picture the right way up (phones store their rotation in the EXIF data). And it makes it
# greyscale: one brightness number per pixel, 0 = black and 1 = white.

# %%
original, grey = images.read_grey(ASSETS / "photo_7.jpg")
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

figure, axes = plt.subplots(1, 3, figsize=(7, 2.4), layout="constrained")
for axis, picture, title in zip(axes, [grey, paper, ink], ["greyscale", "paper (background)", "ink = 1 - grey / paper"]):
    axis.imshow(picture, cmap="gray", vmin=0, vmax=1)
    axis.set_title(title, fontsize=plots.FONT_SIZE)
    axis.axis("off")
plt.show()

# %% [markdown]
# The ink picture is already light on dark, like MNIST, and the light is gone. (For chalk on a board the ink is
# lighter than the background; `handwriting.ink_is_dark` notices this and the steps work the other way round. You can also
# say it yourself: `to_mnist(picture, invert=False)`.)

# %% [markdown]
# ## Step 3: keep the ink, drop lines and specks
#
# `noise_floor` measures how much the bare paper varies (texture, camera noise). `ink_mask` keeps pixels that
# stand out clearly above it. `remove_lines` finds long, thin, straight runs that cross the picture (ruled or
# squared paper) and removes them. It looks for them among all marks above the noise floor, because printed
# lines are often fainter than a pen. Specks are small pieces far from the digit; they are dropped when the
# digit is chosen.

# %%
floor = handwriting.noise_floor(ink)
mask = handwriting.ink_mask(ink, floor)
cleaned, lines = handwriting.remove_lines(mask, faint=ink > floor)
plots.plot_line_removal(mask, lines, cleaned, picture=grey)  # the lines found are drawn in red
plt.show()

# %% [markdown]
# ## Step 4: pen width, the 20x20 box and the centre of mass
#
# The rest happens on the digit alone. It is cut out and drawn 80 pixels tall (4 times the 20x20 box). There
# the pen width is measured: twice the ink area divided by the length of its outline. It is brought near
# MNIST's, which is about 15% of the digit's height: a thin pen is thickened, a marker thinned. Averaging
# 4x4 blocks gives the 20x20 box with soft edges, and the box is placed in 28x28 by its centre of mass.
#
# A scan, a drawing or a tight crop (a digit cut from a form, which fills the picture and may touch its edges)
# has even light. There the paper is one flat level: a filter that looks for the paper between the strokes
# would take a thick stroke for paper. A tight crop needs two more checks. Its ink crosses the frame in many
# places, so the paper that is left decides which side is ink. Most of the frame is even and brighter than
# the picture as a whole. And a digit that runs off the edge is still the digit, not the edge of a table,
# because it fills the middle of the picture.
#
# `handwriting.preprocess` runs all the steps and keeps every picture. `plot_steps` shows them as a strip.

# %%
result = handwriting.preprocess(ASSETS / "photo_7.jpg")
plots.plot_steps(result)
plt.show()
mnist_pen = handwriting.MNIST_STROKE_FRACTION
print("pen width at 80 pixels tall: %.1f -> %.1f (MNIST: about %.0f, %.0f%% of the height)"
      % (*result.stroke_width, mnist_pen * 80, 100 * mnist_pen))

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
# Same photo, same model: now it reads the 7. Nothing in the model changed; only the input was brought to the
# form the model learned from.
#
# ## A confidence that means what it says
#
# When the model gives a confidence of 0.9, it should be right about 9 times in 10. The course CNN trains with
# label smoothing (lesson 05), which makes it too modest. So after training, the course finds one number, a
# *temperature* `T`. It is found on the validation images: the last tenth of the training images, which the
# model did not train on. The probabilities `p` become `softmax(log(p) / T)`. The best digit never changes.
# The *expected calibration error* measures how far the confidence is from the accuracy. A perfectly honest
# model has an error of zero.

# %%
_, (test_images, test_labels) = data.load_course_data(test_per_class=config.pick(full=None, fast=100))
test_images = data.scale(test_images)
uncalibrated = calibration.uncalibrated(model)  # the network inside, without the temperature
for name, candidate in [("before", uncalibrated), ("after", model)]:
    test_probabilities = models.predict_proba(candidate, test_images)
    error = calibration.expected_calibration_error(test_probabilities, test_labels)
    print(f"{name} calibration: mean confidence {test_probabilities.max(axis=1).mean():.1%}, "
          f"accuracy {(test_probabilities.argmax(axis=1) == test_labels).mean():.2%}, calibration error {error:.2%}")
print(calibration.describe(model))  # the temperature T that the model applies

# %% [markdown]
# When the model hesitates between two digits, the course says so instead of guessing:
# below `calibration.UNSURE_BELOW` it answers "not sure: 7 or 1?". Here is a drawing halfway between a 1 and a 7.

# %%
between = np.zeros((28, 28), np.float32)
between[6:22, 14:16] = 1.0  # a straight stroke: a 1 ...
between[6:8, 10:15] = 0.6  # ... with a short, faint flag: maybe a 7
print(calibration.answer(models.predict_proba(model, between)[0]), "| threshold:", calibration.UNSURE_BELOW)

# %% [markdown]
# Each trained model draws its own line between a 1 and a 7. If yours is sure (over the threshold), make the
# flag fainter (`0.3` instead of `0.6`) or shorter and run the cell again: at some point the answer becomes
# "not sure". If it is not sure, make the flag stronger (`0.9`): at some point it says 7.

# %% [markdown]
# ## Two views of every picture: a safety net
#
# Each clean-up step was chosen on some kinds of pictures. On a kind nobody tried, a step can do harm. A small
# scan stored at a few pixels and enlarged has thick, soft strokes. A step that looks for shadows can take such
# a stroke for a shadow and cut it away.
#
# So the course reads every picture twice. The *cleaned view* goes through all the steps above. The *plain
# view* goes through the 15-line recipe only. The model answers on both, and `handwriting.predict` averages the
# two answers. When both views are good, they agree. When one view lost the digit, its answer is usually unsure,
# and the other view decides.
#
# To see it work, we make small, blurry scans from MNIST test digits: each digit is stored at 8x8 pixels, then
# enlarged to 96x96 and blurred. We look for the first one where the two views give different answers.

# %%
def small_scan(digit):
    """An MNIST digit stored at 8x8 pixels, then enlarged and blurred: dark ink on white, like a scan."""
    small = Image.fromarray(np.uint8(255 - 255 * digit)).resize((8, 8), Image.Resampling.BOX)
    return small.resize((96, 96), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(1))


for number, digit in enumerate(test_images):
    scan = small_scan(digit)
    views = models.predict_proba(model, handwriting.preprocess(scan).views).argmax(axis=1)
    if views[0] != views[1]:
        break
print(f"test digit {number} (a {test_labels[number]}): the cleaned view reads {views[0]}, the plain view {views[1]}")

# %% [markdown]
# Here it is, with the model's answer on each view and on both together. Below it is a 1 written with a flag,
# as many schools teach it.

# %%
european_one = samples.make_sample(1, kind="scan", writer="european", seed=11).image
for name, picture in [(f"small scan of a {test_labels[number]}", scan), ("a 1 with a flag", european_one)]:
    prepared = handwriting.preprocess(picture)
    answers = models.predict_proba(model, prepared.views)  # row 0: the cleaned view, row 1: the plain view
    both = handwriting.predict(model, prepared)
    figure, axes = plt.subplots(1, 3, figsize=(6.5, 2.6), gridspec_kw={"width_ratios": [1.4, 1, 1]}, layout="constrained")
    axes[0].imshow(picture, cmap="gray")
    axes[0].set_title(name, fontsize=plots.FONT_SIZE)
    for axis, view, row, title in zip(axes[1:], prepared.views, answers, ["cleaned view", "plain view"]):
        axis.imshow(view, cmap="gray")
        axis.set_title(f"{title}\n{row.argmax()} ({row.max():.0%})", fontsize=plots.FONT_SIZE)
    for axis in axes:
        axis.axis("off")
    plt.show()
    print(f"{name}: both views together: {calibration.answer(both)}")

# %% [markdown]
# Compare the three answers for the small scan. One view lost part of the digit, so the other view counts
# too. When the two views disagree, the average is less sure. Below the threshold the course then says "not
# sure" instead of making a confident mistake.

# %% [markdown]
# MNIST's writers were American (employees of the US Census Bureau and high-school students), and their 1 is
# mostly a single stroke. A model that never saw a 1 with a flag may read it as a 7. So the course CNN also
# trains on some MNIST 1s with a flag and a foot drawn on, and some 7s with a bar across
# (`augment.add_letter_forms`). It also sees some digits stored small and enlarged (`augment.soften`). Here
# are a few of them:

# %%
(train_images, train_labels), _ = data.load_course_data(train_per_class=20, test_per_class=1)
chosen = np.concatenate([np.flatnonzero(train_labels == 1)[:4], np.flatnonzero(train_labels == 7)[:4]])
changed = augment.add_letter_forms(data.scale(train_images[chosen]), train_labels[chosen], share=1.0, seed=1)
figure, axes = plt.subplots(2, len(chosen), figsize=(9, 3.0), layout="constrained")
for column, index in enumerate(chosen):
    axes[0, column].imshow(train_images[index], cmap="gray")
    axes[1, column].imshow(changed[column], cmap="gray")
for axis in axes.ravel():
    axis.axis("off")
axes[0, 0].set_title("MNIST", fontsize=plots.FONT_SIZE, loc="left")
axes[1, 0].set_title("with a flag, a foot or a bar", fontsize=plots.FONT_SIZE, loc="left")
plt.show()

# %% [markdown]
# ## Several digits in one picture
#
# A written year has four digits. `split_digits` finds the pieces of ink, puts pieces that overlap from left to
# right into one digit, and prepares each digit on its own. `read_number` classifies them in order.

# %%
year_photo = ImageOps.exif_transpose(Image.open(ASSETS / "photo_2026.jpg"))
digits = handwriting.split_digits(ASSETS / "photo_2026.jpg")
number, number_probabilities = handwriting.read_number(model, ASSETS / "photo_2026.jpg")

figure, axes = plt.subplots(1, len(digits) + 1, figsize=(8, 2.2), gridspec_kw={"width_ratios": [2.5] + [1] * len(digits)},
                            layout="constrained")
axes[0].imshow(year_photo)
axes[0].set_title("photo", fontsize=plots.FONT_SIZE)
for axis, digit, row in zip(axes[1:], digits, number_probabilities):
    axis.imshow(digit.image, cmap="gray")
    axis.set_title(f"{row.argmax()} ({row.max():.0%})", fontsize=plots.FONT_SIZE)
for axis in axes:
    axis.axis("off")
plt.show()
print("the number:", number)

# %% [markdown]
# Digits that touch each other are one piece of ink, so they are not split: leave a little space between them.

# %% [markdown]
# ## A gallery of pictures
#
# Each sample picture shows a different problem. They are: an EXIF rotation, a shadow, pencil on squared
# paper, a thin pen on a large transparent canvas, and a thick marker. Then chalk on a board, a thick 0 cut
# tightly from a form, and a small, blurry 8 that was stored at a few pixels and enlarged.

# %%
gallery = ["phone_9_exif.jpg", "ballpoint_0.webp", "pencil_5_scan.png", "canvas_3_transparent.png",
           "marker_2.png", "chalk_4.jpg", "tight_0.png", "lowres_8.png"]
pictures, prepared_images, answers = [], [], []
for name in gallery:
    picture = ImageOps.exif_transpose(Image.open(ASSETS / name)).convert("RGBA")
    picture.thumbnail((240, 240))  # small is enough to see it
    background = Image.new("RGBA", picture.size, "white")  # show transparent pixels as white paper
    pictures.append(Image.alpha_composite(background, picture))
    prepared = handwriting.preprocess(ASSETS / name)
    guess = handwriting.predict(model, prepared)  # both views, as the course reads every picture
    prepared_images.append(prepared.image)
    answers.append(f"{guess.argmax()} ({guess.max():.0%})")
plots.plot_gallery(pictures, gallery, prepared_images, answers, width=8)
plt.show()

# %% [markdown]
# ## Your own handwriting
#
# Write a digit on paper with a dark pen and take a photo. An iPhone's HEIC photo works too, and so does a
# PDF scan. Upload it with the button below. In Colab, a file dialog opens instead: Colab's upload button
# cannot take files bigger than about 1 MB. Your picture goes through the same steps. You see each step,
# the bars and one line with the model's answer. You can also give a path:
# `upload.upload_image(show, path="my_digit.jpg")`.

# %%
def show(name, picture_bytes):
    """Prepare an uploaded picture, show its steps and the model's answer."""
    _, picture_probabilities = plots.show_prediction(model, picture_bytes, title=name)
    print(f"{name}: the model reads {calibration.answer(picture_probabilities)}")


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
# The same steps are behind the command `mnist-course predict`. For each file it prints the answer
# (`7 (98%)`, or `not sure: 7 or 1?`), the confidence and the top 3. With `--json` it prints one JSON object
# per line. It reads a number when a picture has several digits. Without `--model` it uses the model saved
# in your course folder (by lesson 05, this lesson or `mnist-course train`).

# %%
import json
import sys

command = [sys.executable, "-m", "mnist_course.cli", "predict", "--json",
           str(ASSETS / "photo_7.jpg"), str(ASSETS / "photo_2026.jpg"), "no_such_file.png"]
finished = subprocess.run(command, capture_output=True, text=True)
for line in finished.stdout.splitlines():
    record = json.loads(line)
    record["file"] = Path(record["file"]).name
    print({key: record[key] for key in ("file", "answer", "number", "error") if key in record})
print("exit status:", finished.returncode, "(1: at least one file could not be read)" if finished.returncode == 1 else "")

# %% [markdown]
# ## How well does it work?
#
# We test on synthetic handwriting the model never saw. There are six "writers": different 1s, 4s and 7s,
# slants, steady and shaky hands. There are six kinds of picture: drawing app, scanned page, phone photo,
# chalk, tight crop, small and blurry. Pens, inks, papers, lines, sizes and positions are random. Each
# picture is saved as a file and read back, like yours. We compare four ways: both views together (what the
# course uses), the cleaned view alone, the 15-line recipe (the plain view) alone, and the plain resize.

# %%
import io

per_digit = config.pick(full=1, fast=1)
writers = config.pick(full=samples.WRITER_NAMES, fast=("neat", "quick"))
kinds = config.pick(full=("canvas", "scan", "photo", "chalk", "tight", "lowres"), fast=("canvas", "photo", "tight"))
counts = {}
for sample in samples.dataset(per_digit, kinds=kinds, writers=writers, seed=606):
    file_bytes = samples.encode(sample.image, "PNG" if sample.kind in ("canvas", "tight", "lowres") else "JPEG")
    recipe = plain_to_mnist(io.BytesIO(file_bytes))
    resized = np.asarray(Image.open(io.BytesIO(file_bytes)).convert("L").resize((28, 28)), np.float32) / 255
    try:
        prepared = handwriting.preprocess(file_bytes)
        both, cleaned = handwriting.predict(model, prepared).argmax(), prepared.image
    except handwriting.HandwritingError:  # "no ink" for a picture that has a digit: counts as a mistake
        both, cleaned = -1, np.zeros((28, 28), np.float32)
    guesses = models.predict_proba(model, np.stack([cleaned, recipe, resized])).argmax(axis=1)
    right = counts.setdefault(sample.kind, np.zeros(5, int))
    right += [both == sample.label, *(guesses == sample.label), 1]
print("kind     pictures   both views   cleaned view   15-line recipe   plain resize")
for kind, (both_right, steps_right, recipe_right, resize_right, total) in counts.items():
    print(f"{kind:7} {total:9} {both_right / total:12.1%} {steps_right / total:14.1%} "
          f"{recipe_right / total:16.1%} {resize_right / total:14.1%}")

# %% [markdown]
# The table shows where the clean-up steps help, and where they do not. On photos and scans with shadows
# and lines, the 15-line recipe loses many digits that the steps keep; it also fails on transparent canvases,
# which it reads as all black. On tight crops and small blurry pictures, the 15-line recipe does about as well
# as the cleaned view: these pictures have no lines or shadows to remove. Both views together are never far
# below the better of the two. Simple methods are hard to beat, and every extra step must be measured. The
# plain resize is close to chance everywhere.
#
# Be careful with these numbers: the test pictures were made by the same people who wrote the preprocessing.
# Real handwriting is more varied. The course's benchmark (`python bench/benchmark_handwriting.py --real`)
# also measures real pictures of digits from public repositories, which nobody on the course drew. Its
# results are in the README (reference numbers, not computed in this lesson). Your own photos are the real test.

# %% [markdown]
# ## What we learned
#
# - A model only works on inputs like the ones it learned from. MNIST digits are light on dark, fitted in a
#   20x20 box and centred by their centre of mass in 28x28; a plain resize of a photo is none of these.
# - MNIST's own recipe is 15 lines: ink light on black, crop, fit into 20x20, centre of mass. It is enough for
#   a clean drawing.
# - A photo needs more. Dividing by the paper's brightness removes uneven light and shadows. Thin, straight
#   lines that cross the page are ruled lines, not writing. Bringing the pen width near MNIST's makes thin
#   pens and markers look alike to the model.
# - A temperature makes the confidence honest, and "not sure: 7 or 1?" is a better answer than a wrong guess.
# - Keep every step: when a prediction is wrong, the strip of steps shows where the digit was lost.
# - Read every picture twice, cleaned and plain, and average the model's answers: a step that was not needed
#   then cannot ruin a picture on its own.
# - A model only knows the letter forms it has seen: a 1 with a flag needs training digits with a flag.

# %% [markdown]
# ## Next
#
# Lesson 07 ([07_drawing_pad.ipynb](07_drawing_pad.ipynb)) gives you a drawing pad: draw a digit with the mouse
# and watch the model's answer change as you draw. It uses the same `handwriting.to_mnist`.
