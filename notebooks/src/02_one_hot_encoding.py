# %% [markdown]
# # 02 · Preparing the data: scaling, flattening and one-hot labels
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/02_one_hot_encoding.ipynb)
#
# **What you will learn:** why we scale pixel values to 0-1, and why a dense network needs each picture as
# one long row of 784 numbers. You will also learn what one-hot labels are and when a classifier needs them.
#
# **Builds on:** lesson 01 (the MNIST arrays and their shapes).
#
# **Full run:** under a minute on a 2-core CPU with AVX2 only (float32, as on most laptops); under a minute with AVX-512 and bfloat16. Measured by the build of this page.

# %% [markdown]
# ## Setup
#
# The first cell installs the course library when it is missing (on Google Colab; about 30 seconds).
# The second one starts the lesson, as in lesson 01. The third one loads MNIST.

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
from mnist_course import data

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_mnist()

# %% [markdown]
# ## Step 1: scale the pixels to 0-1
#
# A neural network multiplies each input by a weight and adds the results. With inputs up to 255, these
# sums become very large, and training takes huge, unstable steps. With inputs from 0 to 1, the same
# learning rate works well. So we divide by 255. `data.scale` does this and also changes the type from
# whole numbers (`uint8`) to decimal numbers (`float32`).

# %% tags=["nbval-check-output"]
scaled_train = data.scale(train_images)
print("before:", train_images.dtype, train_images.min(), "to", train_images.max())
print("after: ", scaled_train.dtype, scaled_train.min(), "to", scaled_train.max())
print("black, half-grey, white:", data.scale(np.array([0, 128, 255], dtype=np.uint8)))

# %% [markdown]
# ### An experiment: does scaling really matter?
#
# We train a small network twice, for one epoch: once on raw pixels (0-255) and once on scaled
# pixels (0-1). It has one hidden layer of 64 units (lesson 03 explains layers). Everything else is the
# same, also the random start.

# %%
num_train = 5000 if FAST else 60000  # fewer images in the quick test runs


def train_simple_classifier(divide_by):
    """Train a small network (784 inputs -> 64 hidden units -> 10 outputs) for one epoch on pixels / divide_by.

    Returns the accuracy on the test set.
    """
    keras.utils.set_random_seed(0)  # the same random start for both runs
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    train_input = data.flatten(train_images[:num_train]).astype(np.float32) / divide_by
    test_input = data.flatten(test_images).astype(np.float32) / divide_by
    model.fit(train_input, train_labels[:num_train], epochs=1, batch_size=64, verbose=0)
    return model.evaluate(test_input, test_labels, verbose=0)[1]


raw_accuracy = train_simple_classifier(divide_by=1)
scaled_accuracy = train_simple_classifier(divide_by=255)
print(f"raw pixels 0-255:  test accuracy {raw_accuracy:.1%}")
print(f"scaled pixels 0-1: test accuracy {scaled_accuracy:.1%}")

# %% [markdown]
# With raw pixels the sums inside the network are about 255 times too big. The first training steps are so
# large that the network breaks, and it ends no better than guessing (about 11%; a blind guess is right
# one time in ten). In the full run the scaled network reaches about 93% after one epoch. Same model, same
# data, same random start: only the scale changed.

# %% [markdown]
# ## Step 2: flatten each picture into one row
#
# A dense layer (lesson 03) takes a list of numbers, not a grid. So we put the 28 rows of each picture one
# after another: 28 × 28 = 784 numbers. `data.flatten` does this for all pictures at once.

# %% tags=["nbval-check-output"]
flat_train = data.flatten(scaled_train)
print("before:", scaled_train.shape)
print("after: ", flat_train.shape)
print("row 5 of the first picture is now numbers", 5 * 28, "to", 5 * 28 + 27, "of its flat row")

# %% [markdown]
# Here is what the first picture looks like as one long row, cut into four pieces so it fits on the screen.
# The digit is still there, but its shape is hard to see. A dense network must learn the shape back.
# In lesson 04 a convolutional network keeps the grid instead.

# %%
figure, axes = plt.subplots(4, 1, figsize=(10, 3.5))
for piece, axis in enumerate(axes):
    axis.imshow(flat_train[0, piece * 196:(piece + 1) * 196][np.newaxis, :], cmap="gray", aspect="auto")
    axis.set_yticks([])
    axis.set_xticks([])
    axis.set_ylabel(f"from {piece * 196}", rotation=0, ha="right", va="center", fontsize=13)
figure.suptitle("The first training picture as 784 numbers in a row", fontsize=14)
plt.show()

# %% [markdown]
# ## Step 3: one-hot labels
#
# The model will answer with **ten numbers**, one probability for each digit. To compare the answer with
# the truth, the truth should also be ten numbers. We use **one-hot encoding**. It writes label 3 as ten
# numbers that are all 0, except a 1 in place 3:
#
# `3  ->  [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]`
#
# Why not use the number 3 directly, as one output? Because the digits are names, not amounts. A "7" is not
# "more" than a "1", and a 4 is not halfway between a 3 and a 5. With one output, the model would learn that
# wrong order. With ten outputs, each digit gets its own place.
#
# Keras has a function for this: `keras.utils.to_categorical`. Here it is on a short list of labels.

