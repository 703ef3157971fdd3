# %% [markdown]
# # 01 · A first look at MNIST
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/01_explore_mnist.ipynb)
#
# **What you will learn:** what is inside MNIST, and how a computer stores a picture of a digit as numbers.
# You will also learn three facts about the data that matter when you test a model on your own handwriting.
#
# **Builds on:** nothing. This is the first lesson. You only need to know a little Python and NumPy.
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
from mnist_course import data, plots

# %% [markdown]
# ## Load the data
#
# MNIST has 70,000 small pictures of handwritten digits, 0 to 9. People wrote them on paper forms,
# and the forms were scanned. `data.load_mnist()` finds the file on your computer, or downloads it once
# with Keras (about 11 MB). After that it works without internet.
#
# The data comes in two parts. We **train** a model on the first part. We **test** it on the second part,
# which the model never sees during training. That tells us how well it works on new handwriting.
#
# The cell also prints where MNIST came from. On your computer it says "downloaded by Keras" the first time.
# After that it says "the Keras download folder". This page was made on a computer that had a copy of the
# file already, so it says "a copy already on this computer". The words in brackets stand for the place of
# that file.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_mnist()
print("MNIST came from:", data.describe_source())
print(f"pictures in all: {len(train_images) + len(test_images):,}")

# %% [markdown]
# ## Shapes and types
#
# Everything is a NumPy array. The *shape* tells us how many pictures there are and how big they are.
# The *dtype* tells us what kind of numbers they hold.

# %% tags=["nbval-check-output"]
print("train_images:", train_images.shape, train_images.dtype)
print("train_labels:", train_labels.shape, train_labels.dtype)
print("test_images: ", test_images.shape, test_images.dtype)
print("test_labels: ", test_labels.shape, test_labels.dtype)
print("pixel values go from", train_images.min(), "to", train_images.max())

# %% [markdown]
# So there are 60,000 training pictures and 10,000 test pictures. Each picture is 28 by 28 pixels.
# Each pixel is one number from 0 to 255 (`uint8`: an 8-bit whole number). Each label is the digit
# that the person wrote.

# %% [markdown]
# ## One digit
#
# `plt.imshow` draws a 2-D array as a picture. We use a grey colour map: 0 is black and 255 is white.

# %%
first_image = train_images[0]
plt.figure(figsize=(3, 3))
plt.imshow(first_image, cmap="gray")
plt.title(f"label: {train_labels[0]}", fontsize=14)
plt.axis("off")
plt.show()

# %% [markdown]
# ## The picture is only numbers
#
# A computer does not see a "5". It sees 784 numbers (28 × 28). Here they are, row by row.
# Zero is background. Larger numbers are brighter ink. Can you see the 5 in the numbers?

# %% tags=["nbval-check-output"]
print(first_image.size, "numbers:", first_image.shape[0], "rows of", first_image.shape[1])
for row in first_image:
    print(" ".join(f"{value:3d}" for value in row))

# %% [markdown]
# ## Many digits
#
# One example is not enough to know a dataset. Here are the first ten examples of each digit, one digit
# per row.
# Look at how different the same digit can be: slanted, thick, thin, open, closed.

# %%
examples_per_digit = 10
grid_indices = np.concatenate(
    [np.flatnonzero(train_labels == digit)[:examples_per_digit] for digit in range(10)]
)
plots.show_digits(train_images[grid_indices], ncols=examples_per_digit, size=0.8)
plt.show()

# %% [markdown]
# ## Is every digit equally common?
#
# If one digit were very rare, a model could learn to ignore it. We count the labels.

# %% tags=["nbval-check-output"]
train_counts = np.bincount(train_labels, minlength=10)
test_counts = np.bincount(test_labels, minlength=10)
print("train:", train_counts.tolist())
print("test: ", test_counts.tolist())

# %%
figure, axis = plt.subplots(figsize=(9, 3.5))
axis.bar(np.arange(10), train_counts, color="tab:blue")
axis.set_xticks(range(10))
axis.tick_params(labelsize=12)
axis.set_xlabel("digit", fontsize=13)
axis.set_ylabel("training images", fontsize=13)
axis.set_title("Class balance in the training set", fontsize=14)
plt.tight_layout()
plt.show()

# %% [markdown]
# The classes are close to balanced. The most common digit (1) has about 6,700 images and the rarest (5)
# has about 5,400. This is good: a model cannot win by guessing one digit.

# %% [markdown]
# ## The average digit
#
# What does a "typical" 3 look like? We take all training images of one digit and average them pixel by
# pixel. Bright areas are places where many writers put ink.

# %%
mean_images = np.stack([train_images[train_labels == digit].mean(axis=0) for digit in range(10)])
plots.show_digits(mean_images, labels=range(10), ncols=10)
plt.show()

# %% [markdown]
# The averages are blurry, but every digit is easy to read. This already hints that the position of the ink
# says a lot about the digit. It also shows that every digit sits in the **middle** of the picture.

# %% [markdown]
# ## What the data does not show you
#
# MNIST was prepared carefully before anyone trained on it. Three facts are easy to miss, and they matter
# in lesson 06, when you test the model on your own handwriting:
#
# 1. **White ink on a black background.** Your pen makes dark ink on light paper, the opposite.
# 2. **The digit fits in a 20 × 20 box.** Each digit was scaled so its longer side is 20 pixels, with
#    4 empty pixels around it.
# 3. **The digit is centred by its centre of mass**, the "balance point" of the ink, not by its box.
#
# Let us check facts 2 and 3 with numbers.

# %%
from scipy import ndimage  # scipy's tools for pictures: here, the centre of mass


def ink_box_size(image):
    """Height and width of the smallest box that holds all the ink of one image."""
    rows = np.flatnonzero(image.max(axis=1) > 0)
    columns = np.flatnonzero(image.max(axis=0) > 0)
    return rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1


sample = train_images[:2000]
box_sizes = np.array([ink_box_size(image) for image in sample])
longer_side = box_sizes.max(axis=1)
centres = np.array([ndimage.center_of_mass(image.astype(float)) for image in sample])

# %% tags=["nbval-check-output"]
print("most common longer side of the ink box:", np.bincount(longer_side).argmax(), "pixels")
print("share of digits with longer side 19-20: ", f"{np.mean((longer_side >= 19) & (longer_side <= 20)):.0%}")
print("average centre of mass (row, column):   ", np.round(centres.mean(axis=0), 1))
print("empty pixels on each side of a 20-pixel box:", (28 - 20) // 2)

# %%
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.hist(longer_side, bins=np.arange(9.5, 28.5, 1), color="tab:blue")
left.set_xticks(range(10, 29, 2))
left.set_xlabel("longer side of the ink box (pixels)", fontsize=13)
left.set_ylabel("images", fontsize=13)
left.set_title("Ink box: 20 pixels on its longer side", fontsize=14)
right.scatter(centres[:, 1], centres[:, 0], s=3, alpha=0.3)
right.set_xlim(12, 16)  # a zoom: the whole picture goes from 0 to 27
right.set_ylim(16, 12)
right.set_aspect("equal")
right.set_xticks(range(12, 17))
right.set_yticks(range(12, 17))
right.set_xlabel("column (zoomed in: 12 to 16)", fontsize=13)
right.set_ylabel("row", fontsize=13)
right.set_title("Centres of mass: all near (14, 14)", fontsize=14)
for axis in (left, right):
    axis.tick_params(labelsize=12)
plt.tight_layout()
plt.show()

# %% [markdown]
# Now look at a digit the way **you** would write it: dark ink on white paper, small, and not in the middle.
# We make one from an MNIST digit. A model trained on MNIST has never seen a picture like the one on the right.

# %%
paper_style = np.full((28, 28), 255, dtype=np.uint8)
small_digit = 255 - first_image[::2, ::2]          # half size, and dark ink on light paper
paper_style[2:16, 12:26] = small_digit
plots.show_digits(np.stack([first_image, paper_style]), labels=["MNIST style", "your style"], ncols=2)
plt.show()

# %% [markdown]
# In lesson 06 we will write code that turns any photo of a digit into MNIST style. It inverts the colours
# and cuts out the ink. Then it fits the ink in 20 × 20 and centres it by its centre of mass.
#
# ## What we learned
#
# - MNIST has 60,000 training and 10,000 test pictures, each 28 × 28 numbers from 0 to 255.
# - A picture is only an array of numbers; `imshow` turns it back into a picture.
# - The ten digits are close to equally common.
# - MNIST digits are white on black, fit in a 20 × 20 box and are centred by their centre of mass.
#   Our own pictures must look the same before a model can read them.
#
# ## Next
#
# [Lesson 02](02_one_hot_encoding.ipynb): how to prepare these numbers and labels for a neural network.