# %% tags=["nbval-check-output"]
example_labels = [2, 1, 3, 4, 5, 6, 1, 7, 8, 9, 0]
one_hot_labels = keras.utils.to_categorical(example_labels, num_classes=10)
print(one_hot_labels.astype(int))

# %% [markdown]
# Each row is one label. The 1 sits in the column of the digit. As a picture, each row has one bright square:

# %%
figure, axis = plt.subplots(figsize=(6, 5.5))
axis.imshow(one_hot_labels, cmap="Blues")
axis.set_xticks(range(10))
axis.set_yticks(range(len(example_labels)), labels=[f"label {label}" for label in example_labels])
axis.tick_params(labelsize=12)
axis.set_xlabel("place in the one-hot vector", fontsize=13)
axis.set_title("One-hot labels", fontsize=14)
plt.tight_layout()
plt.show()

# %% [markdown]
# To get the digit back from ten numbers, we ask: where is the largest one? That is `np.argmax`. We use the
# same trick later to read the model's answer from its ten probabilities.

# %% tags=["nbval-check-output"]
print(np.argmax(one_hot_labels, axis=1))

# %% [markdown]
# The course library wraps `to_categorical` as `data.one_hot`, so later lessons can write one short line:

# %% tags=["nbval-check-output"]
train_one_hot = data.one_hot(train_labels)
print("labels:", train_labels.shape, "->", train_one_hot.shape)
print("first label", train_labels[0], "->", train_one_hot[0].astype(int))

# %% [markdown]
# ## One-hot or sparse labels: two losses, one number
#
# There are two ways to give labels to Keras, and each has its own loss function:
#
# | labels | example | loss |
# |---|---|---|
# | one-hot | `[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]` | `categorical_crossentropy` |
# | sparse (the plain digit) | `3` | `sparse_categorical_crossentropy` |
#
# Both compute the same number: minus the log of the probability that the model gives to the true digit.
# Let us check with three made-up model answers.

# %% tags=["nbval-check-output"]
model_answers = np.array([
    [0.05, 0.05, 0.70, 0.02, 0.02, 0.02, 0.04, 0.04, 0.03, 0.03],  # fairly sure it is a 2
    [0.10, 0.40, 0.10, 0.05, 0.05, 0.05, 0.05, 0.10, 0.05, 0.05],  # unsure, leans to 1
    [0.01, 0.01, 0.01, 0.90, 0.01, 0.01, 0.01, 0.02, 0.01, 0.01],  # very sure it is a 3
], dtype=np.float32)
true_digits = np.array([2, 1, 3])

by_hand = -np.log(model_answers[np.arange(3), true_digits])
one_hot_loss = keras.losses.categorical_crossentropy(data.one_hot(true_digits), model_answers)
sparse_loss = keras.losses.sparse_categorical_crossentropy(true_digits, model_answers)
print("by hand:                ", np.round(by_hand, 4))
print("categorical (one-hot):  ", np.round(np.asarray(one_hot_loss), 4))
print("sparse (plain digits):  ", np.round(np.asarray(sparse_loss), 4))

# %% [markdown]
# The three rows match. A sure and right answer (0.90) costs little; an unsure answer (0.40) costs more.
# Training makes this number small.
#
# Which one should you use? They train the same model. Sparse labels save memory (one number instead of ten).
# You need one-hot labels when a label is not one single class. An example is **label smoothing**, which the
# course CNN of lesson 05 uses. It gives a tenth of the target to all ten digits equally. So the right digit
# gets a little less than 1, and every other digit gets a little more than 0. This is the target of a 3 then:

# %% tags=["nbval-check-output"]
label_smoothing = 0.1  # the course CNN's setting (lesson 05)
smoothed_three = data.one_hot([3])[0] * (1 - label_smoothing) + label_smoothing / 10
print("one-hot 3: ", data.one_hot([3])[0].round(2))
print("smoothed 3:", smoothed_three.round(2))

# %% [markdown]
# A plain digit cannot say this, so the later lessons use one-hot labels (`data.one_hot`) with
# `categorical_crossentropy`. It is good to know both, because you will meet both in other code.
#
# ## What we learned
#
# - We scale pixels from 0-255 to 0-1, so training takes sensible steps. One epoch shows the difference.
# - A dense network needs each 28 × 28 picture as a row of 784 numbers (`data.flatten`).
# - One-hot encoding turns a digit into ten numbers with a single 1 (`keras.utils.to_categorical`).
#   `np.argmax` turns it back.
# - One-hot labels go with `categorical_crossentropy`; plain digits go with
#   `sparse_categorical_crossentropy`. Both give the same loss.
#
# ## Next
#
# [Lesson 03](03_mlp.ipynb): our first neural network, a dense network that reads digits.
